"""The web pages (Vietnamese, server-rendered): login, search, dossier, submission.
They call the same domain code and rights rules as the API; writes carry the CSRF token."""
from __future__ import annotations

import json
from typing import Annotated, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api import holdings
from api.accounts import InvalidCredentials, authenticate
from api.deps import Caller, DbDep, SettingsDep, TodayDep, audit_event, check_csrf, csrf_token, optional_user
from api.routes.auth import end_session, start_session
from api.routes.reports import report_for
from api.routes.search import build_query
from api.web import LABELS, STEP_LABELS, TEMPLATES, LoginRequired, bar_chart, metadata_rows, safe_next
from archive import audit_checkpoint
from archive.catalog.copies import copy_checks
from archive.catalog.db import session_scope
from archive.catalog.models import DossierStatus, StepState
from archive.vn import agency_names
from archive.lifecycle.legal_hold import HOLDERS, holds_of
from archive.lifecycle.reports import SUMMARY_VI
from archive.errors import AUDITED_REFUSALS, Forbidden, InvalidRequest, LuuTruError, TooManyLoginAttempts
from archive.settings import load_codelists
from schemas.fields import DOCUMENT, DOSSIER
from search.base import open_index

router = APIRouter(include_in_schema=False)
SEARCH_PARAMS = ("q", "agency", "type", "year", "from", "to", "rights", "retention", "direction", "kind", "sort")
PAGING = ("page", "per_page")


def page_caller(caller: Annotated[Caller | None, Depends(optional_user)]) -> Caller:
    if caller is None:
        raise LoginRequired()
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]


def render(request: Request, template: str, caller: Caller | None, status_code: int = 200, **context):
    """A page; the result of the form posted just before (``flash``) is shown on it once."""
    done = request.session.pop("flash", None)
    with session_scope() as session:
        agencies = agency_names(session)
    return TEMPLATES.TemplateResponse(request, template, {"caller": caller, "csrf": csrf_token(request), "done": done,
                                                          "agencies": agencies, **context}, status_code=status_code)


def confirmed(what: str, answer: str) -> None:
    """The confirmation step of an irreversible act: the box ticked, or nothing is done."""
    if answer != "yes":
        raise InvalidRequest(f"not confirmed: {what}", message_vi=f"Hãy đánh dấu ô xác nhận trước khi {what}.")


def submit_form(request: Request, token: str, action: Callable[[], str], again: Callable[..., HTMLResponse],
                back: str) -> HTMLResponse | RedirectResponse:
    """Run a page form's domain call after the CSRF check. Done: the page ``back`` shows its
    result. A wrong value or a rule of the domain (stage, legal hold…): the form again with
    the message, nothing done. A refusal (``AUDITED_REFUSALS``) goes on to be audited and shown as such."""
    check_csrf(request, token)
    try:
        request.session["flash"] = action()
    except LuuTruError as exc:
        if isinstance(exc, AUDITED_REFUSALS) or exc.http_status >= 500:
            raise
        return again(problem=exc.message_vi, status_code=exc.http_status)
    return RedirectResponse(back, status_code=303)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/search"):
    return render(request, "login.html", None, next=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DbDep, username: Annotated[str, Form(max_length=100)],
          password: Annotated[str, Form(max_length=1024)], csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
          next: Annotated[str, Form()] = "/search"):
    check_csrf(request, csrf_token_)
    try:
        user = authenticate(db, username, password)
    except (InvalidCredentials, TooManyLoginAttempts) as exc:
        return render(request, "login.html", None, status_code=exc.http_status, next=safe_next(next), error=exc.message_vi,
                       username=username)
    db.commit()
    start_session(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, caller: PageCaller, csrf_token_: Annotated[str, Form(alias="csrf_token")] = ""):
    check_csrf(request, csrf_token_)
    end_session(request, caller.name, caller.user.organ_id)
    return RedirectResponse("/login", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, caller: PageCaller, settings: SettingsDep):
    query = build_query({k: v for k, v in request.query_params.items() if k in SEARCH_PARAMS + PAGING})
    with open_index(settings) as index:
        results = index.search(query, caller.principal)
    current = {k: v for k, v in request.query_params.items() if k in SEARCH_PARAMS and v}

    def url_with(**changes) -> str:
        params = {k: v for k, v in {**current, **changes}.items() if v not in ("", None)}
        return "/search?" + urlencode(params)

    return render(request, "search.html", caller, results=results, query=query, current=current, url_with=url_with)


@router.get("/dossiers/{code}", response_class=HTMLResponse)
def dossier_view(request: Request, code: str, caller: PageCaller, db: DbDep):
    return dossier_page(request, code, caller, db)


def dossier_page(request: Request, code: str, caller: Caller, db, status_code: int = 200, **context) -> HTMLResponse:
    """The dossier as the caller may see it, with the lifecycle forms their role has here
    (legal hold, event date); ``context`` carries a form's message when it comes back."""
    record = holdings.dossier(db, caller.principal, code)
    audit_event(db, "view", actor=caller.name, agency=caller.user.organ_id, object=record.code)
    files = holdings.files(db, record)
    checks = copy_checks(db, record)
    documents = [{"record": d, "rows": metadata_rows(d.fields, DOCUMENT),
                  "checks": [c for c in checks if c.ordinal == d.ordinal],
                  "files": [f for f in files if f.document_id == d.id]} for d in record.documents]
    own = caller.user.role in ("auditor", "admin") or caller.user.organ_id == record.organ_id
    period = load_codelists().retention_period(record.maintenance)
    return render(request, "dossier.html", caller, status_code=status_code, dossier=record,
                  rows=metadata_rows(record.metadata_json, DOSSIER), documents=documents,
                  readable=holdings.readable(caller.principal, record), events=holdings.events(db, record),
                  versions=record.versions, holds=holds_of(record.code) if caller.user.role != "researcher" else [],
                  # a hold in force may always be lifted by its authority; a new one needs a dossier kept here
                  may_hold=own and caller.user.role in HOLDERS and (record.legal_hold
                                                                    or record.status in DossierStatus.in_custody()),
                  may_trigger=(own and caller.user.role == "archivist" and record.status in DossierStatus.in_custody()
                               and period is not None and period.event), **context)


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request, caller: PageCaller):
    if caller.user.role != "archivist":
        raise Forbidden("only an agency's archivist submits dossiers",
                        message_vi="Chỉ văn thư, lưu trữ của cơ quan được nộp hồ sơ.")
    return render(request, "submit.html", caller, labels=json.dumps(LABELS, ensure_ascii=False),
                  step_labels=json.dumps(STEP_LABELS, ensure_ascii=False),
                  state_labels=json.dumps(StepState.labels(), ensure_ascii=False))


def last_verified_checkpoint(db: DbDep) -> dict | None:
    """The newest audit checkpoint the trail was last verified against (``luutru audit verify``)."""
    row = audit_checkpoint.last_verified(db)
    return row and {"seq": row.seq, "time": row.time, "verified_at": row.verified_at}


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, caller: PageCaller, today: TodayDep,
                         checkpoint: Annotated[dict | None, Depends(last_verified_checkpoint)],
                         agency: str | None = None):
    report = await report_for(caller, agency or None, today)
    holdings = report.section("holdings").rows            # [agency, retention, end year, count]
    return render(request, "dashboard.html", caller, report=report, summary_labels=SUMMARY_VI,
                   by_agency=bar_chart(holdings, 0), by_retention=bar_chart(holdings, 1), checkpoint=checkpoint)
