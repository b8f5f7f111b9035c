"""Web pages for destruction lists: each member of the procedure (council, Sở Nội vụ,
agency head, archivist) sees the list and acts at its stage through a form. The forms call
the same archive.lifecycle.destruction functions as the API and the CLI, which check role, agency,
stage and legal holds; the page only offers what the caller's role does at this stage."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import TodayDep
from api.routes.destruction import READERS, readable_list
from api.routes.pages import PageCaller, confirmed, render, submit_form
from archive.catalog.destruction import DestructionStage, ItemOutcome, ReviewDecision
from archive.lifecycle import destruction
from archive.access import require

router = APIRouter(prefix="/destruction-lists", include_in_schema=False)
ListId = Annotated[int, Path(ge=1, le=2**62)]
Token = Annotated[str, Form(alias="csrf_token")]
Note = Annotated[str | None, Form(max_length=2000)]
# The forms a role is offered at each stage (archive.lifecycle.destruction enforces the same rules).
FORMS = {("council", DestructionStage.COUNCIL_REVIEW): "review", ("council", DestructionStage.AUDIT_REVIEW): "review",
         ("auditor", DestructionStage.AUDIT_REVIEW): "audit",
         ("agency_head", DestructionStage.HEAD_APPROVAL): "approve",
         ("archivist", DestructionStage.APPROVED): "execute", ("agency_head", DestructionStage.APPROVED): "execute"}


def _back(list_id: int) -> RedirectResponse:
    return RedirectResponse(f"/destruction-lists/{list_id}", status_code=303)   # after a POST, a GET


def _form(request: Request, token: str, action, caller, list_id: int):
    """A form of the list's page: its result, or the page again with what was wrong."""
    return submit_form(request, token, action, lambda **kw: list_page(request, list_id, caller, **kw),
                       f"/destruction-lists/{list_id}")


@router.get("", response_class=HTMLResponse)
def lists_page(request: Request, caller: PageCaller):
    require(caller.principal, READERS, action="read destruction lists")
    agency = None if caller.user.role in ("auditor", "admin") else caller.user.organ_id
    return render(request, "destruction_lists.html", caller, lists=destruction.list_summaries(agency),
                  stage_labels=DestructionStage.labels())


def _new_list_page(request: Request, caller, today, status_code: int = 200, **context) -> HTMLResponse:
    require(caller.principal, ("archivist",), action="prepare a destruction list")
    return render(request, "destruction_new.html", caller, status_code=status_code,
                  candidates=destruction.candidates(caller.user.organ_id, today), today=today, **context)


@router.get("/new", response_class=HTMLResponse)
def new_list_page(request: Request, caller: PageCaller, today: TodayDep):
    return _new_list_page(request, caller, today)


@router.post("/new")
def draft(request: Request, caller: PageCaller, today: TodayDep, csrf_token_: Token = "",
          code: Annotated[list[str], Form(max_length=1000)] = (), reason: Note = None):
    created: list[int] = []

    def action() -> str:
        created.append(destruction.draft_list(caller.principal, [(c, reason or "") for c in code], today=today))
        return f"Đã lập danh mục hủy số {created[0]} ({len(code)} hồ sơ), chuyển Hội đồng xác định giá trị tài liệu xem xét."
    response = submit_form(request, csrf_token_, action,
                           lambda **kw: _new_list_page(request, caller, today, chosen=set(code), reason=reason, **kw),
                           "/destruction-lists")
    return _back(created[0]) if created else response


@router.get("/{list_id}", response_class=HTMLResponse)
def list_view(request: Request, list_id: ListId, caller: PageCaller):
    return list_page(request, list_id, caller)


def list_page(request: Request, list_id: int, caller, status_code: int = 200, **context) -> HTMLResponse:
    dlist = readable_list(caller, list_id)
    return render(request, "destruction_list.html", caller, status_code=status_code, dlist=dlist,
                  stage_labels=DestructionStage.labels(), outcome_labels=ItemOutcome.labels(),
                  decision_labels=ReviewDecision.labels(), form=FORMS.get((caller.user.role, dlist["stage"])),
                  **context)


@router.post("/{list_id}/items/{code}/review")
def review(request: Request, list_id: ListId, code: Annotated[str, Path(max_length=64)], caller: PageCaller,
           today: TodayDep, csrf_token_: Token = "", decision: Annotated[ReviewDecision, Form()] = ReviewDecision.AGREE,
           new_retention: Annotated[str | None, Form(max_length=50)] = None, note: Note = None):
    def action() -> str:
        destruction.review_item(caller.principal, list_id, code, decision, new_retention=new_retention or None,
                                note=note or None, today=today)
        return f"Đã ghi ý kiến về hồ sơ {code}."
    return _form(request, csrf_token_, action, caller, list_id)


@router.post("/{list_id}/audit")
def audit(request: Request, list_id: ListId, caller: PageCaller, csrf_token_: Token = "",
          agree: Annotated[Literal["yes", "no"], Form()] = "no", note: Note = None):
    def action() -> str:
        destruction.audit_list(caller.principal, list_id, agree=agree == "yes", note=note or None)
        return "Đã ghi kết quả thẩm định."
    return _form(request, csrf_token_, action, caller, list_id)


@router.post("/{list_id}/approve")
def approve(request: Request, list_id: ListId, caller: PageCaller, today: TodayDep,
            decision_ref: Annotated[str, Form(max_length=100)] = "", csrf_token_: Token = ""):
    def action() -> str:
        destruction.approve_list(caller.principal, list_id, decision_ref=decision_ref, today=today)
        return f"Đã ban hành quyết định hủy số {decision_ref}."
    return _form(request, csrf_token_, action, caller, list_id)


@router.post("/{list_id}/execute")
def execute(request: Request, list_id: ListId, caller: PageCaller, today: TodayDep, csrf_token_: Token = "",
            confirm: Annotated[str, Form(max_length=3)] = ""):
    def action() -> str:
        confirmed("hủy vĩnh viễn các hồ sơ", confirm)
        destruction.execute_list(caller.principal, list_id, today=today)
        return "Đã hủy các hồ sơ và lập biên bản hủy."
    return _form(request, csrf_token_, action, caller, list_id)
