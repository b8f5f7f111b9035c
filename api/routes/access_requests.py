"""Researchers' access requests through the API: thin routes over api.access_requests, which
checks who may ask and who may decide and writes the audit trail."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api import access_requests
from api.deps import TodayDep
from api.deps import CallerDep

router = APIRouter(prefix="/access-requests", tags=["access requests"])


class RequestIn(BaseModel):
    dossier_code: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000, description="Mục đích khai thác.")
    period_from: date = Field(description="Khai thác từ ngày")
    period_to: date = Field(description="Đến ngày (quyền đọc hết hiệu lực sau ngày này)")


class DecisionIn(BaseModel):
    decision: Literal["approve", "refuse"]
    note: str | None = Field(None, max_length=2000)


class RequestOut(BaseModel, from_attributes=True):
    id: int
    requester: str
    dossier_code: str
    organ_id: str
    reason: str
    period_from: date
    period_to: date
    state: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class Created(BaseModel):
    id: int


@router.post("", response_model=Created, status_code=201, summary="Đề nghị khai thác hồ sơ hạn chế (độc giả)")
def create(body: RequestIn, caller: CallerDep, today: TodayDep) -> Created:
    return Created(id=access_requests.request_access(caller.principal, body.dossier_code, body.reason,
                                                     body.period_from, body.period_to, today))


@router.get("", response_model=list[RequestOut], summary="Các yêu cầu khai thác (của mình, hoặc gửi cơ quan mình)")
def list_requests(caller: CallerDep) -> list:
    return access_requests.requests_for(caller.principal)


@router.post("/{request_id}/decision", response_model=Created, summary="Cơ quan duyệt hoặc từ chối yêu cầu khai thác")
def decide(request_id: Annotated[int, Path(ge=1, le=2**62)], body: DecisionIn, caller: CallerDep) -> Created:
    access_requests.decide(caller.principal, request_id, approve=body.decision == "approve", note=body.note)
    return Created(id=request_id)
