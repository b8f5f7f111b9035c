"""Store: every file of the package as a write-once object, locked for the dossier's
retention where the store supports Object Lock. Re-running after a crash finds the objects
already written and accepts them only if their bytes are the package's (store_verified)."""
from __future__ import annotations

from datetime import datetime, timezone

from archive.retention import retention_expiry
from archive.storage import Retention, open_store, public_url, store_verified
from ingest.job import IngestJob, event
from ingest.steps.package import package_dir


def object_prefix(job: IngestJob) -> str:
    return package_dir(job).name


def run(job: IngestJob) -> None:
    dossier = job.dossier()
    store = open_store()
    expiry = retention_expiry(dossier.Maintenance, dossier.EndDate)
    lock = Retention.for_dossier(expiry) if store.supports_object_lock else None
    if lock and lock.until <= datetime.now(timezone.utc):
        # a dossier archived after its retention ran out: S3 refuses a retain-until date in
        # the past, and the store's clock has nothing left to hold (destruction is its due)
        lock = None
    root, prefix = package_dir(job), object_prefix(job)
    stored = []
    for rel, sha256 in sorted(job.result("package")["files"].items()):
        obj = store_verified(store, f"{prefix}/{rel}", root / rel, sha256, lock)
        stored.append({"key": obj.key, "size": obj.size, "sha256": sha256, "version_id": obj.version_id})
    job.save("store", {"store_url": public_url(store.url), "prefix": prefix, "objects": stored,
                       "retention_expiry": expiry.isoformat() if expiry else None,
                       "object_lock": lock.mode if lock else None,
                       "events": [event("replication", tool="luutru storage",
                                        detail=f"{len(stored)} đối tượng ghi vào kho {public_url(store.url)}")]})
