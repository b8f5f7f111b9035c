"""Fixity finds damaged and missing objects, raises alarms, and repairs from a replica; a
repaired copy counts only once it reads back with its checksum."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from archive.catalog import session_scope
from archive.catalog.models import FixityAlarm, PreservationEvent, StoredObjectRecord
from archive.lifecycle.fixity import run_fixity
from tests.archive.conftest import archive_dossier, damage


def events(catalog, event_type):
    with session_scope(catalog) as s:
        return s.execute(select(PreservationEvent).where(PreservationEvent.event_type == event_type)
                         .order_by(PreservationEvent.id)).scalars().all()


def alarms(catalog):
    with session_scope(catalog) as s:
        return s.execute(select(FixityAlarm).order_by(FixityAlarm.id)).scalars().all()


def test_intact_objects_pass_and_each_check_is_a_preservation_event(catalog, store):
    archived = archive_dossier(catalog, store)
    report = run_fixity("all", catalog_url=catalog, store=store)
    assert report.ok and len(report.checked) == 2
    assert report.bytes_checked == sum(len(d) for d in archived.contents.values())
    assert [e.outcome for e in events(catalog, "fixity check")] == ["success", "success"]
    with session_scope(catalog) as s:
        assert all(o.last_fixity_check and o.last_fixity_outcome == "ok"
                   for o in s.execute(select(StoredObjectRecord)).scalars())


@pytest.mark.parametrize("silent", [False, True], ids=["seen-by-the-store", "silent"])
def test_flipped_byte_in_a_stored_object_raises_an_alarm(catalog, store, silent):
    archived = archive_dossier(catalog, store)
    key, data = next(iter(archived.contents.items()))
    damage(store, key, data, silent=silent)
    report = run_fixity("all", catalog_url=catalog, store=store)
    assert [c.key for c in report.alarms] == [key]
    # the filesystem returns the changed bytes; SeaweedFS's own CRC refuses to serve them,
    # unless the damage reached that CRC too: then only our SHA-256 tells
    if silent:
        assert report.alarms[0].outcome == "mismatch"
    else:
        assert report.alarms[0].outcome in ("mismatch", "unreadable")
    [alarm] = alarms(catalog)
    assert alarm.key == key and alarm.kind == report.alarms[0].outcome and alarm.repaired_at is None
    assert sorted(e.outcome for e in events(catalog, "fixity check")) == ["failure", "success"]


def test_missing_object_raises_an_alarm(catalog, store):
    archived = archive_dossier(catalog, store)
    key = list(archived.contents)[1]
    store.delete(key)
    report = run_fixity(archived.code, catalog_url=catalog, store=store)
    assert [(c.key, c.outcome) for c in report.alarms] == [(key, "missing")]
    assert alarms(catalog)[0].kind == "missing"


def test_damaged_and_missing_objects_are_repaired_from_the_replica(catalog, store, replica):
    archived = archive_dossier(catalog, store)
    for key, data in archived.contents.items():
        replica.put_file(key, io.BytesIO(data))
    (bad_key, bad_data), (lost_key, _) = archived.contents.items()
    damage(store, bad_key, bad_data, silent=True)   # the repair is tested here, not SeaweedFS's 13 s of retries
    store.delete(lost_key)
    report = run_fixity("all", catalog_url=catalog, store=store, replica=replica)
    assert len(report.alarms) == 2 and not report.unrepaired
    for key, data in archived.contents.items():
        with store.open(key) as stream:
            assert stream.read() == data
        if store.supports_object_lock:  # the repaired copy is locked like any permanent dossier's
            assert store.retention(key).mode == "GOVERNANCE"
    assert [e.outcome for e in events(catalog, "repair")] == ["success", "success"]
    assert all(a.repaired_at for a in alarms(catalog))
    assert run_fixity("all", catalog_url=catalog, store=store).ok


def test_a_repair_that_does_not_read_back_leaves_the_object_damaged_and_is_audited(catalog, store, replica,
                                                                                   monkeypatch):
    from archive import audit
    from archive.catalog.models import AuditEntry
    archived = archive_dossier(catalog, store)
    key, data = next(iter(archived.contents.items()))
    replica.put_file(key, io.BytesIO(data))
    damage(store, key, data, silent=True)   # the repair is tested here, not SeaweedFS's 13 s of retries
    real_repair = type(store).repair

    def repair_then_rot(self, key_, source, sha256, retention=None):
        written = real_repair(self, key_, source, sha256, retention)
        damage(self, key_, data, silent=True)   # the new copy is written, then the medium flips one of its bytes
        return written
    monkeypatch.setattr(type(store), "repair", repair_then_rot)
    report = run_fixity("all", catalog_url=catalog, store=store, replica=replica)
    assert [(c.key, c.repaired) for c in report.alarms] == [(key, False)] and report.unrepaired
    [alarm] = alarms(catalog)
    assert alarm.repaired_at is None
    [failed] = events(catalog, "repair")
    assert failed.outcome == "failure" and ("sha256" in failed.detail or "unreadable" in failed.detail.lower()
                                            or "store_" in failed.detail), failed.detail
    with session_scope(catalog) as s:
        assert s.scalar(select(StoredObjectRecord.last_fixity_outcome).where(StoredObjectRecord.key == key)) \
            == "mismatch"
        trail = [(e.object, e.outcome, e.detail["step"]) for e in
                 s.scalars(select(AuditEntry).where(AuditEntry.action == "fixity").order_by(AuditEntry.seq))]
    assert trail == [(key, "failure", "repair")]

    monkeypatch.undo()                      # the medium holds now: the next run repairs, reads back, verifies
    again = run_fixity("all", catalog_url=catalog, store=store, replica=replica)
    assert [(c.key, c.repaired) for c in again.alarms] == [(key, True)]
    with store.open(key) as stream:
        assert stream.read() == data
    with session_scope(catalog) as s:
        outcomes = [e.outcome for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "fixity")
                                                  .order_by(AuditEntry.seq))]
    assert outcomes == ["failure", "success"] and "read back" in events(catalog, "repair")[-1].detail
    assert audit.verify(catalog).ok


def test_replica_with_wrong_bytes_is_not_used_for_repair(catalog, store, replica):
    archived = archive_dossier(catalog, store)
    key = list(archived.contents)[0]
    replica.put_file(key, io.BytesIO(b"not the archived bytes"))
    store.delete(key)
    report = run_fixity("all", catalog_url=catalog, store=store, replica=replica)
    assert [c.key for c in report.unrepaired] == [key]
    assert not store.exists(key)
    assert [e.outcome for e in events(catalog, "repair")] == ["failure"]


def test_budget_checks_the_least_recently_checked_objects_first(catalog, tmp_path):
    from archive.storage import open_store
    store = open_store(f"file://{tmp_path / 'store'}")
    first = archive_dossier(catalog, store, "01.VP", sizes=(1000, 1000))
    second = archive_dossier(catalog, store, "02.VP", sizes=(1000, 1000))
    run_fixity(first.code, catalog_url=catalog, store=store)  # the first dossier is now the most recent
    report = run_fixity("all", 2000, catalog_url=catalog, store=store)
    assert sorted(c.key for c in report.checked) == sorted(second.contents)
    assert report.left_for_later == 2
    report = run_fixity("all", 2000, catalog_url=catalog, store=store)
    assert sorted(c.key for c in report.checked) == sorted(first.contents)


def test_due_selection_skips_objects_checked_recently(catalog, tmp_path):
    from archive.storage import open_store
    store = open_store(f"file://{tmp_path / 'store'}")
    archive_dossier(catalog, store)
    assert len(run_fixity("due", catalog_url=catalog, store=store).checked) == 2
    assert run_fixity("due", catalog_url=catalog, store=store).checked == []


def test_fixity_command_exits_non_zero_on_an_alarm(tmp_path, luutru_main):
    from archive.catalog import init_catalog
    from archive.storage import open_store
    catalog = f"sqlite:///{tmp_path / 'catalog.db'}"
    init_catalog(catalog)
    store = open_store(f"file://{tmp_path / 'store'}")
    archived = archive_dossier(catalog, store)
    store.delete(list(archived.contents)[0])
    failed = luutru_main("fixity", "--all", env={"LUUTRU_DATA_DIR": str(tmp_path)})
    assert failed.returncode == 5
    assert "fixity_failed" in failed.stderr and "bị mất" in failed.stderr
    assert "Đã kiểm tra 2 đối tượng" in failed.stdout


def test_fixity_alarm_and_repair_are_recorded_on_either_catalog_database(catalog_url, tmp_path):
    from archive.catalog import init_catalog
    from archive.storage import open_store
    init_catalog(catalog_url)
    store, replica = open_store(f"file://{tmp_path / 'store'}"), open_store(f"file://{tmp_path / 'replica'}")
    archived = archive_dossier(catalog_url, store)
    key, data = next(iter(archived.contents.items()))
    replica.put_file(key, io.BytesIO(data))
    damage(store, key, data)
    report = run_fixity("due", catalog_url=catalog_url, store=store, replica=replica)
    assert [(c.key, c.outcome, c.repaired) for c in report.alarms] == [(key, "mismatch", True)]
    assert [a.kind for a in alarms(catalog_url)] == ["mismatch"]
    assert len(events(catalog_url, "fixity check")) == 2 and len(events(catalog_url, "repair")) == 1
