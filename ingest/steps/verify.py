"""Verify: read every stored object back, compare it with the package's checksums, check
nothing is missing or extra, and only then record the dossier as archived in the catalog."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import FileRecord, PackageVersion, PreservationEvent
from archive.catalog.packages import add_package_version, upsert_dossier
from archive.package.content import copy_id, original_id
from archive.errors import ChecksumMismatch, ObjectMissing
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
    _record_archived(job, stored)


def _record_archived(job: IngestJob, stored: dict) -> None:
    dossier, package = job.dossier(), job.result("package")
    with session_scope() as session:
        if session.execute(select(PackageVersion).where(PackageVersion.package_id == package["package_id"])
                           ).scalar_one_or_none():
            return  # an earlier attempt recorded it before crashing
        expiry = stored["retention_expiry"]
        record = upsert_dossier(session, dossier, status="archived",
                                retention_expiry=date.fromisoformat(expiry) if expiry else None)
        version = add_package_version(
            session, record, package_id=package["package_id"], object_prefix=stored["prefix"],
            store_url=stored["store_url"], manifest_sha256=package["files"].get("METS.xml"),
            objects=[StoredObject(o["key"], o["size"], o["sha256"], o["version_id"]) for o in stored["objects"]])
        _record_files(session, job, record, version)
        for e in [e for step in (*STEPS_WITH_EVENTS, "package", "store", "verify")
                  for e in job.result(step).get("events", [])]:
            session.add(PreservationEvent(event_type=e["type"], object_ref=package["package_id"],
                                          dossier_id=record.id, agent="LuuTru", tool=e.get("tool_name"),
                                          tool_version=e.get("tool_version"), outcome=e["outcome"],
                                          detail=e.get("detail")))


def _record_files(session, job: IngestJob, record, version) -> None:
    idents, sums = job.result("identify")["files"], job.result("checksum")
    in_package = job.result("package")["object_ids"]
    by_ordinal = {d.ordinal: d for d in record.documents}
    for doc in job.dossier().Documents:
        row = by_ordinal[doc.DocOrdinal]
        for i, f in enumerate(doc.files, 1):
            session.add(FileRecord(document_id=row.id, package_version_id=version.id, role="original",
                                   path=in_package[original_id(doc.DocOrdinal, i)],
                                   sha256=sums["originals"][f.path]["sha256"], size=sums["originals"][f.path]["size"],
                                   puid=idents[f.path]["puid"], mime=idents[f.path]["mime"]))
        if copy := sums["copies"].get(str(doc.DocOrdinal)):
            session.add(FileRecord(document_id=row.id, package_version_id=version.id, role="preservation",
                                   path=in_package[copy_id(doc.DocOrdinal)], sha256=copy["sha256"],
                                   size=copy["size"], puid="fmt/476", mime="application/pdf"))
