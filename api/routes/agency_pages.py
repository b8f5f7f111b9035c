"""/agencies (administrators): the agency registry (danh mục cơ quan) and a form to register
an agency or rename one. The same archive.agencies.register_agency as ``luutru agency add``,
which checks the role and the OrganId and writes the audit trail. A staff account needs its
agency here first, and ingest refuses a dossier of an agency that is not (``unknown_agency``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from api.routes.pages import PageCaller, render, submit_form
from archive.access import require
from archive.agencies import list_agencies, register_agency

router = APIRouter(prefix="/agencies", include_in_schema=False)


def _page(request: Request, caller, status_code: int = 200, **context) -> HTMLResponse:
    require(caller.principal, ("admin",), action="manage the agency registry")
    return render(request, "agencies.html", caller, status_code=status_code, registry=list_agencies(), **context)


@router.get("", response_class=HTMLResponse)
def agencies_page(request: Request, caller: PageCaller):
    return _page(request, caller)


@router.post("")
def add_agency(request: Request, caller: PageCaller, csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
               organ_id: Annotated[str, Form(max_length=13)] = "", name: Annotated[str, Form(max_length=200)] = ""):
    def action() -> str:
        agency = register_agency(caller.principal, organ_id, name)
        return f"Đã đăng ký cơ quan {agency.organ_id}: {agency.name}."
    return submit_form(request, csrf_token_, action,
                       lambda **kw: _page(request, caller, form={"organ_id": organ_id, "name": name}, **kw),
                       "/agencies")
