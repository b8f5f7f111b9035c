"""Destruction on a real S3 store with Object Lock (SeaweedFS).

SeaweedFS, like AWS, refuses a retain-until date in the past, and ingest locks a fixed-term
dossier in COMPLIANCE mode until the day after its expiry, so an ingested dossier cannot be
made deletable by moving only the test's clock. Two tests therefore cover S3:

- a dossier ingested through the whole pipeline onto S3, expired by the test's clock but
  still locked by the store's, is refused before anything is deleted;
- a dossier whose objects were written with a COMPLIANCE lock of a few seconds (plus a second
  version of one object) is destroyed once the lock has run out: every version and delete
  marker goes, and the erasure's own check lists the bucket's versions to prove it.
"""
from __future__ import annotations

import io
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

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


def _versions(store, prefix: str) -> list:
    return list(store.client.list_objects(store.bucket, prefix=f"{store.prefix}{prefix}/", recursive=True,
                                          include_version=True))


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


def test_dossier_whose_lock_ran_out_loses_every_object_version(s3_archive):
    code = catalogue("07.TEST", "5 năm", date(2015, 6, 30))
    store = open_store()
    until = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=3)
    lock = Retention(until, "COMPLIANCE")
    contents = {f"short-lock/{name}": name.encode() * 1000 for name in ("METS.xml", "data/a.pdf", "data/b.pdf")}
    objects = [store.put_file(key, io.BytesIO(data), retention=lock) for key, data in contents.items()]
    store.repair("short-lock/data/a.pdf", io.BytesIO(contents["short-lock/data/a.pdf"]), objects[1].sha256,
                 retention=lock)  # a second version of one object
    with session_scope() as session:
        add_package_version(session, find_dossier(session, code), package_id=f"urn:uuid:{uuid.uuid4()}",
                            object_prefix="short-lock", store_url=store.url, objects=objects)
    assert len(_versions(store, "short-lock")) == 4
    list_id = walk_to_approval(code, today=date(2023, 6, 1))
    while datetime.now(timezone.utc) <= until + timedelta(seconds=1):  # the store's own clock must pass the lock
        time.sleep(0.5)
    execute_list(ARCHIVIST, list_id, today=date(2023, 6, 1))
    assert _versions(store, "short-lock") == [] and list(store.list("short-lock/")) == []
    assert catalog_rows(code)["status"] == "destroyed"
    certificates = list(store.list("destruction-certificates/"))
    assert len(certificates) == 2 and store.retention(certificates[0]).mode == "COMPLIANCE"
