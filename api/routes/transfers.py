"""Transfer to the historical archive (nộp lưu) through the API, the sending agency's side:
prepare a transfer of permanent dossiers, download its transfer list and handover record,
import the historical archive's signed acknowledgement. Thin routes over archive.lifecycle.transfer,
which writes the audit trail. Receiving (the historical archive's side) is in
api/routes/received_transfers.py."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import Caller, CallerDep, DbDep, SettingsDep, audit_event
from api.download import content_disposition
from archive.access import require
from archive.errors import InvalidRequest, LegalHoldActive, NotFound
from archive.lifecycle.transfer import acknowledge_transfer, prepare_transfer
from archive.lifecycle.transfer.acknowledgement import signature_path
from archive.lifecycle.transfer.complete import CompletedTransfer, own_transfer, refuse_handover_if_held
from archive.lifecycle.transfer.manifest import HANDOVER_RECORD, TRANSFER_LIST
from archive.lifecycle.transfer.prepare import PreparedTransfer
from archive.catalog.transfer import Transfer

router = APIRouter(prefix="/transfers", tags=["transfers"])
Reference = Annotated[str, Path(min_length=1, max_length=64)]
READERS = ("archivist", "agency_head", "auditor", "admin")
MAX_ACK_BYTES = 1024 * 1024
# The documents of a prepared transfer, by the name the API gives them.
DOCUMENTS = {"transfer-list.xlsx": (f"{TRANSFER_LIST}.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
             "transfer-list.pdf": (f"{TRANSFER_LIST}.pdf", "application/pdf"),
             "handover-record.pdf": (HANDOVER_RECORD, "application/pdf")}


class NewTransfer(BaseModel):
    dossier_codes: list[str] = Field(min_length=1, max_length=1000, description="Mã hồ sơ vĩnh viễn cần nộp lưu.")


class TransferOut(BaseModel):
    reference: str
    dossiers: list[str]
    total_files: int
    total_size: int
    documents: dict[str, str]


class CompletedOut(BaseModel):
    reference: str
    receiver: str
    dossiers: list[str]
    objects_removed: int


def _outgoing(db, caller: Caller, reference: str, roles: tuple[str, ...], action: str) -> Transfer:
    return own_transfer(db, caller.principal, reference, roles, action)


def prepare_for(caller: Caller, codes: list[str], settings) -> PreparedTransfer:
    """An archivist prepares a transfer of their agency's dossiers (API and page)."""
    require(caller.principal, ("archivist",), action="prepare a transfer to the historical archive")
    return prepare_transfer(codes, settings.data_dir / "transfers", organ_id=caller.user.organ_id, actor=caller.name)


@router.post("", response_model=TransferOut, status_code=201,
             summary="Lập bộ hồ sơ nộp lưu (gói SIP, mục lục hồ sơ, biên bản giao nhận)")
def prepare(body: NewTransfer, caller: CallerDep, settings: SettingsDep) -> TransferOut:
    prepared = prepare_for(caller, body.dossier_codes, settings)
    m = prepared.manifest
    return TransferOut(reference=prepared.reference, dossiers=[p.dossier_code for p in m.packages],
                       total_files=m.total_files, total_size=m.total_size,
                       documents={name: f"/api/v1/transfers/{prepared.reference}/documents/{name}"
                                  for name in DOCUMENTS})


@router.get("/{reference}/documents/{name}", response_class=FileResponse,
            summary="Tải mục lục hồ sơ nộp lưu (XLSX, PDF) hoặc biên bản giao nhận (PDF)",
            responses={200: {"content": {"application/pdf": {}, DOCUMENTS["transfer-list.xlsx"][1]: {}}}})
def document(reference: Reference, name: Literal["transfer-list.xlsx", "transfer-list.pdf", "handover-record.pdf"],
             caller: CallerDep, db: DbDep) -> FileResponse:
    transfer = _outgoing(db, caller, reference, READERS, "read a transfer's documents")
    try:
        refuse_handover_if_held(db, transfer)
    except LegalHoldActive as exc:      # a refused download is part of who-read-what, as for files
        audit_event(db, "download", actor=caller.name, agency=caller.user.organ_id, object=f"{reference}/{name}",
                    outcome="denied", detail={"transfer": reference, "code": exc.code,
                                              "dossier": exc.context.get("dossier"), "hold": exc.context.get("hold")})
        exc.audited = True                  # as a download: not again as a generic refusal
        raise
    filename, media_type = DOCUMENTS[name]
    path = FsPath(transfer.folder or "") / "data" / filename
    if not transfer.folder or not path.is_file():
        raise NotFound(f"transfer {reference} has no {name} any more",
                       message_vi="Tài liệu của đợt nộp lưu không còn trên máy chủ.")
    audit_event(db, "download", actor=caller.name, agency=caller.user.organ_id, object=f"{reference}/{name}",
                detail={"transfer": reference})
    return FileResponse(path, media_type=media_type, headers=content_disposition(media_type, f"{reference}-{name}"))


def _read_limited(upload: UploadFile, what: str) -> bytes:
    content = upload.file.read(MAX_ACK_BYTES + 1)
    if len(content) > MAX_ACK_BYTES:
        raise InvalidRequest(f"the {what} is larger than {MAX_ACK_BYTES} bytes",
                             message_vi="Tệp văn bản xác nhận hoặc chữ ký quá lớn.")
    return content


def import_acknowledgement(db, caller: Caller, reference: str, ack: bytes, sig: bytes) -> CompletedTransfer:
    """The archivist imports the historical archive's signed acknowledgement of their transfer:
    verified, then the dossiers are marked transferred and the agency's copies removed."""
    _outgoing(db, caller, reference, ("archivist",), "import a transfer acknowledgement")
    db.commit()
    try:
        sent_for = json.loads(ack).get("reference")
    except (ValueError, AttributeError):
        sent_for = None
    if sent_for != reference:
        raise InvalidRequest(f"the acknowledgement is for transfer {sent_for!r}, not {reference}",
                             message_vi="Văn bản xác nhận không thuộc đợt nộp lưu này.")
    with tempfile.TemporaryDirectory(prefix="ack-") as folder:
        path = FsPath(folder) / "acknowledgement.json"
        path.write_bytes(ack)
        signature_path(path).write_bytes(sig)
        return acknowledge_transfer(path, caller.principal)


@router.post("/{reference}/acknowledgement", response_model=CompletedOut,
             summary="Nhập văn bản xác nhận của Lưu trữ lịch sử: đánh dấu đã nộp lưu, xóa bản lưu tại cơ quan")
def acknowledge(reference: Reference, caller: CallerDep, db: DbDep,
                      acknowledgement: Annotated[UploadFile, File(description="Văn bản xác nhận (JSON).")],
                      signature: Annotated[UploadFile, File(description="Chữ ký tách rời (.sig).")]) -> CompletedOut:
    done = import_acknowledgement(db, caller, reference, _read_limited(acknowledgement, "acknowledgement"),
                                  _read_limited(signature, "signature"))
    return CompletedOut(reference=done.reference, receiver=done.receiver, dossiers=done.dossiers,
                        objects_removed=done.objects_removed)
