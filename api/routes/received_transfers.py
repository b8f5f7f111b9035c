"""Receiving a transfer (tiếp nhận hồ sơ nộp lưu) through the API, the historical archive's
side: the transfer folder (BagIt bag) arrives as a ZIP, is streamed to disk under the upload
limit, unpacked with the submission's hardened ZIP extraction into a temporary folder under
data_dir and handed to archive.lifecycle.transfer.receive_transfer, which checks everything, keeps
nothing of a refused transfer and writes the audit trail of a receipt. The signed
acknowledgement and its signature are kept under data_dir/transfers/received/ for the
sending agency to download and import."""
from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.deps import CallerDep, DbDep, SettingsDep, audit_event
from api.download import content_disposition
from api.upload import OPENAPI_BODY, receive_file
from archive import audit
from archive.access import require
from archive.errors import LuuTruError, NotFound
from archive.settings import Settings
from archive.lifecycle.transfer import receive_transfer, signing
from archive.lifecycle.transfer.acknowledgement import signature_path
from archive.catalog.transfer import Transfer
from ingest.submission import extract_zip

router = APIRouter(prefix="/transfers/received", tags=["transfers"])
Reference = Annotated[str, Path(min_length=1, max_length=64)]
RECEIVERS = ("archivist", "admin")
READERS = (*RECEIVERS, "auditor")
BAG_DECLARATION = "bagit.txt"
BODY = {"requestBody": {**OPENAPI_BODY["requestBody"], "description": "Thư mục nộp lưu (BagIt) nén thành tệp ZIP."}}


class ReceivedOut(BaseModel):
    reference: str
    dossiers: list[str]
    acknowledgement: str
    signature: str


def acknowledgements_dir(settings: Settings) -> FsPath:
    return settings.data_dir / "transfers" / "received"


def _bag_root(folder: FsPath) -> FsPath:
    """The bag itself, or its single sub-folder when the ZIP was made of the folder."""
    children = list(folder.iterdir())
    if not (folder / BAG_DECLARATION).is_file() and len(children) == 1 and (children[0] / BAG_DECLARATION).is_file():
        return children[0]
    return folder


def _receive(upload: FsPath, work: FsPath, settings: Settings, actor: str):
    bag = work / "bag"
    extract_zip(upload, bag, settings)
    upload.unlink()
    return receive_transfer(_bag_root(bag), out_dir=acknowledgements_dir(settings), actor=actor, settings=settings)


@router.post("", response_model=ReceivedOut, status_code=201, openapi_extra=BODY,
             summary="Tiếp nhận hồ sơ nộp lưu (tệp ZIP của thư mục nộp lưu), ký văn bản xác nhận")
async def receive(request: Request, caller: CallerDep, settings: SettingsDep) -> ReceivedOut:
    require(caller.principal, RECEIVERS, action="receive a transfer")
    signing.signing_key(settings.transfer_signing_key)     # no key, no receipt: refused before the upload
    work_root = settings.data_dir / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="received-transfer-", dir=work_root) as folder:
        work = FsPath(folder)
        try:
            upload = await receive_file(request, work / "transfer.zip", settings.max_submission_bytes)
            received = await run_in_threadpool(_receive, upload, work, settings, caller.name)
        except LuuTruError as exc:
            # A receipt is audited by the domain; a refusal is recorded here, with its reasons.
            await run_in_threadpool(audit.record, "transfer", actor=caller.name, outcome="failure",
                                    detail={"step": "receive refused", "code": exc.code, **exc.context})
            raise
    base = f"/api/v1/transfers/received/{received.reference}"
    return ReceivedOut(reference=received.reference, dossiers=received.dossiers,
                       acknowledgement=f"{base}/acknowledgement", signature=f"{base}/signature")


def _acknowledgement(db, caller, settings: Settings, reference: str) -> FsPath:
    require(caller.principal, READERS, action="read a transfer acknowledgement")
    found = db.scalar(select(Transfer.reference).where(Transfer.reference == reference,
                                                       Transfer.direction == "incoming"))
    path = acknowledgements_dir(settings) / f"{found}.acknowledgement.json"
    if found is None or not path.is_file():
        raise NotFound(f"no acknowledgement of a received transfer {reference}",
                       message_vi=f"Không tìm thấy văn bản xác nhận của đợt nộp lưu {reference}.")
    return path


def _download(db, caller, path: FsPath, reference: str, media_type: str) -> FileResponse:
    audit_event(db, "download", actor=caller.name, object=f"{reference}/{path.name}", detail={"transfer": reference})
    return FileResponse(path, media_type=media_type, headers=content_disposition(media_type, path.name))


@router.get("/{reference}/acknowledgement", response_class=FileResponse,
            summary="Tải văn bản xác nhận tiếp nhận (JSON) để gửi cơ quan nộp lưu",
            responses={200: {"content": {"application/json": {}}}})
def acknowledgement(reference: Reference, caller: CallerDep, db: DbDep, settings: SettingsDep) -> FileResponse:
    path = _acknowledgement(db, caller, settings, reference)
    return _download(db, caller, path, reference, "application/json")


@router.get("/{reference}/signature", response_class=FileResponse,
            summary="Tải chữ ký tách rời của văn bản xác nhận tiếp nhận",
            responses={200: {"content": {"application/octet-stream": {}}}})
def signature(reference: Reference, caller: CallerDep, db: DbDep, settings: SettingsDep) -> FileResponse:
    path = signature_path(_acknowledgement(db, caller, settings, reference))
    return _download(db, caller, path, reference, "application/octet-stream")
