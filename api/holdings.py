"""Catalog reads under the rights rules (archive.access), the same for the API and the web pages.

A record the principal may not even find (a researcher and a restricted dossier, another
agency's staff and its restricted dossiers) is answered as not found, so its existence is
not disclosed; one whose metadata they may see but whose content they may not read (an
auditor and a restricted dossier) refuses the content as forbidden.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session

from archive.catalog.models import (DocumentRecord, DossierRecord, FileRecord, FixityAlarm, PackageVersion,
                                    PreservationEvent)
from archive.errors import FixityAlarmOpen, Forbidden, NotFound
from archive.catalog.dossiers import find_dossier
from archive.access import OPEN_RIGHTS, Principal, can_find, can_read


def _rights_of(record: DossierRecord) -> dict:
    return {"rights": record.rights, "organ_id": record.organ_id, "dossier_code": record.code}


def findable(principal: Principal):
    """SQL condition equal to ``can_find`` for dossiers (rights are code-list values)."""
    if principal.sees_all_metadata:
        return true()
    conditions = [DossierRecord.rights == OPEN_RIGHTS, DossierRecord.code.in_(sorted(principal.granted))]
    if principal.own_agency:
        conditions.append(DossierRecord.organ_id == principal.own_agency)
    return or_(*conditions)


def list_dossiers(session: Session, principal: Principal, *, agency: str | None = None, status: str | None = None,
                  page: int = 1, per_page: int = 20) -> tuple[int, list[DossierRecord]]:
    query = select(DossierRecord).where(findable(principal))
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    if status:
        query = query.where(DossierRecord.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(DossierRecord.code).offset((page - 1) * per_page).limit(per_page)
                           ).scalars().all()
    return total, [r for r in rows if can_find(principal, **_rights_of(r))]


def dossier(session: Session, principal: Principal, code: str) -> DossierRecord:
    """The dossier if the principal may find it; NotFound otherwise."""
    return find_dossier(session, code, principal)


def readable(principal: Principal, record: DossierRecord) -> bool:
    return can_read(principal, **_rights_of(record))


def document(session: Session, principal: Principal, code: str, ordinal: int) -> DocumentRecord:
    record = dossier(session, principal, code)
    for doc in record.documents:
        if doc.ordinal == ordinal:
            return doc
    raise NotFound(f"dossier {code} has no document {ordinal}", message_vi=f"Hồ sơ {code} không có văn bản số {ordinal}.")


def current_version(record: DossierRecord) -> PackageVersion | None:
    return next((v for v in record.versions if v.version == record.current_version), None)


def files(session: Session, record: DossierRecord) -> list[FileRecord]:
    """Files of the dossier's current package version, document by document."""
    version = current_version(record)
    if version is None:
        return []
    return list(session.execute(
        select(FileRecord).join(DocumentRecord, DocumentRecord.id == FileRecord.document_id)
        .where(FileRecord.package_version_id == version.id)
        .order_by(DocumentRecord.ordinal, FileRecord.role, FileRecord.id)).scalars())


def events(session: Session, record: DossierRecord) -> list[PreservationEvent]:
    return list(session.execute(select(PreservationEvent).where(PreservationEvent.dossier_id == record.id)
                                .order_by(PreservationEvent.time, PreservationEvent.id)).scalars())


def file_for_download(session: Session, principal: Principal, file_id: int) -> tuple[FileRecord, DossierRecord, str, str]:
    """A file, its dossier, its object key and the name it was submitted under, if the
    principal may read the dossier's content."""
    row = session.execute(
        select(FileRecord, DossierRecord, PackageVersion, DocumentRecord.fields)
        .join(DocumentRecord, DocumentRecord.id == FileRecord.document_id)
        .join(DossierRecord, DossierRecord.id == DocumentRecord.dossier_id)
        .join(PackageVersion, PackageVersion.id == FileRecord.package_version_id)
        .where(FileRecord.id == file_id)).first()
    if row is None or not can_find(principal, **_rights_of(row[1])):
        raise NotFound(f"no file {file_id}", message_vi="Không tìm thấy tệp.")
    file, record, version, fields = row
    if not readable(principal, record):
        raise Forbidden(f"dossier {record.code} is restricted", dossier=record.code,
                        message_vi="Hồ sơ thuộc diện hạn chế sử dụng, bạn chưa được cấp quyền khai thác.")
    key = f"{version.object_prefix}/{file.path}"
    alarm = session.scalar(select(FixityAlarm.kind).where(FixityAlarm.key == key, FixityAlarm.repaired_at.is_(None))
                           .limit(1))
    if alarm is not None:
        raise FixityAlarmOpen(f"{key}: open fixity alarm ({alarm})", dossier=record.code, alarm=alarm)
    return file, record, key, submitted_name(file, fields or {})


def submitted_name(file: FileRecord, fields: dict) -> str:
    """The name a file was submitted under: the package keeps originals as NN.ext in the
    document's submission order (archive.package.build) and the PDF/A copy as NNN.pdf, named
    here after the document's main file."""
    stored = PurePosixPath(file.path)
    submitted = [PurePosixPath(f.get("path", "")) for f in fields.get("files", [])]
    if file.role == "original" and stored.stem.isdigit() and 0 < int(stored.stem) <= len(submitted):
        return submitted[int(stored.stem) - 1].name or stored.name
    main = next((p for p, f in zip(submitted, fields.get("files", [])) if f.get("role", "main") == "main"), None)
    if file.role == "preservation" and main is not None and main.stem:
        return f"{main.stem}.pdf"
    return stored.name
