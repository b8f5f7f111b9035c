"""The audit trail is append-only in effect: any edit, deletion or reordering is detected."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, update

from archive import audit
from archive.catalog import init_catalog, session_scope
from archive.catalog.models import AuditEntry


@pytest.fixture
def trail(migrated_catalog_url) -> str:
    """A catalog whose audit trail has five entries."""
    for action, obj in [("login", None), ("submit", "000.00.00.H41.2021.01.VP"), ("view", "000.00.00.H41.2021.01.VP"),
                        ("download", "000.00.00.H41.2021.01.VP.001"), ("grant", "user:lan")]:
        audit.record(action, actor="lan", agency="000.00.00.H41", object=obj, detail={"ip": "127.0.0.1"},
                     catalog_url=migrated_catalog_url)
    return migrated_catalog_url


def run_sql(url, statement):
    with session_scope(url) as s:
        s.execute(statement)


def test_untouched_trail_verifies(trail):
    report = audit.verify(trail)
    assert report.ok and report.entries == 5


def test_entries_carry_time_in_vietnam_and_the_previous_entry_hash(trail):
    with session_scope(trail) as s:
        entries = s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert all(e.time.endswith("+07:00") for e in entries)
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_edited_entry_is_named(trail):
    run_sql(trail, update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone else"))
    report = audit.verify(trail)
    assert report.broken_seq == 3 and "edited" in report.reason


def test_edit_with_recomputed_hash_is_caught_at_the_next_entry(trail):
    with session_scope(trail) as s:
        entry = s.get(AuditEntry, 2)
        entry.outcome = "failure"
        entry.hash = audit.entry_hash({k: getattr(entry, k) for k in audit.HASHED_FIELDS}, entry.prev_hash)
    report = audit.verify(trail)
    assert report.broken_seq == 3


def test_deleted_entry_is_named(trail):
    run_sql(trail, delete(AuditEntry).where(AuditEntry.seq == 2))
    report = audit.verify(trail)
    [finding] = report.findings
    assert (finding.kind, finding.seq, finding.last_seq) == ("deleted", 2, 2)
    assert "entries 2..2 before entry 3 were deleted" in report.reason


def test_deleted_last_entry_is_detected(trail):
    run_sql(trail, delete(AuditEntry).where(AuditEntry.seq == 5))
    report = audit.verify(trail)
    assert report.broken_seq == 5 and "deleted" in report.reason


def test_reordered_entries_are_named(trail):
    run_sql(trail, update(AuditEntry).where(AuditEntry.seq == 2).values(seq=-2))
    run_sql(trail, update(AuditEntry).where(AuditEntry.seq == 3).values(seq=2))
    run_sql(trail, update(AuditEntry).where(AuditEntry.seq == -2).values(seq=3))
    report = audit.verify(trail)
    assert report.broken_seq == 2 and "does not follow" in report.reason


def test_concurrent_appends_keep_one_unbroken_chain(trail):
    errors = []

    def append_many(worker):
        try:
            for i in range(10):
                audit.record("view", actor=f"user{worker}", object=f"dossier {i}", catalog_url=trail)
        except Exception as exc:  # reported below: the assertion must see it
            errors.append(exc)

    threads = [threading.Thread(target=append_many, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify(trail)
    assert report.ok and report.entries == 45


def test_unknown_action_is_refused(trail):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("rename", actor="lan", catalog_url=trail)


def test_verify_command_names_the_broken_entry(tmp_path, luutru_main):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    init_catalog(url)
    audit.record("login", actor="lan", catalog_url=url)
    audit.record("submit", actor="lan", object="000.00.00.H41.2021.01.VP", catalog_url=url)
    run_sql(url, update(AuditEntry).where(AuditEntry.seq == 1).values(actor="x"))
    broken = luutru_main("audit", "verify", env={"LUUTRU_DATA_DIR": str(tmp_path)})
    assert broken.returncode == 5 and "audit_chain_broken" in broken.stderr and "entry 1" in broken.stderr


def test_a_refused_command_is_in_the_trail_with_who_and_what(tmp_path, monkeypatch, luutru_main):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    init_catalog(url)
    from api import accounts
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path))      # the account in the same catalog
    lan = accounts.create_user("lan", "researcher", None, None, actor="test")
    refused = luutru_main("destruction", "draft", "000.00.00.H41.2021.01.VP=hết hạn",
                          env={"LUUTRU_TOKEN": accounts.issue_token(lan.id, "cli", actor="test")})  # her own token
    assert refused.returncode == 1 and "forbidden" in refused.stderr
    with session_scope(url) as session:
        [entry] = session.execute(select(AuditEntry).where(AuditEntry.action == "refused")).scalars().all()
        assert (entry.action, entry.actor, entry.outcome, entry.object) == (
            "refused", "lan", "refused", "luutru destruction draft")
        assert entry.detail["code"] == "forbidden" and entry.detail["via"] == "cli"
    assert audit.verify(url).ok
