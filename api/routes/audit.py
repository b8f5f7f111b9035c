"""The audit trail, read by those it concerns: auditors and administrators read all of it, an
agency's staff the entries about their agency's records; a researcher none."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CallerDep, DbDep
from api.schemas import AuditEntryOut, AuditPage
from archive import audit

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditPage, summary="Nhật ký kiểm tra (theo quyền của người xem)")
def read_trail(caller: CallerDep, db: DbDep, response: Response,
               dossier: Annotated[str | None, Query(max_length=64, description="Mã hồ sơ")] = None,
               actor: Annotated[str | None, Query(max_length=200)] = None,
               action: Annotated[str | None, Query(max_length=40)] = None,
               from_: Annotated[date | None, Query(alias="from", description="Từ ngày (gồm)")] = None,
               to: Annotated[date | None, Query(description="Đến ngày (gồm)")] = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> AuditPage:
    response.headers["Cache-Control"] = "no-store, private"
    where = audit.TrailFilter(dossier, actor, action, from_, to)
    total = audit.count_entries(db, where, caller.principal)
    rows = audit.entries(db, where, caller.principal, offset=(page - 1) * per_page, limit=per_page)
    return AuditPage(total=total, page=page, per_page=per_page, items=[AuditEntryOut.model_validate(r) for r in rows])
