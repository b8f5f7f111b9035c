"""Retention through the API: legal holds, the trigger date of event-based retention, the
agency's notices and the retention run. Thin routes over archive.lifecycle.legal_hold and
archive.lifecycle.retention_run, which check who may act and write the audit trail."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api.deps import Caller, CallerDep, DbDep, TodayDep, audit_event, require_role
from archive.lifecycle import legal_hold, retention_run
from archive.access import require

router = APIRouter(tags=["retention"])
Code = Annotated[str, Path(min_length=1, max_length=64)]
RunnerDep = Annotated[Caller, Depends(require_role("admin", "auditor"))]


class HoldIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Lý do phong tỏa hoặc gỡ phong tỏa.")


class HoldOut(BaseModel):
    dossier_code: str
    legal_hold: bool
    hold_id: int | None = None


class TriggerIn(BaseModel):
    trigger_date: date = Field(description="Ngày xảy ra sự kiện tính thời hạn bảo quản.")


class TriggerOut(BaseModel):
    dossier_code: str
    retention_expiry: date | None


class NotificationOut(BaseModel, from_attributes=True):
    id: int
    organ_id: str
    kind: str
    dossier_code: str
    due_date: date
    message: str
    created_at: datetime
    emailed_at: datetime | None
    read_at: datetime | None


class DueOut(BaseModel, from_attributes=True):
    code: str
    organ_id: str
    title: str
    maintenance: str
    kind: str
    due_date: date
    legal_hold: bool


class RunOut(BaseModel, from_attributes=True):
    today: date
    due: list[DueOut]
    new_notices: int
    emails_sent: list[str]


@router.post("/dossiers/{code}/hold", response_model=HoldOut, status_code=201, summary="Phong tỏa hồ sơ (legal hold)")
def place_hold(code: Code, body: HoldIn, caller: CallerDep) -> HoldOut:
    hold_id = legal_hold.place_hold(caller.principal, code, body.reason)
    return HoldOut(dossier_code=code, legal_hold=True, hold_id=hold_id)


# DELETE with a body: the reason for lifting is part of the record, like the reason for placing.
@router.delete("/dossiers/{code}/hold", response_model=HoldOut, summary="Gỡ phong tỏa hồ sơ")
def lift_hold(code: Code, body: HoldIn, caller: CallerDep) -> HoldOut:
    legal_hold.lift_hold(caller.principal, code, body.reason)
    return HoldOut(dossier_code=code, legal_hold=False)


@router.post("/dossiers/{code}/retention-trigger", response_model=TriggerOut,
             summary="Ghi ngày sự kiện của thời hạn bảo quản tính theo sự kiện")
def record_trigger(code: Code, body: TriggerIn, caller: CallerDep) -> TriggerOut:
    expiry = retention_run.record_trigger(caller.principal, code, body.trigger_date)
    return TriggerOut(dossier_code=code, retention_expiry=expiry)


@router.get("/notifications", response_model=list[NotificationOut], summary="Thông báo hạn nộp lưu, hết hạn bảo quản")
def list_notifications(caller: CallerDep, agency: Annotated[str | None, Query(max_length=13)] = None,
                       unread: bool = False) -> list:
    return retention_run.notices_for(caller.principal, agency, unread_only=unread)


def run_and_audit(caller: Caller, today: date, db) -> retention_run.RetentionRun:
    """The retention run started by an auditor or administrator (API or page), in the trail."""
    require(caller.principal, ("auditor", "admin"), action="run the retention review")
    result = retention_run.run_retention(today)
    audit_event(db, "notify", actor=caller.name, agency=caller.user.organ_id, object="retention-run",
                detail={"today": result.today, "due": len(result.due), "new_notices": result.new_notices,
                        "emails": result.emails_sent})
    return result


@router.post("/retention/run", response_model=RunOut, summary="Chạy rà soát thời hạn bảo quản và gửi thông báo")
def run(caller: RunnerDep, today: TodayDep, db: DbDep) -> retention_run.RetentionRun:
    return run_and_audit(caller, today, db)
