"""Checkpoints of the audit trail: the sequence number and hash of its last entry at a moment,
written to the object store as a write-once object (S3 Object Lock in COMPLIANCE mode where
the store has it, a read-only file otherwise).

The database can be rolled back or its tail cut off by whoever controls it; a checkpoint
outside it cannot. ``verify`` compares the trail with every checkpoint: a checkpointed entry
missing is a truncated tail, a different hash at a checkpointed sequence is a rewrite.
Each checkpoint carries an HMAC under the audit key, so a forged one is named too.
Checkpoints are written daily (the ``luutru.audit-checkpoint`` beat task) and after every
destruction, transfer and amendment approval (``checkpoint_after``).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import select

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.models import AuditCheckpoint, AuditEntry
from archive.clock import utcnow
from archive.errors import AuditChainBroken, StoredOtherBytes

log = logging.getLogger(__name__)
PREFIX = "audit/checkpoints/"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    time: str           # ISO 8601 in the archive's time zone
    reason: str         # daily | destruction | transfer | amendment | …
    mac: str = ""

    @property
    def object_key(self) -> str:
        return f"{PREFIX}{self.seq:012d}.json"

    def signed(self, key: bytes) -> Checkpoint:
        return Checkpoint(self.seq, self.head_hash, self.time, self.reason, self._mac(key))

    def authentic(self, key: bytes) -> bool:
        return hmac.compare_digest(self._mac(key), self.mac)

    def _mac(self, key: bytes) -> str:
        body = json.dumps([self.seq, self.head_hash, self.time, self.reason], ensure_ascii=False)
        return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def _read(store, object_key: str) -> Checkpoint:
    with store.open(object_key) as stream:
        return Checkpoint(**json.loads(stream.read()))


def read_all(store) -> list[Checkpoint]:
    return sorted((_read(store, k) for k in store.list(PREFIX) if k.endswith(".json")), key=lambda c: c.seq)


def write_checkpoint(reason: str = "daily", *, store=None, catalog_url: str | None = None) -> Checkpoint | None:
    """Record the trail's last entry in the object store, write-once; None for an empty trail.
    Idempotent: a checkpoint of the same entry is kept as it is. A checkpoint at that sequence
    naming another hash means the trail was rewritten: AuditChainBroken."""
    from archive.settings import get_settings
    from archive.storage import Retention, open_store, store_verified
    settings = get_settings()
    store = store or open_store()
    key = audit.audit_key()
    previous_key = max((k for k in store.list(PREFIX) if k.endswith(".json")), default=None)
    previous = _read(store, previous_key) if previous_key else None
    with session_scope(catalog_url) as session:
        last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
                               ).first()
        if previous is not None and previous.authentic(key) and session.scalar(
                select(AuditEntry.hash).where(AuditEntry.seq == previous.seq)) != previous.head_hash:
            # Never certify a trail that lost or changed what the last checkpoint saw.
            raise AuditChainBroken(f"entry {previous.seq} is not the entry checkpointed at {previous.time}",
                                   seq=previous.seq)
    if last is None:
        return None
    checkpoint = Checkpoint(last.seq, last.hash, audit.now_iso(), reason).signed(key)
    data = json.dumps(asdict(checkpoint), ensure_ascii=False).encode("utf-8")
    until = (utcnow() + timedelta(days=365 * settings.audit_checkpoint_years)).replace(microsecond=0)
    try:
        store_verified(store, checkpoint.object_key, io.BytesIO(data), hashlib.sha256(data).hexdigest(),
                       Retention(until, "COMPLIANCE"))
    except StoredOtherBytes:    # an earlier checkpoint of this entry, written at another time
        existing = _read(store, checkpoint.object_key)
        if existing.head_hash != checkpoint.head_hash:
            raise AuditChainBroken(f"entry {last.seq} is not the entry checkpointed at {existing.time}",
                                   seq=last.seq) from None
        checkpoint = existing
    with session_scope(catalog_url) as session:
        if session.get(AuditCheckpoint, checkpoint.seq) is None:
            session.add(AuditCheckpoint(seq=checkpoint.seq, head_hash=checkpoint.head_hash, time=checkpoint.time,
                                        reason=checkpoint.reason, object_key=checkpoint.object_key))
    return checkpoint


def checkpoint_after(reason: str, store=None) -> None:
    """After a destruction, transfer or amendment approval: the change is done and audited
    whatever happens here; a checkpoint that cannot be written is logged and the daily run
    writes the next one."""
    try:
        write_checkpoint(reason, store=store)
    except Exception:   # noqa: BLE001 - never undo or hide the lifecycle change itself
        log.exception("could not write the audit checkpoint after a %s", reason)


def compare(store, hashes: dict[int, str], last_seq: int, key: bytes):
    """(the latest authentic checkpoint, findings) of the trail against the store's checkpoints."""
    findings: list[audit.Finding] = []
    latest = None
    for checkpoint in read_all(store):
        if not checkpoint.authentic(key):
            findings.append(audit.Finding("checkpoint", checkpoint.seq, f"checkpoint {checkpoint.object_key} is not "
                                          "signed with the audit key (forged)"))
        elif checkpoint.seq <= last_seq and hashes.get(checkpoint.seq) != checkpoint.head_hash:
            findings.append(audit.Finding("rewritten", checkpoint.seq, f"entry {checkpoint.seq} is not the entry "
                                          f"checkpointed at {checkpoint.time} (the trail was rewritten)"))
        else:
            latest = checkpoint
    if latest is not None and latest.seq > last_seq:
        findings.append(audit.Finding("truncated", last_seq + 1, f"entries {last_seq + 1}..{latest.seq} were "
                                      f"deleted: the checkpoint of {latest.time} records entry {latest.seq}",
                                      latest.seq))
    return latest, findings


def mark_verified(checkpoint: Checkpoint, catalog_url: str | None = None) -> None:
    """The trail held up to this checkpoint when it was last verified (shown on the dashboard)."""
    with session_scope(catalog_url) as session:
        row = session.get(AuditCheckpoint, checkpoint.seq)
        if row is None:
            row = AuditCheckpoint(seq=checkpoint.seq, head_hash=checkpoint.head_hash, time=checkpoint.time,
                                  reason=checkpoint.reason, object_key=checkpoint.object_key)
            session.add(row)
        row.verified_at = utcnow()


def last_verified(session) -> AuditCheckpoint | None:
    return session.execute(select(AuditCheckpoint).where(AuditCheckpoint.verified_at.is_not(None))
                           .order_by(AuditCheckpoint.seq.desc()).limit(1)).scalar_one_or_none()
