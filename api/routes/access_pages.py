"""/access-requests: a researcher asks to read a restricted dossier (code, reason, period) and
follows the answer; the owning agency's archivist or head approves (reading until the
period's end) or refuses. The same api.access_requests calls as /api/v1/access-requests."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from api import access_requests
from api.deps import TodayDep
from api.routes.pages import PageCaller, render, submit_form
from archive.catalog.access_requests import AccessRequestState
from archive.errors import InvalidRequest

router = APIRouter(prefix="/access-requests", include_in_schema=False)
Token = Annotated[str, Form(alias="csrf_token")]
Text = Annotated[str, Form(max_length=2000)]


def _page(request: Request, caller, today: date, status_code: int = 200, **context) -> HTMLResponse:
    return render(request, "access_requests.html", caller, status_code=status_code, today=today,
                  states=AccessRequestState.labels(),
                  requests=access_requests.requests_for(caller.principal),
                  may_decide=caller.user.role in access_requests.DECIDERS, **context)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"not a date: {value!r}", message_vi="Hãy chọn ngày bắt đầu và ngày kết thúc.") from None


@router.get("", response_class=HTMLResponse)
def requests_page(request: Request, caller: PageCaller, today: TodayDep, code: str = ""):
    return _page(request, caller, today, form={"dossier_code": code[:64]})


@router.post("")
def create(request: Request, caller: PageCaller, today: TodayDep, csrf_token_: Token = "",
           dossier_code: Annotated[str, Form(max_length=64)] = "", reason: Text = "",
           period_from: Annotated[str, Form(max_length=10)] = "", period_to: Annotated[str, Form(max_length=10)] = ""):
    def action() -> str:
        access_requests.request_access(caller.principal, dossier_code, reason, _day(period_from), _day(period_to), today)
        return f"Đã gửi yêu cầu khai thác hồ sơ {dossier_code.strip()}; cơ quan lưu trữ hồ sơ sẽ trả lời tại trang này."
    form = {"dossier_code": dossier_code, "reason": reason, "period_from": period_from, "period_to": period_to}
    return submit_form(request, csrf_token_, action, lambda **kw: _page(request, caller, today, form=form, **kw),
                       "/access-requests")


@router.post("/{request_id}/decision")
def decide(request: Request, request_id: Annotated[int, Path(ge=1, le=2**62)], caller: PageCaller, today: TodayDep,
           csrf_token_: Token = "", decision: Annotated[str, Form(max_length=10)] = "", note: Text = ""):
    def action() -> str:
        state = access_requests.decide(caller.principal, request_id, approve=decision == "approve", note=note)
        return "Đã đồng ý: độc giả đọc được hồ sơ đến hết thời gian đề nghị." if state == AccessRequestState.APPROVED \
            else "Đã từ chối yêu cầu khai thác."
    return submit_form(request, csrf_token_, action, lambda **kw: _page(request, caller, today, **kw),
                       "/access-requests")
