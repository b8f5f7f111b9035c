"""The append-only audit trail (nhật ký): who did what to which record, when, with what outcome.

Each entry stores the hash of the entry before it and its own hash: an HMAC-SHA256, keyed by
a secret kept outside the database (``LUUTRU_AUDIT_KEY`` or the key file under the data
folder), over a canonical JSON of its fields and that previous hash. Whoever can write the
database but not read the key cannot edit, delete, reorder, insert or re-hash entries without
``verify`` naming them; truncating the tail is caught against the write-once checkpoints in
the object store (archive/audit_checkpoint.py). Appends are serialised by locking the single
``audit_head`` row (a row lock on PostgreSQL, the write lock on SQLite).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from archive import clock
from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, AuditHead
from archive.errors import Forbidden, LuuTruError

log = logging.getLogger(__name__)

GENESIS = "0" * 64
ACTIONS = ("submit", "view", "download", "metadata_change", "transfer", "destroy", "grant", "revoke", "login",
           "logout", "approve", "reject", "legal_hold", "fixity", "destruction_draft", "destruction_review",
           "retention_trigger", "notify", "refused", "audit_rekey", "access_request", "preservation_version")
HASHED_FIELDS = ("seq", "time", "actor", "agency", "action", "object", "outcome", "detail")

_keys: dict[str, bytes] = {}
_keys_lock = threading.Lock()


def key_path(settings=None) -> Path:
    from archive.settings import get_settings
    settings = settings or get_settings()
    return settings.audit_key_file or settings.data_dir / "audit.key"


def audit_key(settings=None) -> bytes:
    """The chain's HMAC key: ``LUUTRU_AUDIT_KEY``, else the key file, created (owner-only,
    0600) with a random 256-bit key the first time the archive needs it."""
    from archive.settings import get_settings
    settings = settings or get_settings()
    if settings.audit_key:
        return settings.audit_key.encode("utf-8")
    path = key_path(settings)
    with _keys_lock:
        cached = _keys.get(str(path))
        if cached is not None:
            return cached
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(32) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
            except FileExistsError:     # another process created it first: use theirs
                pass
        key = path.read_text().strip().encode("utf-8")
        if not key:
            raise LuuTruError(f"the audit key file {path} is empty")
        _keys[str(path)] = key
        return key


def _canonical(fields: dict[str, Any], prev_hash: str) -> bytes:
    return json.dumps({**{k: fields[k] for k in HASHED_FIELDS}, "prev_hash": prev_hash},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(fields: dict[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the entry's fields and the previous entry's hash."""
    return hmac.new(key or audit_key(), _canonical(fields, prev_hash), hashlib.sha256).hexdigest()


def unkeyed_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The plain SHA-256 the trail used before it was keyed (migration 0005 checks old trails with it)."""
    return hashlib.sha256(_canonical(fields, prev_hash)).hexdigest()


def now_iso() -> str:
    return clock.now().isoformat(timespec="microseconds")


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
    fields = {"time": now_iso(), "actor": actor, "agency": agency, "action": action, "object": object,
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


# --- Reading the trail -------------------------------------------------------------------

@dataclass(frozen=True)
class TrailFilter:
    """What ``luutru audit show`` and GET /api/v1/audit select: all given conditions hold."""
    dossier: str | None = None      # the dossier and its documents and files (codes below it)
    actor: str | None = None
    action: str | None = None
    date_from: date | None = None   # inclusive, in the archive's time zone
    date_to: date | None = None     # inclusive


def _conditions(where: TrailFilter, principal) -> list:
    conditions = []
    if principal is not None and not principal.sees_all_metadata:
        if principal.own_agency is None:
            raise Forbidden(f"role {principal.role} may not read the audit trail", actor=principal.user,
                            message_vi="Vai trò của bạn không được xem nhật ký kiểm tra.")
        # Dossier codes begin with the owning agency's OrganId (Appendix VI), so do their
        # documents' and files' codes: staff read only their agency's records' entries.
        conditions.append(AuditEntry.object.startswith(principal.own_agency + ".", autoescape=True))
    if where.dossier:
        conditions.append(or_(AuditEntry.object == where.dossier,
                              AuditEntry.object.startswith(where.dossier + ".", autoescape=True),
                              AuditEntry.object.startswith(where.dossier + "/", autoescape=True)))
    if where.actor:
        conditions.append(AuditEntry.actor == where.actor)
    if where.action:
        conditions.append(AuditEntry.action == where.action)
    # Times are ISO 8601 strings in the one time zone, so they sort as text.
    if where.date_from:
        conditions.append(AuditEntry.time >= where.date_from.isoformat())
    if where.date_to:
        conditions.append(AuditEntry.time < (where.date_to + timedelta(days=1)).isoformat())
    return conditions


def count_entries(session: Session, where: TrailFilter, principal=None) -> int:
    return session.execute(select(func.count()).select_from(AuditEntry)
                           .where(*_conditions(where, principal))).scalar_one()


def entries(session: Session, where: TrailFilter, principal=None, *, offset: int = 0,
            limit: int | None = None) -> Iterator[AuditEntry]:
    """Entries in trail order that ``principal`` may read (None: an operator on the server,
    who reads everything); Forbidden for a role that reads no trail."""
    query = select(AuditEntry).where(*_conditions(where, principal)).order_by(AuditEntry.seq).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query.execution_options(yield_per=1000)).scalars()


# --- Verifying the chain ---------------------------------------------------------------

FINDING_KINDS = ("edited", "deleted", "reordered", "inserted", "truncated", "rewritten", "checkpoint")


@dataclass(frozen=True)
class Finding:
    kind: str           # one of FINDING_KINDS
    seq: int            # the first entry concerned
    reason: str
    last_seq: int | None = None     # the last one, for a range


@dataclass
class ChainReport:
    entries: int
    findings: list[Finding] = field(default_factory=list)
    checkpoint: Any = None          # the latest checkpoint compared with (audit_checkpoint.Checkpoint)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def broken_seq(self) -> int | None:
        return self.findings[0].seq if self.findings else None

    @property
    def reason(self) -> str | None:
        return "; ".join(f.reason for f in self.findings) if self.findings else None


@dataclass
class _Row:
    seq: int
    prev_hash: str
    hash: str
    authentic: bool             # its HMAC holds at its own position
    moved_from: int | None      # authentic only at this other position (reordered or renumbered)


def _rows(session: Session, key: bytes) -> list[_Row]:
    rows = []
    result = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000))
    for entry in result.scalars():
        fields = {k: getattr(entry, k) for k in HASHED_FIELDS}
        authentic = hmac.compare_digest(entry_hash(fields, entry.prev_hash, key), entry.hash)
        moved_from = None
        if not authentic:
            for other in (entry.seq - 1, entry.seq + 1):
                if hmac.compare_digest(entry_hash({**fields, "seq": other}, entry.prev_hash, key), entry.hash):
                    moved_from = other
        rows.append(_Row(entry.seq, entry.prev_hash, entry.hash, authentic, moved_from))
        session.expunge(entry)
    return rows


def _chain_findings(rows: list[_Row], head: AuditHead | None) -> list[Finding]:
    found: list[Finding] = []
    by_hash = {r.hash: r.seq for r in rows}
    forged = [not r.authentic and r.moved_from is None for r in rows]
    for i, row in enumerate(rows):
        prev = rows[i - 1] if i else None
        expected_seq, expected_link = (prev.seq + 1, prev.hash) if prev else (1, GENESIS)
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if row.seq != expected_seq:
            found.append(Finding("deleted", expected_seq, f"entries {expected_seq}..{row.seq - 1} before entry "
                                 f"{row.seq} were deleted", row.seq - 1))
        elif row.moved_from is not None:
            found.append(Finding("reordered", row.seq, f"entry {row.seq} does not follow entry {row.seq - 1}: it is "
                                 f"entry {row.moved_from} moved (reordered or renumbered)"))
        elif forged[i]:
            in_run = (prev is not None and forged[i - 1] and row.prev_hash == prev.hash) or \
                     (nxt is not None and forged[i + 1] and nxt.prev_hash == row.hash)
            if in_run:
                found.append(Finding("rewritten", row.seq, f"entry {row.seq} was rewritten without the audit key "
                                     "(its hash was recomputed)"))
            elif nxt is not None and nxt.prev_hash == row.hash and row.prev_hash == expected_link:
                found.append(Finding("edited", row.seq, f"entry {row.seq} was edited (its content does not "
                                     "match its hash)"))
            else:
                found.append(Finding("inserted", row.seq, f"entry {row.seq} was inserted or added without the "
                                     "audit key (the chain does not account for it)"))
        elif row.prev_hash != expected_link and prev is not None and prev.authentic:
            if row.prev_hash in by_hash:
                found.append(Finding("reordered", row.seq, f"entry {row.seq} does not follow entry {prev.seq} "
                                     f"(it follows entry {by_hash[row.prev_hash]})"))
            else:
                found.append(Finding("edited", row.seq, f"entry {row.seq} does not follow entry {prev.seq}: "
                                     f"entry {prev.seq} was replaced"))
    last_seq, last_hash = (rows[-1].seq, rows[-1].hash) if rows else (0, GENESIS)
    if head is not None and head.seq > last_seq:
        found.append(Finding("truncated", last_seq + 1, f"entries after entry {last_seq} were deleted "
                             f"(the trail's head is entry {head.seq})", head.seq))
    elif head is not None and (head.seq, head.hash) != (last_seq, last_hash) and not found:
        found.append(Finding("edited", head.seq, f"the trail's head does not name entry {last_seq}"))
    return _merge_ranges(found)


def _merge_ranges(found: list[Finding]) -> list[Finding]:
    """Consecutive findings of one kind (a rewrite, a renumbered tail) read as one range."""
    merged: list[Finding] = []
    for f in found:
        last = merged[-1] if merged else None
        if last is not None and last.kind == f.kind and f.kind in ("rewritten", "reordered") \
                and (last.last_seq or last.seq) + 1 == f.seq:
            what = "were rewritten without the audit key (hashes recomputed)" if f.kind == "rewritten" else \
                "are out of place (each does not follow its predecessor: reordered or renumbered)"
            merged[-1] = Finding(f.kind, last.seq, f"entries {last.seq}..{f.seq} {what}", f.seq)
        else:
            merged.append(f)
    return merged


def verify(catalog_url: str | None = None, store=None) -> ChainReport:
    """Check every entry's keyed hash and link, the head, and, with ``store``, each write-once
    checkpoint there: every broken place is reported with its sequence numbers."""
    key = audit_key()
    with session_scope(catalog_url) as session:
        rows = _rows(session, key)
        head = session.get(AuditHead, 1)
        report = ChainReport(len(rows), _chain_findings(rows, head))
    if store is not None:
        from archive import audit_checkpoint
        report.checkpoint, problems = audit_checkpoint.compare(store, {r.seq: r.hash for r in rows},
                                                               rows[-1].seq if rows else 0, key)
        report.findings.extend(problems)
        if report.ok and report.checkpoint is not None:
            audit_checkpoint.mark_verified(report.checkpoint, catalog_url)
    return report
