"""Verify: read every stored object back, compare it with the package's checksums, check
nothing is missing or extra, and only then record the dossier as archived in the catalog."""
from __future__ import annotations

from datetime import datetime

from archive.catalog.archived import EventFacts, record_archived_package
from archive.catalog.db import session_scope
from archive.errors import ChecksumMismatch, ObjectMissing
from archive.package.read import read_package
from archive.storage import StoredObject, open_store
from ingest.job import IngestJob, event
from ingest.steps.package import STEPS_WITH_EVENTS


def run(job: IngestJob) -> None:
    stored = job.result("store")
    store = open_store()
    expected = {o["key"]: o["sha256"] for o in stored["objects"]}
    present = set(store.list(stored["prefix"] + "/"))
    if missing := sorted(set(expected) - present):
        raise ObjectMissing(f"{len(missing)} object(s) missing after writing: {missing[:3]}")
    for key, sha256 in expected.items():
        digest, _ = store.hash(key)
        if digest != sha256:
            raise ChecksumMismatch(f"{key}: stored bytes differ from the package", key=key)
    verified = event("fixity check", tool="hashlib", tool_version="SHA-256",
                     detail=f"{len(expected)} đối tượng đọc lại và khớp mã SHA-256")
    job.save("verify", {"verified": len(expected), "events": [verified]})
    _record_archived(job, stored, store)


def _record_archived(job: IngestJob, stored: dict, store) -> None:
    """The catalog entry comes from the stored package itself, exactly as a catalog rebuild reads it."""
    package = read_package(stored["prefix"], store)
    events = [EventFacts(e["type"], datetime.fromisoformat(e["datetime"]), e["outcome"], e.get("tool_name"),
                         e.get("tool_version"), e.get("detail"))
              for step in (*STEPS_WITH_EVENTS, "package", "store", "verify")
              for e in job.result(step).get("events", [])]
    with session_scope() as session:
        record_archived_package(
            session, package, object_prefix=stored["prefix"], store_url=stored["store_url"],
            manifest_sha256=job.result("package")["files"].get("METS.xml"), events=events,
            objects=[StoredObject(o["key"], o["size"], o["sha256"], o["version_id"]) for o in stored["objects"]])
