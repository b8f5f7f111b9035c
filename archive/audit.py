"""The append-only audit trail (nhật ký): who did what to which record, when, with what outcome.

Each entry stores the hash of the entry before it and its own hash, SHA-256 over a
canonical JSON of its fields and that previous hash, so editing, deleting or reordering
any entry breaks the chain at a point ``verify`` names. Appends are serialised by locking
the single ``audit_head`` row (a row lock on PostgreSQL, the write lock on SQLite).
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, AuditHead
from archive.errors import LuuTruError

log = logging.getLogger(__name__)

GENESIS = "0" * 64
ACTIONS = ("submit", "view", "download", "metadata_change", "transfer", "destroy", "grant", "revoke", "login",
           "logout", "approve", "reject", "legal_hold", "fixity", "destruction_draft", "destruction_review",
           "retention_trigger", "notify", "refused")
HASHED_FIELDS = ("seq", "time", "actor", "agency", "action", "object", "outcome", "detail")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    canonical = json.dumps({**{k: fields[k] for k in HASHED_FIELDS}, "prev_hash": prev_hash},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now_iso() -> str:
    from archive.settings import get_settings
    return datetime.now(ZoneInfo(get_settings().timezone)).isoformat(timespec="microseconds")


def _append(session: Session, fields: dict[str, Any]) -> AuditEntry:
    # Writing the head row first takes the lock before anything is read, so two appenders
    # can never both chain onto the same previous entry.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    fields = {**fields, "seq": head.seq + 1}
    digest = entry_hash(fields, head.hash)
    entry = AuditEntry(**fields, prev_hash=head.hash, hash=digest)
    session.add(entry)
    head.seq, head.hash = entry.seq, digest
    session.flush()
    return entry


def record(action: str, *, actor: str, object: str | None = None, outcome: str = "success",
           agency: str | None = None, detail: dict[str, Any] | None = None, session: Session | None = None,
           catalog_url: str | None = None) -> AuditEntry:
    """Append one entry. With ``session`` it commits with the caller's transaction (start that
    transaction with this call on SQLite); otherwise it commits on its own."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; known: {', '.join(ACTIONS)}")
    fields = {"time": _now_iso(), "actor": actor, "agency": agency, "action": action, "object": object,
              "outcome": outcome, "detail": json.loads(json.dumps(detail, ensure_ascii=False, default=str))
              if detail is not None else None}
    if session is not None:
        return _append(session, fields)
    with session_scope(catalog_url) as own:
        return _append(own, fields)


def record_refusal(exc: LuuTruError, *, actor: str | None, via: str, attempted: str) -> None:
    """A refused attempt (archive.errors.Forbidden) is an event too: auditors see who tried
    what they may not do. Called by the interfaces once the refused work has rolled back;
    a trail that cannot be written is logged, never put in place of the refusal itself.
    ``actor`` defaults to the one the refusal names."""
    try:
        record("refused", actor=actor or exc.context.get("actor") or "anonymous", outcome="refused",
               agency=exc.context.get("agency"), object=attempted,
               detail={"code": exc.code, "reason": exc.detail, "via": via})
    except Exception:   # noqa: BLE001 - the caller reports the refusal whatever happens here
        log.exception("could not write the refusal of %s to the audit trail", attempted)


@dataclass
class ChainReport:
    entries: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(catalog_url: str | None = None) -> ChainReport:
    """Walk the trail in order; report the first entry whose hash or link does not hold."""
    with session_scope(catalog_url) as session:
        prev_hash, prev_seq, count = GENESIS, 0, 0
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000))
        for entry in rows.scalars():
            count += 1
            fields = {k: getattr(entry, k) for k in HASHED_FIELDS}
            if entry.seq != prev_seq + 1:
                return ChainReport(count, entry.seq, f"entries {prev_seq + 1}..{entry.seq - 1} before entry "
                                                     f"{entry.seq} were deleted")
            if entry.prev_hash != prev_hash:
                return ChainReport(count, entry.seq, f"entry {entry.seq} does not follow entry {prev_seq} "
                                                     "(an entry was replaced, deleted or moved)")
            if entry_hash(fields, entry.prev_hash) != entry.hash:
                return ChainReport(count, entry.seq, f"entry {entry.seq} was edited (its content does not "
                                                     "match its hash)")
            prev_hash, prev_seq = entry.hash, entry.seq
        head = session.get(AuditHead, 1)
        if head is not None and (head.seq, head.hash) != (prev_seq, prev_hash):
            return ChainReport(count, prev_seq + 1, f"entries after entry {prev_seq} were deleted "
                                                    f"(the trail's head is entry {head.seq})")
        return ChainReport(count)
