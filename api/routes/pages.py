"""The web pages (Vietnamese, server-rendered): login, search, dossier, submission.
They call the same domain code and rights rules as the API; writes carry the CSRF token."""
from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api import holdings
from api.accounts import InvalidCredentials, authenticate
from api.deps import Caller, DbDep, SettingsDep, audit_event, check_csrf, csrf_token, optional_user
from api.routes.auth import end_session, start_session
from api.routes.reports import report_for
from api.routes.search import build_query
from api.web import LABELS, TEMPLATES, LoginRequired, bar_chart, metadata_rows, safe_next
from archive import audit_checkpoint
from archive.reports import SUMMARY_VI
from archive.errors import Forbidden, TooManyLoginAttempts
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
    return TEMPLATES.TemplateResponse(request, template, {"caller": caller, "csrf": csrf_token(request), **context},
                                      status_code=status_code)


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
def dossier_page(request: Request, code: str, caller: PageCaller, db: DbDep):
    record = holdings.dossier(db, caller.principal, code)
    audit_event(db, "view", actor=caller.name, agency=caller.user.organ_id, object=record.code)
    files = holdings.files(db, record)
    documents = [{"record": d, "rows": metadata_rows(d.fields, DOCUMENT),
                  "files": [f for f in files if f.document_id == d.id]} for d in record.documents]
    return render(request, "dossier.html", caller, dossier=record, rows=metadata_rows(record.metadata_json, DOSSIER),
                   documents=documents, readable=holdings.readable(caller.principal, record),
                   events=holdings.events(db, record), versions=record.versions)


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request, caller: PageCaller):
    if caller.user.role != "archivist":
        raise Forbidden("only an agency's archivist submits dossiers",
                        message_vi="Chỉ văn thư, lưu trữ của cơ quan được nộp hồ sơ.")
    return render(request, "submit.html", caller, labels=json.dumps(LABELS, ensure_ascii=False))


def last_verified_checkpoint(db: DbDep) -> dict | None:
    """The newest audit checkpoint the trail was last verified against (``luutru audit verify``)."""
    row = audit_checkpoint.last_verified(db)
    return row and {"seq": row.seq, "time": row.time, "verified_at": row.verified_at}


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, caller: PageCaller,
                         checkpoint: Annotated[dict | None, Depends(last_verified_checkpoint)],
                         agency: str | None = None):
    report = await report_for(caller, agency or None)
    holdings = report.section("holdings").rows            # [agency, retention, end year, count]
    return render(request, "dashboard.html", caller, report=report, summary_labels=SUMMARY_VI,
                   by_agency=bar_chart(holdings, 0), by_retention=bar_chart(holdings, 1), checkpoint=checkpoint)
