"""Recording an archived package in the catalog, from what the package says about itself.

The ingest pipeline calls ``record_archived_package`` once the stored package is verified,
and the catalog rebuild calls it for every package it finds in the store. Both hand it the
description ``read_package`` reads from the store, so a rebuilt catalog holds the same
dossiers, documents, package versions, stored objects and files as the one ingest wrote.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.models import DossierRecord, DossierStatus, FileRecord, PackageVersion, PreservationEvent
from archive.catalog.packages import add_package_version, upsert_dossier
from archive.package.content import PDFA_PUIDS
from archive.package.layout import ORIGINAL_REP
from archive.package.read import PackageDescription
from archive.retention import retention_expiry
from archive.storage import StoredObject

AGENT = "LuuTru"


@dataclass(frozen=True)
class EventFacts:
    """A preservation event as the catalog keeps it."""
    type: str
    time: datetime | None
    outcome: str
    tool: str | None = None
    tool_version: str | None = None
    detail: str | None = None


def is_recorded(session: Session, package_id: str) -> bool:
    return session.execute(select(PackageVersion.id).where(PackageVersion.package_id == package_id)
                           ).scalar_one_or_none() is not None


def archived_status(package: PackageDescription) -> str:
    """needs_attention when a preservation copy is not labelled PDF/A (it failed validation
    under every strategy), so the package itself, not a side note, says so."""
    pdfa = set(PDFA_PUIDS.values())
    copies = [f for f in package.files if f.representation != ORIGINAL_REP]
    return DossierStatus.NEEDS_ATTENTION if any(f.puid not in pdfa for f in copies) else DossierStatus.ARCHIVED


def record_archived_package(session: Session, package: PackageDescription, *, object_prefix: str, store_url: str,
                            objects: Iterable[StoredObject], manifest_sha256: str | None,
                            events: Iterable[EventFacts]) -> PackageVersion | None:
    """Mark the package's dossier archived and add the package as its next version, with its
    stored objects, its documents' files and the events; None if the package is recorded already."""
    if is_recorded(session, package.package_id):
        return None  # an earlier attempt (or an earlier rebuild) recorded it
    dossier = package.dossier           # its agency must be registered: upsert_dossier never adds one
    # An event date an archivist recorded for an earlier version still counts for this one.
    trigger = session.execute(select(DossierRecord.event_trigger_date).where(DossierRecord.code == dossier.code)
                              ).scalar_one_or_none()
    record = upsert_dossier(session, dossier, status=archived_status(package), event_trigger_date=trigger,
                            retention_expiry=retention_expiry(dossier.Maintenance, dossier.EndDate,
                                                              trigger_date=trigger))
    version = add_package_version(session, record, package_id=package.package_id, object_prefix=object_prefix,
                                  store_url=store_url, manifest_sha256=manifest_sha256, objects=objects)
    _record_files(session, package, record, version)
    for e in events:
        session.add(PreservationEvent(event_type=e.type, object_ref=package.package_id, dossier_id=record.id,
                                      agent=AGENT, tool=e.tool, tool_version=e.tool_version, outcome=e.outcome,
                                      detail=e.detail, **({"time": e.time} if e.time else {})))
    session.flush()
    return version


def _record_files(session: Session, package: PackageDescription, record: DossierRecord,
                  version: PackageVersion) -> None:
    by_ordinal = {d.ordinal: d for d in record.documents}
    for doc in package.documents:
        row = by_ordinal[doc.ordinal]
        for f in doc.files:
            session.add(FileRecord(document_id=row.id, package_version_id=version.id, path=f.path,
                                   role="original" if f.representation == ORIGINAL_REP else "preservation",
                                   sha256=f.sha256, size=f.size, puid=f.puid, mime=f.mime))


def premis_events(package: PackageDescription) -> list[EventFacts]:
    """The package's PREMIS events; the tool is the software agent as PREMIS names it
    ("Ghostscript 10.00.0"), whose label also opens the event detail."""
    out = []
    for e in package.events:
        tool = next((a for a in e.agents if a != package.organ_id), None)
        detail = e.detail
        if tool and detail and detail.startswith(tool):
            detail = detail[len(tool):].lstrip("; ") or None
        when = e.datetime if e.datetime.tzinfo else None  # the catalog keeps only aware times
        out.append(EventFacts(e.type, when, e.outcome or "success", tool, None, detail))
    return out
