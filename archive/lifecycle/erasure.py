"""Erasing every copy of a dossier, then proving nothing is left.

Copies live in: the primary store and the replica (every object version, S3 delete markers
included), the search index, the ingest work folders under ``data_dir/jobs`` (the received
submission, PDF/A copies, extracted and OCR text), the jobs' staging areas where Celery
workers run the steps (ingest.staging: the step results kept as each job's record name the
dossier and its metadata) and the catalog: besides the dossier's rows, each amendment of it
keeps its fields before and after (archive/catalog/amendments.py); the amendment stays as the
record that it was made (who submitted and decided it, when) and its copies of the metadata
go. Other rows about the dossier are records of actions that name it by code and title (access
requests, notices, holds, reviews, preservation events) and stay; the audit trail is
append-only and is never touched. Locks are checked on
every object before anything is deleted, so a store that would refuse leaves the dossier
whole rather than half-destroyed.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, delete, or_, select, text, update
from sqlalchemy.orm import Session

from archive.catalog.accounts import Grant
from archive.catalog.amendments import PendingChange
from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, DossierStatus, PipelineStep
from archive.clock import utcnow
from archive.errors import ObjectLocked, ObjectMissing
from archive.settings import Settings
from archive.storage import ObjectStore, open_store, public_url
from archive.access import Principal
from ingest import staging
from search.base import open_index
from search.query import SearchQuery


@dataclass(frozen=True)
class ErasedObject:
    key: str
    sha256: str
    size: int


@dataclass
class ErasedDossier:
    """What the certificate says about a destroyed dossier, taken before it is erased."""
    code: str
    organ_id: str
    title: str
    maintenance: str
    end_date: date | None
    retention_expiry: date | None
    packages: list[tuple[str, str | None]]  # (package id, METS.xml sha256)
    objects: list[ErasedObject]
    prefixes: list[str]
    job_ids: list[str]
    removed: dict[str, int] = field(default_factory=dict)  # where → how many copies erased


def snapshot(session: Session, record: DossierRecord) -> ErasedDossier:
    jobs = session.execute(select(PipelineStep.job_id).where(PipelineStep.dossier_id == record.id)).scalars()
    # an amendment's job holds a submission of the dossier even if rejected before it was linked to it
    amending = session.execute(select(PendingChange.job_id).where(PendingChange.dossier_code == record.code)).scalars()
    return ErasedDossier(
        code=record.code, organ_id=record.organ_id, title=record.title, maintenance=record.maintenance, end_date=record.end_date,
        retention_expiry=record.retention_expiry,
        packages=[(v.package_id, v.manifest_sha256) for v in record.versions],
        objects=sorted({ErasedObject(o.key, o.sha256, o.size) for v in record.versions for o in v.objects},
                       key=lambda o: o.key),
        prefixes=sorted({v.object_prefix for v in record.versions}), job_ids=sorted({*jobs, *amending}))


def erased_to_json(dossier: ErasedDossier) -> dict:
    """The snapshot as JSON, kept with its destruction list item while an execution runs."""
    return json.loads(json.dumps(asdict(dossier), default=str))


def erased_from_json(data: dict) -> ErasedDossier:
    day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    return ErasedDossier(**{**data, "end_date": day(data["end_date"]), "retention_expiry": day(data["retention_expiry"]),
                            "packages": [tuple(p) for p in data["packages"]],
                            "objects": [ErasedObject(**o) for o in data["objects"]]})


def stores(settings: Settings) -> list[ObjectStore]:
    """Every store a copy may be in: the primary and, where configured, the replica."""
    out = [open_store(settings.store_url)]
    if settings.replica_storage_url:
        out.append(open_store(settings.replica_storage_url))
    return out


def _keys(store: ObjectStore, dossier: ErasedDossier) -> set[str]:
    listed = {k for prefix in dossier.prefixes for k in store.list(f"{prefix}/")}
    return listed | {o.key for o in dossier.objects}


def _versions(store: ObjectStore, dossier: ErasedDossier) -> list[tuple[str, str | None]]:
    """(key, version id) of every version an erasure deletes: an older version (a repaired
    object's damaged copy) may be locked longer than the current one."""
    found = {kv for prefix in dossier.prefixes for kv in store.versions(f"{prefix}/")}
    listed = {key for key, _ in found}
    for o in dossier.objects:
        if o.key not in listed:
            found |= {(key, version) for key, version in store.versions(o.key) if key == o.key}
    return sorted(found, key=lambda kv: (kv[0], kv[1] or ""))


def refuse_if_locked(store_list: list[ObjectStore], dossier: ErasedDossier) -> None:
    """ObjectLocked (before anything is deleted) if a store still protects any version of any
    object, so an erasure never stops half-way on a lock."""
    now = utcnow()
    for store in store_list:
        if not store.supports_object_lock:
            continue
        for key, version in _versions(store, dossier):
            lock = store.retention(key, version)
            if lock is not None and lock.until > now:
                raise ObjectLocked(f"{key} in {public_url(store.url)} is locked ({lock.mode}) until "
                                   f"{lock.until.isoformat()}", key=key, dossier=dossier.code)


def erase(session: Session, record: DossierRecord, dossier: ErasedDossier, settings: Settings,
          store_list: list[ObjectStore]) -> None:
    """Delete every copy; the catalog keeps only a tombstone (code, title, status destroyed),
    committed with the caller's transaction."""
    for store in store_list:
        erased = 0
        for key in sorted(_keys(store, dossier)):
            try:
                store.delete(key, all_versions=True)
                erased += 1
            except ObjectMissing:  # already gone (a re-run after an interruption)
                pass
        dossier.removed[public_url(store.url)] = erased
    with open_index(settings) as index:
        dossier.removed["search index"] = index.delete_dossier(dossier.code)
    jobs_dir = settings.data_dir / "jobs"
    for job_id in dossier.job_ids:
        shutil.rmtree(jobs_dir / job_id, ignore_errors=True)
    dossier.removed["work folders"] = len(dossier.job_ids)
    if staging.enabled(settings):
        stage = staging.open_staging(settings)
        dossier.removed["staging"] = sum(stage.remove(job_id, keep_results=False) for job_id in dossier.job_ids)
    if session.get_bind().dialect.name == "sqlite":  # deleted rows are zeroed, not left in free pages
        session.execute(text("PRAGMA secure_delete = ON"))
    session.execute(delete(PipelineStep).where(or_(PipelineStep.dossier_id == record.id,
                                                   PipelineStep.job_id.in_(dossier.job_ids))))
    # reading grants of it end: a grant approved just before the execution locked the dossier too
    dossier.removed["grants"] = session.execute(delete(Grant).where(Grant.dossier_code == record.code)).rowcount
    dossier.removed["amendments"] = session.execute(
        update(PendingChange).where(PendingChange.dossier_code == record.code).values(changes={})).rowcount
    record.versions.clear()
    record.documents.clear()
    record.status = DossierStatus.DESTROYED
    record.metadata_json = {"code": record.code, "Title": record.title, "destroyed": True}
    session.flush()


def scrub_catalog(engine: Engine) -> None:
    """After the erasure is committed: SQLite's write-ahead log still holds the pages as they
    were before, so it is checkpointed into the (zeroed) database file and truncated.
    PostgreSQL keeps dead row versions until VACUUM reuses their space (not done here)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _versions_left(store: ObjectStore, prefix: str) -> list[str]:
    """Every version (and S3 delete marker) still stored under the prefix."""
    return [key if version is None else f"{key} (version {version})"
            for key, version in store.versions(f"{prefix}/")]


def residue(dossier: ErasedDossier, settings: Settings, store_list: list[ObjectStore]) -> list[str]:
    """Everything of the dossier still found in the stores, the index, on disk and in the catalog."""
    left = []
    for store in store_list:
        for prefix in dossier.prefixes:
            left += [f"{public_url(store.url)}: {k}" for k in _versions_left(store, prefix)]
        left += [f"{public_url(store.url)}: {o.key}" for o in dossier.objects if store.exists(o.key)]
    with open_index(settings) as index:
        # an administrator finds every record by its metadata, and every record carries the dossier title
        query = SearchQuery(text=dossier.title, agency=dossier.organ_id, per_page=100)
        hits = index.search(query, Principal("erasure", "admin")).hits
        left += [f"search index: {h.record.id}" for h in hits if h.record.dossier_code == dossier.code]
    jobs_dir: Path = settings.data_dir / "jobs"
    left += [f"disk: {jobs_dir / j}" for j in dossier.job_ids if (jobs_dir / j).exists()]
    if staging.enabled(settings):
        stage = staging.open_staging(settings)
        left += [f"staging: {key}" for j in dossier.job_ids for key in stage.keys(j)]
    with session_scope() as session:
        changes = session.execute(select(PendingChange.id, PendingChange.changes)
                                  .where(PendingChange.dossier_code == dossier.code))
        left += [f"catalog: amendment {change_id}" for change_id, values in changes if values]
    return sorted(set(left))
