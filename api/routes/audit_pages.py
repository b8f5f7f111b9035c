"""/audit: the audit trail as its reader may see it (archive.audit, the same filters and rights
as GET /api/v1/audit and ``luutru audit show``), 50 entries a page, with the chain's
verification and the last checkpoint it was verified against."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import DbDep
from api.routes.pages import PageCaller, last_verified_checkpoint, render
from archive import audit
from archive.errors import InvalidRequest

router = APIRouter(prefix="/audit", include_in_schema=False)
PER_PAGE = 50
FILTERS = ("dossier", "actor", "action", "from", "to")


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{what} is not a date: {value!r}", message_vi="Ngày lọc không hợp lệ (chọn một ngày).") from None


@router.get("", response_class=HTMLResponse)
def audit_page(request: Request, caller: PageCaller, db: DbDep, page: int = 1):
    current = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS and v.strip()}
    page = max(1, min(page, 100_000))
    context = {"current": current, "page": page, "per_page": PER_PAGE, "actions": audit.ACTIONS,
               "checkpoint": last_verified_checkpoint(db), "chain": audit.verify()}
    try:
        where = audit.TrailFilter(current.get("dossier"), current.get("actor"), current.get("action"),
                                  _day(current.get("from"), "from"), _day(current.get("to"), "to"))
    except InvalidRequest as exc:
        return render(request, "audit.html", caller, status_code=exc.http_status, problem=exc.message_vi, total=0,
                      rows=[], **context)
    total = audit.count_entries(db, where, caller.principal)
    rows = list(audit.entries(db, where, caller.principal, offset=(page - 1) * PER_PAGE, limit=PER_PAGE))

    def url_for_page(n: int) -> str:
        return "/audit?" + urlencode({**current, "page": n})

    return render(request, "audit.html", caller, total=total, rows=rows, url_for_page=url_for_page, **context)
