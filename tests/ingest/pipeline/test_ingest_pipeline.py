"""End to end on the embedded defaults: a submission becomes a verified package in the
store, a catalog entry and search records; failures are visible and resumable."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, FileRecord, PackageVersion, PreservationEvent, StoredObjectRecord
from archive.checksums import sha256_file
from archive.errors import InvalidDossier
from archive.package.eark import validate_package
from archive.settings import get_settings
from archive.storage import open_store
from ingest import pipeline, state
from ingest.job import IngestJob
from ingest.steps import STEP_NAMES
from archive.access import Principal
from search.base import open_index
from search.query import SearchQuery


def _catalog_counts(code: str) -> dict:
    with session_scope() as s:
        record = s.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()
        versions = s.execute(select(func.count()).select_from(PackageVersion)
                             .where(PackageVersion.dossier_id == record.id)).scalar()
        objects = s.execute(select(func.count()).select_from(StoredObjectRecord)).scalar()
        files = s.execute(select(func.count()).select_from(FileRecord)).scalar()
        return {"status": record.status, "versions": versions, "objects": objects, "files": files}


def test_submission_is_archived_verified_and_searchable(archive_home, born_digital_sample):
    job = pipeline.submit(born_digital_sample)
    assert [s.state for s in state.states(job.id)] == ["done"] * len(STEP_NAMES)
    code = job.dossier().code
    counts = _catalog_counts(code)
    assert counts["status"] == "archived" and counts["versions"] == 1
    # every object of the package is in the store with the checksum the catalog holds
    store = open_store()
    stored = job.result("store")
    assert counts["objects"] == len(stored["objects"]) == len(list(store.list(stored["prefix"] + "/")))
    for obj in stored["objects"]:
        assert store.hash(obj["key"])[0] == obj["sha256"]
    # originals kept bit for bit, next to their PDF/A copies
    with session_scope() as s:
        originals = s.execute(select(FileRecord).where(FileRecord.role == "original")).scalars().all()
        copies = s.execute(select(FileRecord).where(FileRecord.role == "preservation")).scalars().all()
        events = {e.event_type for e in s.execute(select(PreservationEvent)).scalars()}
    submitted = {sha256_file(born_digital_sample / f.path)[0] for d in job.dossier().Documents for f in d.files}
    assert {f.sha256 for f in originals} == submitted
    for f in originals:
        assert store.hash(f"{stored['prefix']}/{f.path}")[0] == f.sha256
    assert len(copies) == len(originals)  # every original, attachments too, has its PDF/A copy
    assert {"ingestion start", "format identification", "migration", "validation", "fixity check"} <= events
    assert validate_package(store.physical_path(stored["prefix"])).valid     # the archived copy itself
    # found without diacritics
    with open_index(get_settings()) as index:
        results = index.search(SearchQuery(text="van ban dien tu"), Principal("reader", "researcher", None))
    assert code in {h.record.dossier_code for h in results.hits}


def test_invalid_dossier_is_refused_with_every_error_and_nothing_is_stored(archive_home, born_digital_sample):
    manifest = born_digital_sample / "hoso.xml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index("<StartDate>") + len("<StartDate>")
    manifest.write_text(text[:start] + "2030-01-01" + text[start + 10:], encoding="utf-8")  # after EndDate, future
    with pytest.raises(InvalidDossier) as refused:
        pipeline.submit(born_digital_sample)
    codes = {p.code for p in refused.value.report.errors}
    assert {"date_order", "date_in_future"} <= codes
    assert not (archive_home / "store").exists() or not any((archive_home / "store").rglob("*.pdf"))
    failed = [s for s in state.states(state.unfinished_jobs()[0]) if s.state == "failed"]
    assert [s.step for s in failed] == ["validate"] and "invalid_dossier" in failed[0].reason


def test_failed_store_step_resumes_without_duplicating_or_losing_anything(archive_home, born_digital_sample):
    blocker = archive_home / "store"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # the store cannot be written: the store step fails
    with pytest.raises(FileExistsError, match="store"):     # the store's folder cannot be made
        pipeline.submit(born_digital_sample)
    job_id = pipeline.unfinished_job_for(born_digital_sample)
    steps = {s.step: s for s in state.states(job_id)}
    assert steps["store"].state == "failed" and steps["store"].reason.startswith("FileExistsError: ")
    assert steps["package"].state == "done" and steps["verify"].state == "pending"
    blocker.unlink()
    pipeline.resume(job_id)
    assert all(s.state == "done" for s in state.states(job_id))
    pipeline.resume(job_id)  # running a finished job again changes nothing
    counts = _catalog_counts(IngestJob.load(job_id).dossier().code)
    assert counts["versions"] == 1 and counts["status"] == "archived"
    assert counts["objects"] == len(list(open_store().list("")))
