"""Receiving an uploaded ZIP: the multipart body is parsed as it arrives (python-multipart)
and the file part written straight to disk, counting bytes, so a large upload never sits in
memory and one over the limit is refused as soon as it crosses it, leaving nothing behind."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from archive.errors import InvalidRequest, SubmissionTooLarge

FIELD = "file"
OVERHEAD = 64 * 1024      # multipart headers and boundaries around the file
# The OpenAPI description of the body, which the route reads itself instead of through FastAPI.
OPENAPI_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": [FIELD],
    "properties": {FIELD: {"type": "string", "format": "binary", "description": "Gói hồ sơ (tệp ZIP)."}}}}}}}


class _FilePart:
    """Callbacks writing the part named ``file`` to ``dest``."""

    def __init__(self, dest: Path, limit: int):
        self.dest, self.limit = dest, limit
        self.out: BinaryIO | None = None
        self.found = False
        self.written = 0
        self._begin()

    def callbacks(self) -> dict:
        return {"on_part_begin": self._begin, "on_header_field": self._field, "on_header_value": self._value,
                "on_header_end": self._header_end, "on_headers_finished": self._headers_done,
                "on_part_data": self._data, "on_part_end": self._end}

    def _begin(self):
        self._header, self._value_buf, self._headers = b"", b"", {}

    def _field(self, data, start, end):
        self._header += data[start:end]

    def _value(self, data, start, end):
        self._value_buf += data[start:end]

    def _header_end(self):
        self._headers[self._header.lower()] = self._value_buf
        self._header, self._value_buf = b"", b""

    def _headers_done(self):
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        if params.get(b"name") == FIELD.encode() and b"filename" in params and not self.found:
            self.found = True
            self.out = open(self.dest, "wb")

    def _data(self, data, start, end):
        if self.out is None:
            return
        self.written += end - start
        if self.written > self.limit:
            raise SubmissionTooLarge(f"upload larger than {self.limit} bytes", limit=self.limit)
        self.out.write(data[start:end])

    def _end(self):
        if self.out is not None:
            self.out.close()
            self.out = None


async def receive_file(request: Request, dest: Path, limit: int) -> Path:
    """Write the request's ``file`` part to ``dest``; SubmissionTooLarge beyond ``limit`` bytes."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise InvalidRequest("expected multipart/form-data with a 'file' part",
                             message_vi="Cần gửi tệp ZIP trong trường 'file' (multipart/form-data).")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + OVERHEAD:
        raise SubmissionTooLarge(f"upload of {declared} bytes is larger than {limit}", limit=limit)
    part = _FilePart(dest, limit)
    received = 0
    try:
        parser = MultipartParser(params[b"boundary"], part.callbacks())
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + OVERHEAD:
                raise SubmissionTooLarge(f"upload larger than {limit} bytes", limit=limit)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        dest.unlink(missing_ok=True)
        raise InvalidRequest(f"malformed multipart body: {exc}",
                             message_vi="Nội dung tải lên không đúng định dạng multipart.") from None
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        part._end()
    if not part.found:
        dest.unlink(missing_ok=True)
        raise InvalidRequest("no 'file' part in the upload", message_vi="Thiếu tệp ZIP trong trường 'file'.")
    return dest
