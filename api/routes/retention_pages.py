"""Retention in the web pages: /retention (due and expired dossiers, event dates still to
record, the retention run, the agency's notices) and the legal-hold and trigger-date forms
of the dossier page. Every form calls what /api/v1 calls (archive.lifecycle.legal_hold,
archive.lifecycle.retention_run), which checks who may act and writes the audit trail."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from api.deps import DbDep, SettingsDep, TodayDep
from api.routes.pages import PageCaller, dossier_page, render, submit_form
from api.routes.reports import report_scope
from api.routes.retention import run_and_audit
from archive.lifecycle import legal_hold, retention_run
from archive.errors import InvalidRequest
from archive.lifecycle.retention_run import KIND_VI

router = APIRouter(include_in_schema=False)
Code = Annotated[str, Path(min_length=1, max_length=64)]
Token = Annotated[str, Form(alias="csrf_token")]
Text = Annotated[str, Form(max_length=2000)]


def _retention(request: Request, caller, db, settings, today: date, agency: str | None = None,
               status_code: int = 200, **context) -> HTMLResponse:
    scope = report_scope(caller, agency or None)
    due = retention_run.due_dossiers(db, today, settings, agency=scope)
    return render(request, "retention.html", caller, status_code=status_code, today=today, scope=scope, kinds=KIND_VI,
                  due=due, triggers=retention_run.awaiting_trigger(db, agency=scope),
                  notices=retention_run.notifications(scope) if scope else [], **context)


@router.get("/retention", response_class=HTMLResponse)
def retention_page(request: Request, caller: PageCaller, db: DbDep, settings: SettingsDep, today: TodayDep,
                   agency: str | None = None):
    return _retention(request, caller, db, settings, today, agency)


@router.post("/retention/run")
def run(request: Request, caller: PageCaller, db: DbDep, settings: SettingsDep, today: TodayDep, csrf_token_: Token = ""):
    def action() -> str:
        result = run_and_audit(caller, today, db)
        return (f"Đã rà soát ngày {result.today:%d/%m/%Y}: {len(result.due)} hồ sơ đến hạn hoặc hết hạn, "
                f"{result.new_notices} thông báo mới, {len(result.emails_sent)} thư điện tử đã gửi.")
    return submit_form(request, csrf_token_, action,
                       lambda **kw: _retention(request, caller, db, settings, today, **kw), "/retention")


@router.post("/retention/notifications/{notice_id}/read")
def mark_read(request: Request, notice_id: Annotated[int, Path(ge=1, le=2**62)], caller: PageCaller, db: DbDep,
              settings: SettingsDep, today: TodayDep, csrf_token_: Token = ""):
    def action() -> str:
        retention_run.mark_read(caller.principal, notice_id)
        return "Đã đánh dấu thông báo là đã đọc."
    return submit_form(request, csrf_token_, action,
                       lambda **kw: _retention(request, caller, db, settings, today, **kw), "/retention")


def _trigger_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"not a date: {value!r}", message_vi="Ngày sự kiện không hợp lệ (chọn một ngày).") from None


@router.post("/dossiers/{code}/retention-trigger")
def record_trigger(request: Request, code: Code, caller: PageCaller, db: DbDep, csrf_token_: Token = "",
                   trigger_date: Annotated[str, Form(max_length=10)] = ""):
    def action() -> str:
        expiry = retention_run.record_trigger(caller.principal, code, _trigger_date(trigger_date))
        return f"Đã ghi ngày sự kiện; hồ sơ hết hạn bảo quản ngày {expiry:%d/%m/%Y}." if expiry else "Đã ghi ngày sự kiện."
    return submit_form(request, csrf_token_, action, lambda **kw: dossier_page(request, code, caller, db, **kw),
                       f"/dossiers/{code}")


@router.post("/dossiers/{code}/hold")
def place_hold(request: Request, code: Code, caller: PageCaller, db: DbDep, csrf_token_: Token = "", reason: Text = ""):
    return _hold(request, code, caller, db, csrf_token_, reason, lift=False)


@router.post("/dossiers/{code}/hold/lift")
def lift_hold(request: Request, code: Code, caller: PageCaller, db: DbDep, csrf_token_: Token = "", reason: Text = ""):
    return _hold(request, code, caller, db, csrf_token_, reason, lift=True)


def _hold(request: Request, code: str, caller, db, token: str, reason: str, *, lift: bool):
    def action() -> str:
        if lift:
            legal_hold.lift_hold(caller.principal, code, reason)
            return "Đã gỡ phong tỏa hồ sơ."
        legal_hold.place_hold(caller.principal, code, reason)
        return "Đã phong tỏa hồ sơ: không thể đưa vào danh mục hủy hay hủy cho đến khi gỡ phong tỏa."
    return submit_form(request, token, action, lambda **kw: dossier_page(request, code, caller, db, **kw),
                       f"/dossiers/{code}#phong-toa")
