"""What the catalog keeps of a destroyed dossier, on SQLite and on PostgreSQL: its tombstone
(code, title, status destroyed) and the records of what was done to it (who amended, requested,
held, reviewed it and when), never a copy of its former metadata: an applied amendment's
before/after values are erased with the dossier, counted on the certificate and checked gone.
The audit trail is append-only and stays as it was."""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree
from sqlalchemy import select

import archive.lifecycle.destruction as destruction
from archive import audit
from archive.catalog.amendments import AmendmentStage, PendingChange
from archive.catalog.db import get_engine, session_scope
from archive.catalog.destruction import DestructionList
from archive.catalog.models import AuditEntry, Base, DossierRecord
from archive.clock import utcnow
from archive.errors import DestructionIncomplete
from archive.lifecycle.destruction import execute_list
from archive.lifecycle.destruction_certificate import NS
from archive.settings import get_settings
from archive.storage import open_store
from tests.archive.lifecycle.conftest import ARCHIVIST, HEAD, ORGAN, catalogue, walk_to_approval

TODAY = date(2030, 1, 1)
TITLE = "Hồ sơ giao đất khu Bình Tân"
# the dossier's descriptive metadata before and after its amendment: none may outlive it
BEFORE, AFTER = "Giao đất cho hộ ông Trần Văn Khải", "Giao đất cho hộ bà Lê Thị Hoa"
REMOVED_DOCUMENT = "Tờ trình 17/TTr-UBND về thửa đất số 245"
AUDIT_TABLES = {"audit_entries", "audit_head", "audit_checkpoints"}


def amended(code: str) -> int:
    """The dossier as its applied amendment left it, and that amendment."""
    with session_scope() as s:
        record = s.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()
        record.metadata_json = {**record.metadata_json, "Description": AFTER}
        change = PendingChange(dossier_code=code, organ_id=ORGAN, job_id="job-amend-1", stage=AmendmentStage.APPLIED,
                               submitted_by=ARCHIVIST.user, decided_by=HEAD.user, decided_at=utcnow(),
                               changes={"Description": {"before": BEFORE, "after": AFTER},
                                        "documents_removed": [REMOVED_DOCUMENT]})
        s.add(change)
        s.flush()
        audit.record("approve", actor=HEAD.user, agency=ORGAN, object=code, session=s,
                     detail={"step": "amendment", "amendment": change.id, "changes": change.changes})
        return change.id


def cells_holding(values: tuple[str, ...]) -> list[str]:
    """table.column of every catalog cell (the audit trail aside) that holds one of the values."""
    found = []
    with get_engine().connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in AUDIT_TABLES:
                continue
            for row in connection.execute(select(table)).mappings():
                found += [f"{table.name}.{column}" for column, cell in row.items()
                          if cell is not None and any(v in str(cell) for v in values)]
    return found


def audit_rows() -> list[tuple]:
    with session_scope() as s:
        return [tuple(r) for r in s.execute(select(AuditEntry.seq, AuditEntry.hash, AuditEntry.detail)
                                            .order_by(AuditEntry.seq)).all()]


def test_a_destroyed_dossier_leaves_no_amendment_snapshot_in_the_catalog(archive_db):
    code = catalogue("ERASE-1", "10 năm", date(2015, 6, 30), title=TITLE)
    change_id = amended(code)
    submission = get_settings().data_dir / "jobs" / "job-amend-1" / "received"     # its job's work folder
    submission.mkdir(parents=True)
    (submission / "metadata.json").write_text(AFTER, encoding="utf-8")
    list_id = walk_to_approval(code, TODAY)
    assert cells_holding((BEFORE, AFTER, REMOVED_DOCUMENT))     # the test sees them while they are there
    trail_before = audit_rows()

    certificate = execute_list(ARCHIVIST, list_id, today=TODAY)

    assert cells_holding((BEFORE, AFTER, REMOVED_DOCUMENT)) == [] and not submission.parent.exists()
    with session_scope() as s:
        record = s.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()
        assert (record.code, record.title, record.status) == (code, TITLE, "destroyed")
        change = s.get(PendingChange, change_id)      # the record that it was amended, by whom and when, stays
        assert (change.dossier_code, change.stage, change.submitted_by, change.decided_by) == (
            code, "applied", ARCHIVIST.user, HEAD.user) and change.decided_at is not None
        assert change.changes == {}
    # the certificate counts the erased amendment snapshots with the other copies
    with open_store().open(certificate.xml_key) as stream:
        xml = etree.fromstring(stream.read())
    erased = {e.get("where"): e.get("count") for e in xml.iterfind("d:Dossiers/d:Dossier/d:Erased", {"d": NS})}
    assert erased["amendments"] == "1"
    # the audit trail only grew: every earlier entry (the amendment's values with it) is as it was
    trail_after = audit_rows()
    assert trail_after[:len(trail_before)] == trail_before and len(trail_after) > len(trail_before)
    assert audit.verify().ok


def test_an_amendment_snapshot_left_behind_stops_the_execution(archive_db, monkeypatch):
    code = catalogue("ERASE-2", "10 năm", date(2015, 6, 30), title=TITLE)
    change_id = amended(code)
    list_id = walk_to_approval(code, TODAY)
    real_erase = destruction.erase

    def erase_missing_the_amendment(session, record, dossier, *args):
        real_erase(session, record, dossier, *args)
        session.get(PendingChange, change_id).changes = {"Description": {"before": BEFORE, "after": AFTER}}
    monkeypatch.setattr(destruction, "erase", erase_missing_the_amendment)
    with pytest.raises(DestructionIncomplete) as refused:
        execute_list(ARCHIVIST, list_id, today=TODAY)
    assert refused.value.context["left"] == [f"catalog: amendment {change_id}"]
    with session_scope() as s:
        assert s.get(DestructionList, list_id).stage == "executing"     # no certificate claims it is all gone
