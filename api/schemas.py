"""Response bodies of the REST API (what the OpenAPI document promises)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(_Orm):
    username: str
    role: str
    organ_id: str | None
    active: bool = True


class Me(UserOut):
    csrf_token: str | None = None


class TokenOut(BaseModel):
    token: str
    name: str


class TokenInfo(_Orm):
    """An API token as its owner sees it later: never the secret."""
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class GrantOut(BaseModel):
    username: str
    dossier_code: str


class DossierSummary(_Orm):
    code: str
    organ_id: str
    title: str
    maintenance: str
    rights: str
    start_date: date | None
    end_date: date | None
    status: str
    current_version: int | None


class DossierList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[DossierSummary]


class FileOut(_Orm):
    id: int
    document_id: int | None
    role: str
    path: str
    sha256: str
    size: int
    puid: str | None
    mime: str | None


class DocumentOut(_Orm):
    code: str
    ordinal: int
    direction: str
    fields: dict[str, Any]


class DocumentDetail(DocumentOut):
    files: list[FileOut]


class DossierDetail(DossierSummary):
    retention_expiry: date | None
    metadata: dict[str, Any]
    content_readable: bool
    documents: list[DocumentOut]


class VersionOut(_Orm):
    version: int
    package_id: str
    object_prefix: str
    manifest_sha256: str | None
    created_at: datetime


class EventOut(_Orm):
    event_type: str
    object_ref: str
    time: datetime
    agent: str
    tool: str | None
    tool_version: str | None
    outcome: str
    detail: str | None


class StepOut(BaseModel):
    step: str
    state: str
    reason: str | None
    attempts: int
    reason_vi: str | None = None     # the reason in Vietnamese (the message of the error code)


class JobOut(BaseModel):
    job_id: str
    state: str              # pending | running | awaiting_approval (an amendment) | done | failed
    dossier_code: str | None
    awaiting_ocr: bool = False    # archived and searchable; its scans' OCR (LUUTRU_OCR_MODE=after) still to come
    done_steps: int
    total_steps: int
    steps: list[StepOut]


class JobAccepted(BaseModel):
    job_id: str
    status_url: str


class AuditEntryOut(_Orm):
    seq: int
    time: str
    actor: str
    agency: str | None
    action: str
    object: str | None
    outcome: str
    detail: dict[str, Any] | None
    hash: str


class AuditPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[AuditEntryOut]
