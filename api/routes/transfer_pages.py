"""Transfers to the historical archive in the web pages. /transfers, the agency's side:
prepare a transfer from the permanent dossiers due, download its transfer list and
handover record, import the historical archive's acknowledgement (a confirmation step:
the agency's copies are then removed). /transfers/received, the historical archive's side:
receive a transfer (uploaded by the page's script to /api/v1/transfers/received) and hand
back the signed acknowledgement. The same calls as /api/v1/transfers."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.deps import DbDep, SettingsDep, TodayDep
from api.routes.pages import PageCaller, confirmed, render, submit_form
from api.routes.received_transfers import READERS as RECEIVED_READERS, RECEIVERS
from api.routes.transfers import DOCUMENTS, READERS, _read_limited, import_acknowledgement, prepare_for
from archive.lifecycle import retention_run
from archive.access import require
from archive.catalog.transfer import Transfer, TransferState
from archive.lifecycle.transfer.complete import held_dossiers

router = APIRouter(prefix="/transfers", include_in_schema=False)
Token = Annotated[str, Form(alias="csrf_token")]


def _transfers(db, direction: str, organ_id: str | None) -> list[Transfer]:
    query = select(Transfer).where(Transfer.direction == direction).order_by(Transfer.id.desc())
    if organ_id:
        query = query.where(Transfer.organ_id == organ_id)
    return list(db.scalars(query))


def _page(request: Request, caller, db, settings, today, status_code: int = 200, **context) -> HTMLResponse:
    require(caller.principal, READERS, action="read transfers")
    own = caller.user.organ_id if caller.user.role not in ("auditor", "admin") else None
    due = [d for d in retention_run.due_dossiers(db, today, settings, agency=own) if d.kind != "retention_expired"]
    transfers = _transfers(db, "outgoing", own)
    return render(request, "transfers.html", caller, status_code=status_code, transfers=transfers,
                  held={t.reference: held_dossiers(db, t) for t in transfers}, due=due if caller.user.role == "archivist" else [], documents=DOCUMENTS,
                  states=TransferState.labels(), **context)


@router.get("", response_class=HTMLResponse)
def transfers_page(request: Request, caller: PageCaller, db: DbDep, settings: SettingsDep, today: TodayDep):
    return _page(request, caller, db, settings, today)


@router.post("")
def prepare(request: Request, caller: PageCaller, db: DbDep, settings: SettingsDep, today: TodayDep,
            csrf_token_: Token = "", code: Annotated[list[str], Form(max_length=1000)] = ()):
    def action() -> str:
        prepared = prepare_for(caller, list(code), settings)
        return (f"Đã lập bộ hồ sơ nộp lưu {prepared.reference} ({len(prepared.manifest.packages)} hồ sơ): "
                "tải mục lục và biên bản giao nhận bên dưới.")
    return submit_form(request, csrf_token_, action, lambda **kw: _page(request, caller, db, settings, today, **kw),
                       "/transfers")


@router.post("/{reference}/acknowledgement")
def acknowledge(request: Request, reference: Annotated[str, Path(max_length=64)], caller: PageCaller, db: DbDep,
                settings: SettingsDep, today: TodayDep, acknowledgement: Annotated[UploadFile, File()],
                signature: Annotated[UploadFile, File()], csrf_token_: Token = "",
                confirm: Annotated[str, Form(max_length=3)] = ""):
    def action() -> str:
        confirmed("nhập văn bản xác nhận và xóa bản lưu tại cơ quan", confirm)
        done = import_acknowledgement(db, caller, reference, _read_limited(acknowledgement, "acknowledgement"),
                                      _read_limited(signature, "signature"))
        return (f"{done.receiver} đã xác nhận tiếp nhận {len(done.dossiers)} hồ sơ của đợt {done.reference}; "
                f"đã xóa {done.objects_removed} đối tượng lưu trữ tại cơ quan.")
    return submit_form(request, csrf_token_, action, lambda **kw: _page(request, caller, db, settings, today, **kw),
                       "/transfers")


@router.get("/received", response_class=HTMLResponse)
def received_page(request: Request, caller: PageCaller, db: DbDep):
    require(caller.principal, RECEIVED_READERS, action="read received transfers")
    return render(request, "transfers_received.html", caller, transfers=_transfers(db, "incoming", None),
                  may_receive=caller.user.role in RECEIVERS, states=TransferState.labels())
