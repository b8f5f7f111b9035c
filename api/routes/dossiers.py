"""Dossiers and what hangs off them: documents, files, package versions, preservation events.
Every read goes through api.holdings, which applies the rights rules."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api import holdings
from api.deps import CallerDep, DbDep, audit_event
from api.schemas import DocumentDetail, DossierDetail, DossierList, DossierSummary, EventOut, FileOut, VersionOut
from archive.catalog.models import DossierStatus

router = APIRouter(prefix="/dossiers", tags=["dossiers"])
Code = Annotated[str, Path(max_length=64, description="Mã hồ sơ, ví dụ 000.00.00.H41.2021.01.VP")]


@router.get("", response_model=DossierList, summary="Danh sách hồ sơ được phép xem")
def list_dossiers(caller: CallerDep, db: DbDep, agency: Annotated[str | None, Query(max_length=13)] = None,
                  status: DossierStatus | None = None,
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> DossierList:
    total, rows = holdings.list_dossiers(db, caller.principal, agency=agency, status=status, page=page,
                                         per_page=per_page)
    return DossierList(total=total, page=page, per_page=per_page,
                       items=[DossierSummary.model_validate(r) for r in rows])


@router.get("/{code}", response_model=DossierDetail, summary="Thông tin hồ sơ (Phụ lục VI)")
def read_dossier(code: Code, caller: CallerDep, db: DbDep) -> DossierDetail:
    record = holdings.dossier(db, caller.principal, code)
    audit_event(db, "view", actor=caller.name, agency=caller.user.organ_id, object=record.code)
    return DossierDetail(**DossierSummary.model_validate(record).model_dump(),
                         retention_expiry=record.retention_expiry, metadata=record.metadata_json,
                         content_readable=holdings.readable(caller.principal, record),
                         documents=record.documents)


@router.get("/{code}/documents", response_model=list[DocumentDetail], summary="Các văn bản của hồ sơ")
def list_documents(code: Code, caller: CallerDep, db: DbDep) -> list[DocumentDetail]:
    record = holdings.dossier(db, caller.principal, code)
    by_document: dict[int, list] = {}
    for f in holdings.files(db, record):
        by_document.setdefault(f.document_id, []).append(f)
    return [DocumentDetail(code=d.code, ordinal=d.ordinal, direction=d.direction, fields=d.fields,
                           files=by_document.get(d.id, [])) for d in record.documents]


@router.get("/{code}/documents/{ordinal}", response_model=DocumentDetail, summary="Một văn bản của hồ sơ")
def read_document(code: Code, ordinal: Annotated[int, Path(ge=1, le=100_000)], caller: CallerDep,
                  db: DbDep) -> DocumentDetail:
    doc = holdings.document(db, caller.principal, code, ordinal)
    files = [f for f in holdings.files(db, doc.dossier) if f.document_id == doc.id]
    return DocumentDetail(code=doc.code, ordinal=doc.ordinal, direction=doc.direction, fields=doc.fields,
                          files=files)


@router.get("/{code}/files", response_model=list[FileOut], summary="Các tệp (bản gốc, bản PDF/A) và mã SHA-256")
def list_files(code: Code, caller: CallerDep, db: DbDep) -> list:
    return holdings.files(db, holdings.dossier(db, caller.principal, code))


@router.get("/{code}/versions", response_model=list[VersionOut], summary="Các phiên bản gói lưu trữ")
def list_versions(code: Code, caller: CallerDep, db: DbDep) -> list:
    return holdings.dossier(db, caller.principal, code).versions


@router.get("/{code}/events", response_model=list[EventOut], summary="Lịch sử bảo quản (PREMIS)")
def list_events(code: Code, caller: CallerDep, db: DbDep) -> list:
    return holdings.events(db, holdings.dossier(db, caller.principal, code))
