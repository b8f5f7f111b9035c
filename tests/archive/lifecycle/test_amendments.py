"""A new submission of an archived dossier is an amendment: refused when the dossier may not
change, nothing when identical, straight through for added documents, and held for the agency
head when it shortens retention, opens rights, moves dates or removes a document."""
from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from sqlalchemy import select, update

from archive import audit
from archive.catalog.amendments import PendingChange
from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, DossierRecord
from archive.lifecycle.destruction import draft_list
from archive.errors import AmendmentPending, AmendmentRefused, Forbidden, NotFound, SameActorRefused, WrongWorkflowStage
from archive.lifecycle.legal_hold import place_hold
from archive.lifecycle.amendment import approve_change, list_changes, reject_change
from ingest import pipeline, state
from archive.access import Principal
from tests.archive.lifecycle.conftest import ARCHIVIST, HEAD, ORGAN, REASON, catalog_rows
from tests.fixtures.archives import with_retention

HEAD_2 = Principal("an.ld", "agency_head", ORGAN)
AFTER_EXPIRY = date(2032, 1, 1)


def submit(sample, actor: Principal = ARCHIVIST):
    return pipeline.submit(sample, organ_id=actor.organ_id, actor=actor.user)


def edit(sample, old: str, new: str):
    manifest = sample / "hoso.xml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")


def trail(action: str, code: str) -> list[AuditEntry]:
    with session_scope() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.object == code)))


def pending_job(sample):
    """Submit and expect the change to wait for approval; the job that waits."""
    with pytest.raises(AmendmentPending):
        submit(sample)
    with session_scope() as s:
        change = s.scalars(select(PendingChange).order_by(PendingChange.id.desc())).first()
    assert [st.state for st in state.states(change.job_id)][:2] == ["done", "pending"]
    return change


def test_identical_resubmission_makes_no_new_version(archive_home, born_digital_sample):
    code = submit(born_digital_sample).dossier().code
    again = submit(born_digital_sample)
    assert catalog_rows(code)["versions"] == 1
    assert all(s.state == "done" for s in state.states(again.id))
    assert not again.result_path("store").exists()        # nothing packaged or stored


def test_shortening_retention_waits_for_the_agency_head_who_is_not_the_submitter(archive_home,
                                                                                 born_digital_sample):
    code = submit(born_digital_sample).dossier().code
    edit(born_digital_sample, "<Maintenance>Vĩnh viễn</Maintenance>", "<Maintenance>5 năm</Maintenance>")
    change = pending_job(born_digital_sample)
    rows = catalog_rows(code)     # the archived version is untouched while it waits
    assert rows["versions"] == 1 and rows["metadata"]["Maintenance"] == "Vĩnh viễn"
    assert change.changes["Maintenance"] == {"before": "Vĩnh viễn", "after": "5 năm"}
    assert [c["id"] for c in list_changes(ORGAN)] == [change.id]

    with pytest.raises(Forbidden):                       # the archivist cannot approve
        approve_change(ARCHIVIST, change.id)
    with pytest.raises(SameActorRefused):                # nor the head who submitted it
        approve_change(Principal(ARCHIVIST.user, "agency_head", ORGAN), change.id)
    with pytest.raises(NotFound):                        # nor another agency's head, not even told it exists
        approve_change(Principal("x.ld", "agency_head", "000.00.00.H42"), change.id)
    with pytest.raises(AmendmentPending):                # running the job again does not get past it
        pipeline.resume(change.job_id)

    job_id = approve_change(HEAD, change.id, note="Theo Quyết định 7/QĐ")
    with pytest.raises(WrongWorkflowStage):              # decided once
        approve_change(HEAD_2, change.id)
    pipeline.resume(job_id)
    rows = catalog_rows(code)
    assert rows["versions"] == 2 and rows["metadata"]["Maintenance"] == "5 năm"
    with session_scope() as s:
        assert s.get(PendingChange, change.id).stage == "applied"
        assert s.scalar(select(DossierRecord.retention_expiry).where(DossierRecord.code == code)) == date(2026, 12, 31)
    [changed] = trail("metadata_change", code)
    assert changed.detail["Maintenance"] == {"before": "Vĩnh viễn", "after": "5 năm"}
    assert changed.actor == ARCHIVIST.user and changed.detail["version"] == 2
    assert any(e.actor == HEAD.user and e.detail["step"] == "amendment" for e in trail("approve", code))
    assert audit.verify().ok


def test_opening_rights_rejected_by_the_head_changes_nothing(archive_home, born_digital_sample):
    edit(born_digital_sample, "<Rights>Công khai</Rights>", "<Rights>Hạn chế</Rights>")
    code = submit(born_digital_sample).dossier().code
    edit(born_digital_sample, "<Rights>Hạn chế</Rights>", "<Rights>Công khai</Rights>")
    change = pending_job(born_digital_sample)
    assert change.changes["Rights"] == {"before": "Hạn chế", "after": "Công khai"}
    reject_change(HEAD, change.id, note="Không đủ căn cứ")
    with pytest.raises(AmendmentRefused):
        pipeline.resume(change.job_id)
    rows = catalog_rows(code)
    assert rows["versions"] == 1 and rows["metadata"]["Rights"] == "Hạn chế"


def test_removing_a_document_waits_and_adding_one_goes_straight_through(archive_home, born_digital_sample):
    manifest = born_digital_sample / "hoso.xml"
    full = manifest.read_text(encoding="utf-8")
    last = re.search(r"\s*<Document direction=\"outgoing\">.*?</Document>", full, re.S).group(0)
    files = born_digital_sample / "files"
    kept = born_digital_sample.parent / "kept"
    kept.mkdir()
    for name in ("qd-04-2021-qd-ubnd.pdf", "qd-04-2021-qd-ubnd-quy-dinh-kem-theo.pdf"):
        shutil.move(files / name, kept / name)
    manifest.write_text(full.replace(last, "").replace("<DocTotal>4</DocTotal>", "<DocTotal>3</DocTotal>"),
                        encoding="utf-8")
    code = submit(born_digital_sample).dossier().code
    assert catalog_rows(code)["documents"] == 3

    for name in ("qd-04-2021-qd-ubnd.pdf", "qd-04-2021-qd-ubnd-quy-dinh-kem-theo.pdf"):
        shutil.copy(kept / name, files / name)
    manifest.write_text(full, encoding="utf-8")
    submit(born_digital_sample)                          # an added document: no approval needed
    rows = catalog_rows(code)
    assert rows["versions"] == 2 and rows["documents"] == 4
    [added] = trail("metadata_change", code)
    assert [d["CodeNotation"] for d in added.detail["documents_added"]] == ["2021/QĐ-UBND"]

    for name in ("qd-04-2021-qd-ubnd.pdf", "qd-04-2021-qd-ubnd-quy-dinh-kem-theo.pdf"):
        (files / name).unlink()
    manifest.write_text(full.replace(last, "").replace("<DocTotal>4</DocTotal>", "<DocTotal>3</DocTotal>"),
                        encoding="utf-8")
    change = pending_job(born_digital_sample)            # removing it back needs the head
    assert [d["CodeNotation"] for d in change.changes["documents_removed"]] == ["2021/QĐ-UBND"]
    assert catalog_rows(code)["documents"] == 4


@pytest.mark.parametrize("state_", ["destroyed", "transferred"])
def test_a_destroyed_or_transferred_dossier_never_comes_back(archive_home, born_digital_sample, state_):
    code = submit(born_digital_sample).dossier().code
    with session_scope() as s:
        s.execute(update(DossierRecord).where(DossierRecord.code == code).values(status=state_))
    with pytest.raises(AmendmentRefused) as refused:
        submit(born_digital_sample)
    assert refused.value.context["reason"] == f"dossier_{state_}"
    assert catalog_rows(code)["status"] == state_
    [entry] = [e for e in trail("refused", f"submit {code}")]
    assert entry.detail["code"] == "amendment_refused" and entry.actor == ARCHIVIST.user


def test_a_held_or_listed_dossier_cannot_be_amended(archive_home, born_digital_sample):
    with_retention(born_digital_sample, "10 năm")
    code = submit(born_digital_sample).dossier().code
    edit(born_digital_sample, "<Maintenance>10 năm</Maintenance>", "<Maintenance>5 năm</Maintenance>")
    place_hold(HEAD, code, "Thanh tra")
    with pytest.raises(AmendmentRefused) as held:
        submit(born_digital_sample)
    assert held.value.context["reason"] == "legal_hold"

    from archive.lifecycle.legal_hold import lift_hold
    lift_hold(HEAD, code, "Kết thúc thanh tra")
    draft_list(ARCHIVIST, [(code, REASON)], today=AFTER_EXPIRY)
    with pytest.raises(AmendmentRefused) as listed:
        submit(born_digital_sample)
    assert listed.value.context["reason"] == "on_destruction_list"
    assert catalog_rows(code)["metadata"]["Maintenance"] == "10 năm"


def test_a_hold_placed_while_a_change_waits_stops_its_approval(archive_home, born_digital_sample):
    code = submit(born_digital_sample).dossier().code
    edit(born_digital_sample, "<EndDate>2021-03-15</EndDate>", "<EndDate>2021-03-16</EndDate>")
    change = pending_job(born_digital_sample)
    place_hold(HEAD, code, "Thanh tra")
    with pytest.raises(AmendmentRefused):
        approve_change(HEAD, change.id)
    with session_scope() as s:
        assert s.get(PendingChange, change.id).stage == "pending"
