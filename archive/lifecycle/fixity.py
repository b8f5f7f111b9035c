"""Fixity: re-hash stored objects and compare with the catalog's SHA-256.

Objects are checked oldest-checked first (never-checked ones before all others) until the
byte budget is spent, so a daily run walks the whole store over time. Each check is a
PREMIS "fixity check" event. A damaged, unreadable or missing object raises an alarm (a
``fixity_alarms`` row and a logged error) and, when a replica store is configured, is
repaired from it: the replica's bytes are verified against the catalog's checksum before
they replace anything and the new copy is read back and verified after (``repair_verified``);
the repair, or its failure, is its own event and an audit trail entry. A repair that does not
read back leaves the object counted as damaged and its alarm open.

Hashing runs in a thread pool: hashlib releases the GIL on large buffers, so one worker
per core keeps every core busy when there are many objects.
"""
from __future__ import annotations

import logging
import os
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Iterator

from sqlalchemy import select

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.models import (DossierRecord, DossierStatus, FixityAlarm, PackageVersion, PreservationEvent,
                                   StoredObjectRecord)
from archive.clock import utcnow
from archive.errors import LuuTruError, ObjectMissing, StorageError
from archive.storage import ObjectStore, Retention, open_store, public_url, repair_verified

log = logging.getLogger(__name__)

AGENT = "LuuTru fixity"
TOOL, TOOL_VERSION = "hashlib SHA-256", ssl.OPENSSL_VERSION
INACTIVE = DossierStatus.left_custody()  # their objects have left this store on purpose


@dataclass(frozen=True)
class _Target:
    object_id: int
    dossier_id: int
    dossier_code: str
    organ_id: str
    key: str
    sha256: str
    size: int
    retention_expiry: date | None  # None: permanent


@dataclass
class ObjectCheck:
    key: str
    dossier_code: str
    expected: str
    outcome: str  # ok | mismatch | missing | unreadable
    actual: str | None = None
    size: int = 0
    detail: str | None = None
    repaired: bool = False


@dataclass
class FixityReport:
    checked: list[ObjectCheck] = field(default_factory=list)
    bytes_checked: int = 0
    left_for_later: int = 0  # objects due but beyond the budget
    seconds: float = 0.0

    @property
    def alarms(self) -> list[ObjectCheck]:
        return [c for c in self.checked if c.outcome != "ok"]

    @property
    def unrepaired(self) -> list[ObjectCheck]:
        return [c for c in self.alarms if not c.repaired]

    @property
    def ok(self) -> bool:
        return not self.alarms


def _targets(session, selection: str, now: datetime, interval_days: int) -> Iterator[_Target]:
    """Objects to check, oldest-checked first."""
    q = (select(StoredObjectRecord.id, DossierRecord.id, DossierRecord.code, DossierRecord.organ_id,
                StoredObjectRecord.key, StoredObjectRecord.sha256, StoredObjectRecord.size,
                DossierRecord.retention_expiry)
         .join(PackageVersion, StoredObjectRecord.package_version_id == PackageVersion.id)
         .join(DossierRecord, PackageVersion.dossier_id == DossierRecord.id)
         .where(DossierRecord.status.not_in(INACTIVE))
         .order_by(StoredObjectRecord.last_fixity_check.asc().nulls_first(), StoredObjectRecord.id))
    if selection == "due":
        cutoff = now - timedelta(days=interval_days)
        q = q.where((StoredObjectRecord.last_fixity_check.is_(None)) | (StoredObjectRecord.last_fixity_check < cutoff))
    elif selection != "all":
        q = q.where(DossierRecord.code == selection)
    for row in session.execute(q.execution_options(yield_per=1000)):
        yield _Target(*row)


def _within_budget(targets: Iterable[_Target], budget: int | None, report: FixityReport) -> list[_Target]:
    chosen, total = [], 0
    for t in targets:
        if budget is not None and chosen and total + t.size > budget:
            report.left_for_later += 1
            continue
        chosen.append(t)
        total += t.size
    return chosen


def check_object(store: ObjectStore, target: _Target) -> ObjectCheck:
    check = ObjectCheck(target.key, target.dossier_code, target.sha256, "ok")
    try:
        check.actual, check.size = store.hash(target.key)
    except ObjectMissing:
        check.outcome, check.detail = "missing", "object not found in the store"
        return check
    except (StorageError, OSError) as exc:
        check.outcome, check.detail = "unreadable", str(exc)
        return check
    if check.actual != target.sha256:
        check.outcome, check.detail = "mismatch", f"expected {target.sha256}, found {check.actual}"
    return check


def _repair(store: ObjectStore, replica: ObjectStore, target: _Target) -> str:
    from archive.settings import get_settings
    retention = Retention.for_dossier(target.retention_expiry, get_settings().permanent_lock_years)
    with replica.open(target.key) as source:
        repair_verified(store, target.key, source, target.sha256, retention if store.supports_object_lock else None)
    return f"copied from {public_url(replica.url)}, read back and verified (sha256 {target.sha256})"


def _event(session, event_type: str, target: _Target, now: datetime, outcome: str, detail: str | None) -> None:
    session.add(PreservationEvent(event_type=event_type, object_ref=target.key, dossier_id=target.dossier_id,
                                  time=now, agent=AGENT, tool=TOOL, tool_version=TOOL_VERSION, outcome=outcome,
                                  detail=detail))


def _record(session, target: _Target, check: ObjectCheck, replica: ObjectStore | None, store: ObjectStore) -> None:
    now = utcnow()
    obj = session.get(StoredObjectRecord, target.object_id)
    obj.last_fixity_check, obj.last_fixity_outcome = now, check.outcome
    _event(session, "fixity check", target, now, "success" if check.outcome == "ok" else "failure",
           check.detail or f"sha256 {check.actual}")
    if check.outcome == "ok":
        return
    log.error("fixity alarm: %s %s (dossier %s): %s", check.outcome, check.key, check.dossier_code, check.detail)
    alarm = FixityAlarm(stored_object_id=target.object_id, key=target.key, kind=check.outcome, raised_at=now,
                        expected_sha256=target.sha256, actual_sha256=check.actual, detail=check.detail)
    session.add(alarm)
    if replica is None:
        return
    try:
        detail = _repair(store, replica, target)
    except (LuuTruError, OSError) as exc:
        log.error("fixity repair failed for %s: %s", check.key, exc)
        detail = f"from {public_url(replica.url)}: {exc}"
        _event(session, "repair", target, utcnow(), "failure", detail)
        _audit(session, target, check, "failure", detail)
        return
    check.repaired = True
    alarm.repaired_at = utcnow()
    obj.last_fixity_outcome = "repaired"
    _event(session, "repair", target, alarm.repaired_at, "success", detail)
    _audit(session, target, check, "success", detail)


def _audit(session, target: _Target, check: ObjectCheck, outcome: str, detail: str) -> None:
    """A repair changes what the archive holds: the trail keeps it, and a failed one."""
    audit.record("fixity", actor="system", agency=target.organ_id, object=target.key, outcome=outcome,
                 session=session, detail={"step": "repair", "dossier": target.dossier_code, "found": check.outcome,
                                          "expected_sha256": target.sha256, "detail": detail})


def run_fixity(selection: str = "due", budget: int | None = None, *, catalog_url: str | None = None,
               store: ObjectStore | None = None, replica: ObjectStore | None = None,
               workers: int | None = None) -> FixityReport:
    """Check ``selection`` ("all", "due" or a dossier code) within ``budget`` bytes
    (default Settings.fixity_daily_budget_bytes). The first object is always checked, so one
    object larger than the budget cannot block the queue forever."""
    from archive.settings import get_settings
    settings = get_settings()
    budget = settings.fixity_daily_budget_bytes if budget is None else budget
    store = store or open_store(settings.store_url)
    if replica is None and settings.replica_storage_url:
        replica = open_store(settings.replica_storage_url)
    workers = workers or settings.fixity_workers or os.cpu_count() or 1
    report = FixityReport()
    started = time.perf_counter()
    with session_scope(catalog_url) as session:
        targets = _within_budget(_targets(session, selection, utcnow(),
                                          settings.fixity_interval_days), budget, report)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fixity") as pool:
        checks = pool.map(lambda t: check_object(store, t), targets)
        with session_scope(catalog_url) as session:
            for n, (target, check) in enumerate(zip(targets, checks), 1):
                _record(session, target, check, replica, store)
                report.checked.append(check)
                report.bytes_checked += check.size
                if n % 200 == 0:
                    session.commit()
    report.seconds = time.perf_counter() - started
    return report
