"""Destruction on a real S3 store with Object Lock (SeaweedFS).

SeaweedFS, like AWS, refuses a retain-until date in the past, and ingest locks a fixed-term
dossier in COMPLIANCE mode until the day after its expiry, so an ingested dossier cannot be
made deletable by moving only the test's clock. Two tests therefore cover S3:

- a dossier ingested through the whole pipeline onto S3, expired by the test's clock but
  still locked by the store's, is refused before anything is deleted;
- a dossier whose object versions (one object has two) get a COMPLIANCE lock of a few seconds
  is refused while the store still holds the lock and destroyed once it has run out: every
  version and delete marker goes, and the erasure's own check lists the bucket's versions.

The short lock is timed by the store's clock, not the test's: each version's retain-until is
the server's time when the lock is set plus ``SHORT_LOCK``, and the test waits until the server
reports every version's retain-until passed (however slow a loaded machine makes the steps).
"""
from __future__ import annotations

import io
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
import urllib3

from archive.catalog import session_scope
from archive.catalog.packages import add_package_version
from archive.lifecycle.destruction import execute_list
from archive.errors import ObjectLocked
from archive.catalog.dossiers import find_dossier
from archive.storage import Retention, open_store
from ingest import pipeline
from tests.archive.lifecycle.conftest import ARCHIVIST, catalog_rows, catalogue, walk_to_approval
from tests.fixtures.archives import with_retention

pytestmark = pytest.mark.services


@pytest.fixture
def s3_archive(archive_home, seaweedfs, monkeypatch):
    """The archive writing to a fresh prefix of the shared test bucket."""
    monkeypatch.setenv("LUUTRU_STORAGE_URL", seaweedfs.s3_url("luutru-tests", f"lifecycle-{uuid.uuid4().hex}"))


SHORT_LOCK = timedelta(seconds=3)   # setting one lock takes two requests, well under this


def _versions(store, prefix: str) -> list:
    return list(store.client.list_objects(store.bucket, prefix=f"{store.prefix}{prefix}/", recursive=True,
                                          include_version=True))


def _server_time(seaweedfs) -> datetime:
    """The store's own clock: the Date of its answer, to the second rounded down (so the true
    time is in [returned, returned + 1 s))."""
    answer = urllib3.request("HEAD", f"http://127.0.0.1:{seaweedfs.s3_port}/", retries=False)
    return parsedate_to_datetime(answer.headers["Date"])


def _retain_until(store, prefix: str) -> list[tuple[datetime, datetime]]:
    """(retain-until, the server's time) of every version under ``prefix``, as HEAD reports them."""
    heads = [store.client.stat_object(store.bucket, v.object_name, version_id=v.version_id)
             for v in _versions(store, prefix)]
    return [(datetime.fromisoformat(h.metadata["x-amz-object-lock-retain-until-date"]),
             parsedate_to_datetime(h.metadata["Date"])) for h in heads]


def _lock_briefly(store, seaweedfs, prefix: str) -> datetime:
    """Lock every version under ``prefix`` (COMPLIANCE) until ``SHORT_LOCK`` after the server's
    time at that moment; returns the earliest retain-until the server reports."""
    for v in _versions(store, prefix):
        until = _server_time(seaweedfs) + SHORT_LOCK
        store.lock(v.object_name[len(store.prefix):], Retention(until, "COMPLIANCE"), version_id=v.version_id)
    return min(until for until, _ in _retain_until(store, prefix))


def _wait_until_unlocked(store, prefix: str, patience: float = 120) -> None:
    """Poll until the server's own time is past every version's retain-until."""
    give_up = time.monotonic() + patience
    while locked := [until for until, now in _retain_until(store, prefix) if now <= until]:
        assert time.monotonic() < give_up, f"the store still reports locks until {max(locked)}"
        time.sleep(0.2)


def test_ingested_dossier_still_locked_by_the_store_is_refused_untouched(s3_archive, born_digital_sample):
    job = pipeline.submit(with_retention(born_digital_sample, "5 năm"))  # kept to 2026-12-31, locked to 2027-01-01
    code, stored = job.dossier().code, job.result("store")
    store = open_store()
    assert store.supports_object_lock and stored["object_lock"] == "COMPLIANCE"
    list_id = walk_to_approval(code, today=date(2027, 6, 1))
    with pytest.raises(ObjectLocked):
        execute_list(ARCHIVIST, list_id, today=date(2027, 6, 1))
    assert len(list(store.list(stored["prefix"] + "/"))) == len(stored["objects"])
    assert catalog_rows(code)["status"] == "archived" and job.workdir.exists()


def test_dossier_whose_lock_ran_out_loses_every_object_version(s3_archive, seaweedfs):
    code = catalogue("07.TEST", "5 năm", date(2015, 6, 30))
    store = open_store()
    contents = {f"short-lock/{name}": name.encode() * 1000 for name in ("METS.xml", "data/a.pdf", "data/b.pdf")}
    objects = [store.put_file(key, io.BytesIO(data)) for key, data in contents.items()]
    store.repair("short-lock/data/a.pdf", io.BytesIO(contents["short-lock/data/a.pdf"]), objects[1].sha256)
    with session_scope() as session:
        add_package_version(session, find_dossier(session, code), package_id=f"urn:uuid:{uuid.uuid4()}",
                            object_prefix="short-lock", store_url=store.url, objects=objects)
    list_id = walk_to_approval(code, today=date(2023, 6, 1))

    first_unlocked = _lock_briefly(store, seaweedfs, "short-lock")
    assert len(_versions(store, "short-lock")) == 4
    try:
        execute_list(ARCHIVIST, list_id, today=date(2023, 6, 1))
        refused = False
    except ObjectLocked:
        refused = True
    if _server_time(seaweedfs) + timedelta(seconds=1) <= first_unlocked:  # the check surely came before expiry
        assert refused
    if refused:  # untouched: every version, the catalog, no certificate
        assert len(_versions(store, "short-lock")) == 4 and catalog_rows(code)["status"] == "archived"
        assert list(store.list("destruction-certificates/")) == []
        _wait_until_unlocked(store, "short-lock")
        execute_list(ARCHIVIST, list_id, today=date(2023, 6, 1))

    assert _versions(store, "short-lock") == [] and list(store.list("short-lock/")) == []
    assert catalog_rows(code)["status"] == "destroyed"
    certificates = list(store.list("destruction-certificates/"))
    assert len(certificates) == 2 and store.retention(certificates[0]).mode == "COMPLIANCE"


def test_an_older_version_still_locked_refuses_the_erasure_before_anything_goes(s3_archive):
    """A repaired object keeps its damaged copy as an older version; were that version locked
    longer than the current one, the erasure would otherwise delete the other objects and stop
    half-way on it. The check reads every version's lock first."""
    code = catalogue("07.TEST", "5 năm", date(2015, 6, 30))
    store = open_store()
    contents = {f"old-lock/{name}": name.encode() * 1000 for name in ("METS.xml", "data/a.pdf")}
    objects = [store.put_file(key, io.BytesIO(data)) for key, data in contents.items()]
    store.repair("old-lock/data/a.pdf", io.BytesIO(contents["old-lock/data/a.pdf"]), objects[1].sha256)
    with session_scope() as session:
        add_package_version(session, find_dossier(session, code), package_id=f"urn:uuid:{uuid.uuid4()}",
                            object_prefix="old-lock", store_url=store.url, objects=objects)
    [oldest] = [v for v in _versions(store, "old-lock")       # minio's listing says "true"/"false"
                if v.object_name.endswith("a.pdf") and str(v.is_latest).lower() != "true"]
    store.lock("old-lock/data/a.pdf", Retention(datetime.now(timezone.utc) + timedelta(days=1), "GOVERNANCE"),
               version_id=oldest.version_id)
    assert store.retention("old-lock/data/a.pdf") is None       # the current version is not locked
    list_id = walk_to_approval(code, today=date(2023, 6, 1))

    with pytest.raises(ObjectLocked, match="old-lock/data/a.pdf"):
        execute_list(ARCHIVIST, list_id, today=date(2023, 6, 1))
    assert len(_versions(store, "old-lock")) == 3 and catalog_rows(code)["status"] == "archived"
    assert list(store.list("destruction-certificates/")) == []
