"""Attacks on the audit trail by someone who can write the database but not read the audit
key: each is named by ``verify`` with its sequence numbers, including those a plain hash
chain cannot see (a keyless rewrite, a cut-off tail)."""
from __future__ import annotations

import io
import json
import os
import stat
import subprocess

import pytest
from sqlalchemy import delete, insert, select, update

from archive import audit, audit_checkpoint
from archive.catalog import init_catalog, session_scope
from archive.catalog.models import AuditEntry, AuditHead
from archive.errors import AuditChainBroken, ObjectExists, ObjectLocked
from archive.storage import open_store
from tests.fixtures.archives import LUUTRU

DOSSIER = "000.00.00.H41.2021.01.VP"


@pytest.fixture
def trail(migrated_catalog_url) -> str:
    for action, obj in [("login", None), ("submit", DOSSIER), ("view", DOSSIER), ("download", DOSSIER + ".001"),
                        ("grant", "user:lan")]:
        audit.record(action, actor="lan", agency="000.00.00.H41", object=obj, catalog_url=migrated_catalog_url)
    return migrated_catalog_url


@pytest.fixture
def fs_store(tmp_path):
    return open_store(f"file://{tmp_path / 'store'}")


def _entries(url) -> list[AuditEntry]:
    with session_scope(url) as s:
        return s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()


def _kinds(report) -> list[tuple[str, int, int | None]]:
    return [(f.kind, f.seq, f.last_seq) for f in report.findings]


def _rehash_without_key(url, from_seq: int = 1) -> None:
    """What an attacker with the database but not the key does: recompute every hash."""
    with session_scope(url) as s:
        prev = audit.GENESIS if from_seq == 1 else s.get(AuditEntry, from_seq - 1).hash
        for entry in s.execute(select(AuditEntry).where(AuditEntry.seq >= from_seq).order_by(AuditEntry.seq)).scalars():
            entry.prev_hash = prev
            entry.hash = prev = audit.unkeyed_hash({k: getattr(entry, k) for k in audit.HASHED_FIELDS}, prev)
        head = s.get(AuditHead, 1)
        head.hash = prev


def test_full_rewrite_without_the_key_is_named(trail):
    with session_scope(trail) as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone else"))
    _rehash_without_key(trail)
    report = audit.verify(trail)
    assert _kinds(report) == [("rewritten", 1, 5)]
    assert "entries 1..5 were rewritten without the audit key" in report.reason


def test_rewrite_of_the_tail_without_the_key_is_named(trail):
    with session_scope(trail) as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(outcome="failure"))
    _rehash_without_key(trail, from_seq=4)
    assert _kinds(audit.verify(trail)) == [("rewritten", 4, 5)]


def test_entry_inserted_in_the_middle_is_named_and_the_renumbered_ones_too(trail):
    with session_scope(trail) as s:
        for seq in (5, 4, 3):   # make room at 3, from the top so the primary key never collides
            s.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(seq=seq + 1))
        second = s.get(AuditEntry, 2)
        fields = {"seq": 3, "time": second.time, "actor": "ghost", "agency": None, "action": "approve",
                  "object": DOSSIER, "outcome": "success", "detail": None}
        s.execute(insert(AuditEntry).values(**fields, prev_hash=second.hash,
                                            hash=audit.unkeyed_hash(fields, second.hash)))
        s.execute(update(AuditHead).values(seq=6))
    report = audit.verify(trail)
    assert _kinds(report) == [("inserted", 3, None), ("reordered", 4, 6)]


def test_entry_appended_without_the_key_is_named(trail):
    last = _entries(trail)[-1]
    fields = {"seq": 6, "time": last.time, "actor": "ghost", "agency": None, "action": "approve", "object": DOSSIER,
              "outcome": "success", "detail": None}
    forged = audit.unkeyed_hash(fields, last.hash)
    with session_scope(trail) as s:
        s.execute(insert(AuditEntry).values(**fields, prev_hash=last.hash, hash=forged))
        s.execute(update(AuditHead).values(seq=6, hash=forged))
    assert _kinds(audit.verify(trail)) == [("inserted", 6, None)]


def test_edited_entry_is_named_with_its_kind(trail):
    with session_scope(trail) as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(object="000.00.00.H41.2021.02.VP"))
    assert _kinds(audit.verify(trail)) == [("edited", 2, None)]


def test_truncated_tail_is_named_against_the_last_checkpoint(trail, fs_store):
    checkpoint = audit_checkpoint.write_checkpoint("daily", store=fs_store, catalog_url=trail)
    assert checkpoint.seq == 5
    third = _entries(trail)[2]
    with session_scope(trail) as s:     # cut the tail and set the head back: the chain itself holds
        s.execute(delete(AuditEntry).where(AuditEntry.seq > 3))
        s.execute(update(AuditHead).values(seq=3, hash=third.hash))
    assert audit.verify(trail).ok, "without the checkpoint the cut is invisible"
    report = audit.verify(trail, store=fs_store)
    assert _kinds(report) == [("truncated", 4, 5)]
    assert f"the checkpoint of {checkpoint.time} records entry 5" in report.reason


def test_a_trail_regrown_over_a_checkpoint_is_a_rewrite(trail, fs_store):
    audit_checkpoint.write_checkpoint("daily", store=fs_store, catalog_url=trail)
    third = _entries(trail)[2]
    with session_scope(trail) as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq > 3))
        s.execute(update(AuditHead).values(seq=3, hash=third.hash))
    for _ in range(3):
        audit.record("view", actor="lan", object=DOSSIER, catalog_url=trail)
    report = audit.verify(trail, store=fs_store)
    assert _kinds(report) == [("rewritten", 5, None)]
    with pytest.raises(AuditChainBroken):   # and the next checkpoint refuses to paper over it
        audit_checkpoint.write_checkpoint("daily", store=fs_store, catalog_url=trail)


def test_forged_checkpoint_is_named(trail, fs_store):
    last = _entries(trail)[-1]
    body = {"seq": 9, "head_hash": last.hash, "time": last.time, "reason": "daily", "mac": "0" * 64}
    fs_store.put_file("audit/checkpoints/000000000009.json", io.BytesIO(json.dumps(body).encode()))
    assert _kinds(audit.verify(trail, store=fs_store)) == [("checkpoint", 9, None)]


def test_verified_checkpoint_is_remembered_for_the_dashboard(trail, fs_store):
    audit_checkpoint.write_checkpoint("daily", store=fs_store, catalog_url=trail)
    report = audit.verify(trail, store=fs_store)
    assert report.ok and report.checkpoint.seq == 5
    with session_scope(trail) as s:
        row = audit_checkpoint.last_verified(s)
        assert row.seq == 5 and row.verified_at is not None


def test_checkpoint_is_write_once_in_the_store(store, catalog):
    audit.record("login", actor="lan", catalog_url=catalog)
    checkpoint = audit_checkpoint.write_checkpoint("daily", store=store, catalog_url=catalog)
    again = audit_checkpoint.write_checkpoint("daily", store=store, catalog_url=catalog)
    assert again == checkpoint, "a second checkpoint of the same entry keeps the first"
    with pytest.raises(ObjectExists):
        store.put_file(checkpoint.object_key, io.BytesIO(b"{}"))
    if store.supports_object_lock:
        assert store.retention(checkpoint.object_key).mode == "COMPLIANCE"
        with pytest.raises(ObjectLocked):
            store.delete(checkpoint.object_key, bypass_governance=True)
    else:
        assert not os.stat(store.physical_path(checkpoint.object_key)).st_mode & stat.S_IWUSR


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_key_file_is_created_owner_only_and_never_in_the_catalog(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LUUTRU_AUDIT_KEY"}
    env["LUUTRU_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([LUUTRU, "audit", "verify"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    audit.record("login", actor="lan", catalog_url=url)     # with the tests' key: the CLI's differs
    done = subprocess.run([LUUTRU, "audit", "checkpoint"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    key_file = tmp_path / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64
    catalog_bytes = b"".join(p.read_bytes() for p in tmp_path.glob("catalog.db*"))
    assert key.encode() not in catalog_bytes
    broken = subprocess.run([LUUTRU, "audit", "verify"], env=env, capture_output=True, text=True)
    assert broken.returncode == 5 and "[inserted] mục 1" in broken.stderr, broken.stderr


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_verify_command_reports_a_truncation_with_sequence_numbers(tmp_path):
    env = {**os.environ, "LUUTRU_DATA_DIR": str(tmp_path)}
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    init_catalog(url)
    for _ in range(4):
        audit.record("view", actor="lan", object=DOSSIER, catalog_url=url)
    assert subprocess.run([LUUTRU, "audit", "checkpoint"], env=env, capture_output=True).returncode == 0
    ok = subprocess.run([LUUTRU, "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "khớp điểm kiểm tra mục 4" in ok.stdout
    second = _entries(url)[1]
    with session_scope(url) as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq > 2))
        s.execute(update(AuditHead).values(seq=2, hash=second.hash))
    cut = subprocess.run([LUUTRU, "audit", "verify"], env=env, capture_output=True, text=True)
    assert cut.returncode == 5 and "audit_chain_broken" in cut.stderr
    assert "[truncated] mục 3..4" in cut.stderr


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_show_filters_by_dossier_actor_action_and_dates_for_whom_may_read_them(tmp_path, monkeypatch):
    from archive.access import Principal
    from tests.archive.lifecycle.conftest import token_for
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    init_catalog(url)
    env = {**os.environ, "LUUTRU_DATA_DIR": str(tmp_path)}
    tokens = {who.role: token_for(who) for who in (Principal("mai.snv", "auditor"),
                                                   Principal("an.vt", "archivist", "000.00.00.H42"),
                                                   Principal("doc.gia", "researcher"))}
    audit.record("submit", actor="lan", object=DOSSIER, catalog_url=url)
    audit.record("download", actor="minh", object=DOSSIER + ".001", catalog_url=url)
    audit.record("view", actor="lan", object="000.00.00.H41.2021.02.VP", catalog_url=url)
    today = _entries(url)[-1].time[:10]

    def show(*args, role: str = "auditor") -> list[list[str]]:
        done = subprocess.run([LUUTRU, "audit", "show", *args], env=env | {"LUUTRU_TOKEN": tokens[role]},
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return [line.split("\t") for line in done.stdout.splitlines()]

    assert [(r[2], r[3]) for r in show("--dossier", DOSSIER)] == [("lan", "submit"), ("minh", "download")]
    assert [r[4] for r in show("--actor", "lan")] == [DOSSIER, "000.00.00.H41.2021.02.VP"]
    assert [r[3] for r in show("--action", "download")] == ["download"]
    assert len(show("--actor", "lan", "--from", today, "--to", today)) == 2
    assert show("--to", "2000-01-01") == []
    assert show("--dossier", DOSSIER, role="archivist") == []          # another agency's records: none
    for env_of in ({"LUUTRU_TOKEN": tokens["researcher"]}, {"LUUTRU_TOKEN": ""}):
        refused = subprocess.run([LUUTRU, "audit", "show"], env=env | env_of, capture_output=True, text=True)
        assert refused.returncode == 1 and DOSSIER not in refused.stdout, refused.stderr


def _catalog_at_0004_with_a_legacy_trail(url, tamper: bool = False) -> None:
    """A catalog as the previous release left it: its trail chained with plain SHA-256."""
    from alembic import command
    from alembic.config import Config

    from archive.catalog.db import MIGRATIONS, get_engine
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    prev = audit.GENESIS
    with session_scope(url) as s:
        for seq, actor in enumerate(["lan", "minh", "hoa"], start=1):
            fields = {"seq": seq, "time": f"2026-11-2{seq}T09:00:00.000000+07:00", "actor": actor, "agency": None,
                      "action": "login", "object": None, "outcome": "success", "detail": {"ip": "10.0.0.1"}}
            digest = audit.unkeyed_hash(fields, prev)
            s.execute(insert(AuditEntry).values(**fields, prev_hash=prev, hash=digest))
            prev = digest
        s.execute(update(AuditHead).values(seq=3, hash=prev))
        if tamper:
            s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="someone else"))


@pytest.mark.parametrize("tamper, legacy", [(False, "intact"), (True, "broken at entry 2")])
def test_migration_rekeys_an_old_trail_and_states_what_it_found(catalog_url, tamper, legacy):
    _catalog_at_0004_with_a_legacy_trail(catalog_url, tamper)
    init_catalog(catalog_url)
    report = audit.verify(catalog_url)
    assert report.ok and report.entries == 4
    rekey = _entries(catalog_url)[-1]
    assert (rekey.action, rekey.actor) == ("audit_rekey", "luutru-migration")
    assert rekey.detail["rekeyed_entries"] == 3 and rekey.detail["legacy_chain"] == legacy
    _rehash_without_key(catalog_url)    # the old keyless rule no longer passes
    assert _kinds(audit.verify(catalog_url)) == [("rewritten", 1, 4)]
