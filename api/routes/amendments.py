"""Amendments (thay đổi hồ sơ) waiting for the agency head: thin routes over
archive/lifecycle/amendment.py, which checks who decides, compare-and-sets the change's
stage and writes the audit trail. An approved change's ingest job resumes at once."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CallerDep
from api.routes.reports import report_scope
from archive.catalog.amendments import AmendmentStage
from archive.lifecycle import amendment

router = APIRouter(prefix="/amendments", tags=["amendments"])
ChangeId = Annotated[int, Path(ge=1, le=2**62)]


class DecisionIn(BaseModel):
    note: str | None = Field(None, max_length=2000)


class AmendmentOut(BaseModel):
    id: int
    dossier_code: str
    agency: str
    job_id: str
    stage: str
    submitted_by: str
    submitted_at: datetime
    changes: dict[str, Any]
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


@router.get("", response_model=list[AmendmentOut], summary="Thay đổi hồ sơ (mặc định: đang chờ phê duyệt)")
def list_amendments(caller: CallerDep, agency: Annotated[str | None, Query(max_length=13)] = None,
                    stage: AmendmentStage | None = AmendmentStage.PENDING) -> list[dict]:
    return amendment.list_changes(report_scope(caller, agency), stage)


@router.post("/{change_id}/approve", response_model=AmendmentOut,
             summary="Lãnh đạo cơ quan phê duyệt thay đổi hồ sơ (không phải người nộp)")
async def approve(change_id: ChangeId, body: DecisionIn, caller: CallerDep, request: Request) -> dict:
    job_id = await run_in_threadpool(amendment.approve_change, caller.principal, change_id, body.note)
    request.app.state.jobs.start(job_id)          # stores the amended version
    return await run_in_threadpool(amendment.read_change, change_id)


@router.post("/{change_id}/reject", response_model=AmendmentOut, summary="Lãnh đạo cơ quan từ chối thay đổi hồ sơ")
def reject(change_id: ChangeId, body: DecisionIn, caller: CallerDep) -> dict:
    amendment.reject_change(caller.principal, change_id, body.note)
    return amendment.read_change(change_id)
