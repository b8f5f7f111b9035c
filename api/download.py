"""Streaming a stored object to the client, whole or one byte range (RFC 9110 §14).

The object is read from the store in chunks (never whole into memory), so the same code
serves the filesystem and S3 stores. One range per request is served; a request for
several ranges gets the whole file, which RFC 9110 allows.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from archive.errors import RangeNotSatisfiable
from archive.storage import ObjectStore

CHUNK = 256 * 1024
INLINE_TYPES = frozenset({"application/pdf"})
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive of a single-range header; None for the whole file."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None                       # several ranges or another unit: send everything
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:                         # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(f"bytes=-{last} of a {size}-byte file", headers=_unsatisfied(size))
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(f"bytes={first}-{last} of a {size}-byte file", headers=_unsatisfied(size))
    return start, end


def ascii_name(filename: str) -> str:
    """The name without diacritics, for clients that ignore ``filename*`` (Đ has no decomposition)."""
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if c.isascii() and c not in '"\\' and c.isprintable())
    return plain or "tep"


def content_disposition(media_type: str, filename: str) -> dict[str, str]:
    """PDFs open in the browser's viewer; anything else (an original could be HTML or SVG)
    is a download, sandboxed, so a submitted file never runs script on the archive's origin."""
    name = f"filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{quote(filename)}"   # RFC 6266 / 5987
    if media_type in INLINE_TYPES:
        return {"Content-Disposition": f"inline; {name}"}
    return {"Content-Disposition": f"attachment; {name}", "Content-Security-Policy": "sandbox"}


def _unsatisfied(size: int) -> dict[str, str]:
    return {"Content-Range": f"bytes */{size}"}


def _chunks(store: ObjectStore, key: str, start: int, length: int) -> Iterator[bytes]:
    with store.open(key) as stream:
        if start:
            if stream.seekable():
                stream.seek(start)
            else:
                _skip(stream, start)
        while length > 0:
            chunk = stream.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk


def _skip(stream, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(CHUNK, count))
        if not chunk:
            return
        count -= len(chunk)


def stream_object(store: ObjectStore, key: str, *, size: int, sha256: str, media_type: str, filename: str,
                  range_header: str | None, if_range: str | None) -> StreamingResponse:
    etag = f'"{sha256}"'
    wanted = parse_range(range_header, size) if if_range in (None, etag) else None
    headers = {"Accept-Ranges": "bytes", "ETag": etag, "X-Content-Type-Options": "nosniff",
               **content_disposition(media_type, filename)}
    if wanted is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(_chunks(store, key, 0, size), media_type=media_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    return StreamingResponse(_chunks(store, key, first, last - first + 1), status_code=206,
                             media_type=media_type, headers=headers)
