"""Downloading a file (original or PDF/A preservation copy): streamed from the store, with
range requests, and every download written to the audit trail."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import StreamingResponse

from api import holdings
from api.deps import CallerDep, DbDep, audit_event
from api.download import stream_object
from archive.errors import FixityAlarmOpen, Forbidden, NotFound, ObjectMissing
from archive.storage import open_store

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{file_id}/content", response_class=StreamingResponse, summary="Tải tệp (hỗ trợ Range)",
            responses={200: {"content": {"application/octet-stream": {}}}, 206: {"description": "Một khoảng byte"},
                       416: {"description": "Khoảng byte ngoài tệp"}})
def download(file_id: Annotated[int, Path(ge=1, le=2**62)], caller: CallerDep, db: DbDep,
             view: Annotated[bool, Query(description="Xem trong trình xem của trang (ghi nhật ký là xem).")] = False,
             range: Annotated[str | None, Header(max_length=200)] = None,
             if_range: Annotated[str | None, Header(max_length=200)] = None) -> StreamingResponse:
    action = "view" if view else "download"      # read in the page's viewer, or saved
    store = open_store()
    try:
        file, record, key, name = holdings.file_for_download(db, caller.principal, file_id)
        store.stat(key)                     # a lost object is an error now, not a 200 cut short
    except (NotFound, Forbidden, FixityAlarmOpen, ObjectMissing) as exc:  # refused attempts are part of who-read-what
        audit_event(db, action, actor=caller.name, agency=caller.user.organ_id, object=f"file:{file_id}",
                     outcome="denied", detail={"code": exc.code})
        exc.audited = True                  # as a download: not again as a generic refusal
        raise
    response = stream_object(store, key, size=file.size, sha256=file.sha256,
                             media_type=file.mime or "application/octet-stream",
                             filename=name, range_header=range, if_range=if_range)
    audit_event(db, action, actor=caller.name, agency=caller.user.organ_id, object=f"{record.code}/{file.path}",
                 detail={"file_id": file.id, "role": file.role, "range": response.headers.get("content-range")})
    return response
