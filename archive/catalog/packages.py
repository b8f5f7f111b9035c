"""Writing dossiers and their package versions into the catalog.

Used by ingest after a package is stored and verified, and by the catalog rebuild, which
reads the same facts back from the packages themselves.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.models import (Agency, DocumentRecord, DossierRecord, DossierStatus, PackageVersion,
                                   StoredObjectRecord)
from archive.agencies import require_registered
from archive.storage import StoredObject
from schemas.models import Dossier


def agency_name(session: Session, organ_id: str) -> str:
    """The agency's registered name; its code where none is registered."""
    agency = session.get(Agency, organ_id)
    return agency.name if agency else organ_id


def upsert_dossier(session: Session, dossier: Dossier, *, status: str = DossierStatus.RECEIVING,
                   retention_expiry: date | None = None, event_trigger_date: date | None = None) -> DossierRecord:
    """Create or refresh the dossier's row and its documents from the validated model; its
    agency must be registered (never added here)."""
    require_registered(session, dossier.FileCode.OrganId)
    record = session.execute(select(DossierRecord).where(DossierRecord.code == dossier.code)).scalar_one_or_none()
    if record is None:
        record = DossierRecord(code=dossier.code, documents=[])
        session.add(record)
    record.organ_id = dossier.FileCode.OrganId
    record.title = dossier.Title or ""
    record.maintenance = dossier.Maintenance or ""
    record.rights = dossier.Rights or ""
    record.start_date, record.end_date = dossier.StartDate, dossier.EndDate
    record.retention_expiry, record.event_trigger_date = retention_expiry, event_trigger_date
    record.status = status
    record.metadata_json = dossier.model_dump(mode="json", exclude_none=True)
    existing = {d.ordinal: d for d in record.documents}
    for doc in dossier.Documents:
        row = existing.pop(doc.DocOrdinal, None) or DocumentRecord(ordinal=doc.DocOrdinal)
        row.code, row.direction = dossier.document_code(doc), doc.direction
        row.fields = doc.model_dump(mode="json", exclude_none=True)
        if row not in record.documents:
            record.documents.append(row)
    for stale in existing.values():
        record.documents.remove(stale)
    session.flush()
    return record


def add_package_version(session: Session, record: DossierRecord, *, package_id: str, object_prefix: str,
                        store_url: str, objects: Iterable[StoredObject],
                        manifest_sha256: str | None = None) -> PackageVersion:
    """Record a newly stored package as the dossier's next version, linked to the previous one."""
    previous = record.versions[-1] if record.versions else None
    version = PackageVersion(version=(previous.version + 1) if previous else 1, package_id=package_id,
                             object_prefix=object_prefix, store_url=store_url, manifest_sha256=manifest_sha256,
                             previous=previous,
                             objects=[StoredObjectRecord(key=o.key, sha256=o.sha256, size=o.size) for o in objects])
    record.versions.append(version)
    record.current_version = version.version
    session.flush()
    return version
