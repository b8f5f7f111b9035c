"""Verify: read every stored object back, compare it with the package's checksums, check
nothing is missing or extra, and only then record the dossier as archived in the catalog."""
from __future__ import annotations

from datetime import datetime

from archive import audit
from archive.catalog.amendments import AmendmentStage, PendingChange
from archive.catalog.archived import EventFacts, record_archived_package
from archive.catalog.locking import expect_stage, lock_row, locked_session
from archive.catalog.models import DossierRecord
from archive.errors import AmendmentRefused
from archive.versions import refuse_if_frozen
from archive.package.read import read_package
from archive.storage import StoredObject, check_stored, open_store
from ingest.job import IngestJob, event
from ingest.steps.package import STEPS_WITH_EVENTS


def run(job: IngestJob) -> None:
    stored = job.result("store")
    store = open_store()
    checked = check_stored(store, stored["prefix"], {o["key"]: o["sha256"] for o in stored["objects"]})
    verified = event("fixity check", tool="hashlib", tool_version="SHA-256",
                     detail=f"{checked} đối tượng đọc lại và khớp mã SHA-256")
    job.save("verify", {"verified": checked, "events": [verified]})
    _record_archived(job, stored, store)


def _record_archived(job: IngestJob, stored: dict, store) -> None:
    """The catalog entry comes from the stored package itself, exactly as a catalog rebuild reads it."""
    package = read_package(stored["prefix"], store)
    events = [EventFacts(e["type"], datetime.fromisoformat(e["datetime"]), e["outcome"], e.get("tool_name"),
                         e.get("tool_version"), e.get("detail"))
              for step in (*STEPS_WITH_EVENTS, "package", "store", "verify")
              for e in job.result(step).get("events", [])]
    request, amendment = job.result("job"), job.result("validate").get("amendment") or {"kind": "new"}
    with locked_session() as session:
        _still_allowed(session, job, request, package.dossier.code, amendment)
        version = record_archived_package(
            session, package, object_prefix=stored["prefix"], store_url=stored["store_url"],
            manifest_sha256=job.result("package")["files"].get("METS.xml"), events=events,
            objects=[StoredObject(o["key"], o["size"], o["sha256"], o["version_id"]) for o in stored["objects"]])
        if version is not None and amendment["kind"] == "ocr":
            audit.record("preservation_version", actor=request.get("actor", "system"), agency=request.get("organ_id"),
                         object=package.dossier.code, session=session,
                         detail={"version": version.version, "job": job.id, "previous_version": amendment["version"],
                                 **amendment["changes"]})
        elif version is not None and amendment["kind"] != "new":
            audit.record("metadata_change", actor=request.get("actor", "system"), agency=request.get("organ_id"),
                         object=package.dossier.code, session=session,
                         detail={"version": version.version, "job": job.id, "amendment": amendment.get("amendment"),
                                 "previous_version": amendment["version"], **amendment["changes"]})


def _still_allowed(session, job: IngestJob, request: dict, code: str, amendment: dict) -> None:
    """What validation judged still holds now, under the dossier's lock: no hold, destruction
    list or transfer since, no other submission archived the code meanwhile, and an approved
    change is applied once."""
    record = lock_row(session, DossierRecord, DossierRecord.code == code)
    if record is None:
        return
    if amendment["kind"] == "new" and record.current_version is not None and not _recorded(job, record):
        raise AmendmentRefused(f"dossier {code} was archived by another submission meanwhile; submit again "
                               "to amend it", dossier=code, reason="submitted_concurrently",
                               message_vi=f"Hồ sơ {code} vừa được lưu trữ từ một lần nộp khác; hãy nộp lại.")
    if amendment["kind"] != "new":
        refuse_if_frozen(session, record, request.get("organ_id"))
    if amendment["kind"] == "ocr" and record.current_version != amendment["version"] and not _recorded(job, record):
        raise superseded(code, amendment["version"])
    if amendment.get("amendment"):
        change = lock_row(session, PendingChange, PendingChange.id == amendment["amendment"])
        if change.stage != AmendmentStage.APPLIED:
            expect_stage(f"amendment {change.id}", change.stage, AmendmentStage.APPROVED, amendment=change.id)
            change.stage = AmendmentStage.APPLIED


def superseded(code: str, version: int) -> AmendmentRefused:
    """OCR'd copies of version N made version N+1 would undo a version archived meanwhile."""
    return AmendmentRefused(f"dossier {code} has a version newer than {version}; its OCR'd copies are not added",
                            dossier=code, reason="superseded",
                            message_vi=f"Hồ sơ {code} đã có phiên bản mới hơn; bản OCR không được thêm vào.")


def _recorded(job: IngestJob, record: DossierRecord) -> bool:
    """This job's own package is the one recorded (a re-run of verify after a crash)."""
    return any(v.package_id == job.result("package")["package_id"] for v in record.versions)
