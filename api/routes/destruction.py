"""Destruction lists (danh mục tài liệu hết giá trị) through the API: thin routes over
archive.lifecycle.destruction, which checks every role, stage and legal hold and records each decision
in the audit trail. The certificate (biên bản hủy) is downloadable once the list is executed."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import AliasChoices, BaseModel, Field

from api.deps import Caller, CallerDep, DbDep, TodayDep, audit_event
from api.download import content_disposition
from archive.catalog.destruction import ReviewDecision
from archive.lifecycle import destruction
from archive.access import require
from archive.errors import NotFound
from archive.storage import open_store

router = APIRouter(prefix="/destruction-lists", tags=["destruction"])
ListId = Annotated[int, Path(ge=1, le=2**62)]
Code = Annotated[str, Path(min_length=1, max_length=64)]
READERS = ("archivist", "council", "agency_head", "auditor", "admin")
CERTIFICATE_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}


class ListItemIn(BaseModel):
    dossier_code: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000, description="Lý do hủy.")


class NewList(BaseModel):
    items: list[ListItemIn] = Field(min_length=1, max_length=1000)


class ListCreated(BaseModel):
    id: int


class ReviewIn(BaseModel):
    decision: ReviewDecision
    # new_maintenance: the name docs/api.md first published, still accepted
    new_retention: str | None = Field(None, max_length=50, description="Thời hạn bảo quản mới khi giữ lại.",
                                      validation_alias=AliasChoices("new_retention", "new_maintenance"))
    note: str | None = Field(None, max_length=2000)


class AuditIn(BaseModel):
    agree: bool
    note: str | None = Field(None, max_length=2000)


class ApproveIn(BaseModel):
    decision_ref: str = Field(min_length=1, max_length=100, description="Số quyết định hủy.")


class CertificateOut(BaseModel):
    pdf: str
    pdf_sha256: str
    xml: str
    xml_sha256: str
    keep_until: datetime


class ListOut(BaseModel):
    id: int
    agency: str
    stage: str
    prepared_by: str
    prepared_at: datetime | None
    audited_by: str | None
    audit_note: str | None
    approved_by: str | None
    decision_ref: str | None
    executed_by: str | None
    executed_at: datetime | None
    items: list[dict[str, Any]]
    certificate: CertificateOut | None


def readable_list(caller: Caller, list_id: int) -> dict:
    """The list as plain data, if the caller is its agency's staff, an auditor or an administrator."""
    described = destruction.describe_list(list_id, caller.principal)    # another agency's: not found
    require(caller.principal, READERS, agency=described["agency"], action="read a destruction list")
    return described


@router.post("", response_model=ListCreated, status_code=201, summary="Lập danh mục hồ sơ hết giá trị đề nghị hủy")
def draft(body: NewList, caller: CallerDep, today: TodayDep) -> ListCreated:
    items = [(i.dossier_code, i.reason) for i in body.items]
    return ListCreated(id=destruction.draft_list(caller.principal, items, today=today))


@router.get("/{list_id}", response_model=ListOut, summary="Danh mục hủy: hồ sơ, ý kiến, quyết định, biên bản")
def read(list_id: ListId, caller: CallerDep) -> dict:
    return readable_list(caller, list_id)


@router.post("/{list_id}/items/{code}/review", response_model=ListOut,
             summary="Ý kiến của thành viên hội đồng về một hồ sơ (đồng ý hủy hoặc giữ lại)")
def review(list_id: ListId, code: Code, body: ReviewIn, caller: CallerDep, today: TodayDep) -> dict:
    destruction.review_item(caller.principal, list_id, code, body.decision, new_retention=body.new_retention,
                            note=body.note, today=today)
    return destruction.describe_list(list_id)


@router.post("/{list_id}/audit", response_model=ListOut, summary="Thẩm định của Sở Nội vụ")
def audit(list_id: ListId, body: AuditIn, caller: CallerDep) -> dict:
    destruction.audit_list(caller.principal, list_id, agree=body.agree, note=body.note)
    return destruction.describe_list(list_id)


@router.post("/{list_id}/approve", response_model=ListOut, summary="Quyết định hủy của lãnh đạo cơ quan")
def approve(list_id: ListId, body: ApproveIn, caller: CallerDep, today: TodayDep) -> dict:
    destruction.approve_list(caller.principal, list_id, decision_ref=body.decision_ref, today=today)
    return destruction.describe_list(list_id)


@router.post("/{list_id}/execute", response_model=ListOut,
             summary="Thực hiện hủy: xóa mọi bản lưu, kiểm tra, lưu biên bản hủy")
def execute(list_id: ListId, caller: CallerDep, today: TodayDep) -> dict:
    destruction.execute_list(caller.principal, list_id, today=today)
    return destruction.describe_list(list_id)


@router.get("/{list_id}/certificate/{kind}", response_class=Response, summary="Tải biên bản hủy (PDF hoặc XML)",
            responses={200: {"content": {"application/pdf": {}, "application/xml": {}}}})
def certificate(list_id: ListId, kind: Literal["pdf", "xml"], caller: CallerDep, db: DbDep) -> Response:
    stored = readable_list(caller, list_id)["certificate"]
    if stored is None:
        raise NotFound(f"destruction list {list_id} has no certificate yet",
                       message_vi="Danh mục hủy chưa được thực hiện nên chưa có biên bản hủy.")
    key = stored[kind]
    with open_store().open(key) as stream:
        content = stream.read()
    audit_event(db, "download", actor=caller.name, agency=caller.user.organ_id, object=key,
                detail={"destruction_list": list_id, "sha256": stored[f"{kind}_sha256"]})
    return Response(content, media_type=CERTIFICATE_TYPES[kind],
                    headers=content_disposition(CERTIFICATE_TYPES[kind], f"bien-ban-huy-{list_id}.{kind}"))
