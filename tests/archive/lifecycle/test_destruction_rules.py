"""The destruction workflow's rules, on dossiers written straight into the catalog: who may
do what, in which order, and what the council's "keep" does."""
from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from archive.catalog import session_scope
from archive.catalog.destruction import DestructionList, DestructionReview
from archive.catalog.models import DossierRecord
from archive.lifecycle.destruction import approve_list, audit_list, draft_list, execute_list, review_item
from archive.errors import (Forbidden, InvalidRequest, LegalHoldActive, NotFound, RetentionNotExpired, SameActorRefused,
                            WrongWorkflowStage)
from archive.lifecycle.legal_hold import lift_hold, place_hold
from archive.access import Principal
from tests.archive.lifecycle.conftest import (ARCHIVIST, AUDITOR, COUNCIL, COUNCIL_2, HEAD, ORGAN, OTHER_ORGAN, REASON,
                                      catalogue, cli_env)
from tests.fixtures.archives import LUUTRU

TODAY = date(2026, 6, 1)


@pytest.fixture
def expired(archive_home) -> str:
    return catalogue("03.VP", "5 năm", date(2015, 7, 1))  # kept to 2020-12-31


def _expiry(code: str) -> date | None:
    with session_scope() as s:
        return s.execute(select(DossierRecord.retention_expiry).where(DossierRecord.code == code)).scalar_one()


def test_dossier_not_yet_expired_cannot_be_listed(archive_home):
    code = catalogue("04.VP", "20 năm", date(2015, 7, 1))
    with pytest.raises(RetentionNotExpired):
        draft_list(ARCHIVIST, [(code, REASON)], today=TODAY)
    permanent = catalogue("01.VP", "Vĩnh viễn", date(2000, 7, 1))
    with pytest.raises(RetentionNotExpired):
        draft_list(ARCHIVIST, [(permanent, REASON)], today=TODAY)


def test_archivist_lists_only_own_agency_dossiers_and_gives_a_reason(archive_home, expired):
    other = catalogue("06.VP", "5 năm", date(2012, 1, 1), organ=OTHER_ORGAN)
    with pytest.raises(Forbidden):
        draft_list(ARCHIVIST, [(other, REASON)], today=TODAY)
    with pytest.raises(InvalidRequest):
        draft_list(ARCHIVIST, [(expired, "  ")], today=TODAY)
    with pytest.raises(Forbidden):
        draft_list(COUNCIL, [(expired, REASON)], today=TODAY)


def test_dossier_cannot_be_on_two_open_lists(expired):
    draft_list(ARCHIVIST, [(expired, REASON)], today=TODAY)
    with pytest.raises(InvalidRequest, match="already on open destruction list"):
        draft_list(ARCHIVIST, [(expired, REASON)], today=TODAY)


def test_steps_run_in_order_and_only_by_their_role(expired):
    list_id = draft_list(ARCHIVIST, [(expired, REASON)], today=TODAY)
    with pytest.raises(WrongWorkflowStage):  # the auditor before the council
        audit_list(AUDITOR, list_id, agree=True)
    with pytest.raises(WrongWorkflowStage):  # the head before the auditor
        approve_list(HEAD, list_id, decision_ref="1/QĐ", today=TODAY)
    with pytest.raises(NotFound):  # another agency's council is not told the list exists
        review_item(Principal("x", "council", OTHER_ORGAN), list_id, expired, "agree", today=TODAY)
    with pytest.raises(Forbidden):  # the agency's archivist is not on the council
        review_item(ARCHIVIST, list_id, expired, "agree", today=TODAY)
    review_item(COUNCIL, list_id, expired, "agree", today=TODAY)
    with pytest.raises(Forbidden):
        audit_list(HEAD, list_id, agree=True)
    audit_list(AUDITOR, list_id, agree=True)
    with pytest.raises(WrongWorkflowStage):  # executing before the decision
        execute_list(ARCHIVIST, list_id, today=TODAY)
    with pytest.raises(SameActorRefused):
        approve_list(Principal(ARCHIVIST.user, "agency_head", ORGAN), list_id, decision_ref="1/QĐ", today=TODAY)
    with pytest.raises(NotFound):
        approve_list(Principal("chu.ld", "agency_head", OTHER_ORGAN), list_id, decision_ref="1/QĐ", today=TODAY)
    approve_list(HEAD, list_id, decision_ref="1/QĐ", today=TODAY)
    with session_scope() as s:
        dlist = s.get(DestructionList, list_id)
        assert (dlist.stage, dlist.prepared_by, dlist.audited_by, dlist.approved_by, dlist.decision_ref) == (
            "approved", ARCHIVIST.user, AUDITOR.user, HEAD.user, "1/QĐ")


def test_auditor_rejection_ends_the_list(expired):
    list_id = draft_list(ARCHIVIST, [(expired, REASON)], today=TODAY)
    review_item(COUNCIL, list_id, expired, "agree", today=TODAY)
    audit_list(AUDITOR, list_id, agree=False, note="Chưa đủ căn cứ")
    with pytest.raises(WrongWorkflowStage):
        approve_list(HEAD, list_id, decision_ref="1/QĐ", today=TODAY)
    draft_list(ARCHIVIST, [(expired, REASON)], today=TODAY)  # may be proposed again


def test_council_member_keeping_an_item_gives_it_a_new_retention_on_approval(archive_home, expired):
    second = catalogue("07.VP", "5 năm", date(2014, 7, 1))
    list_id = draft_list(ARCHIVIST, [(expired, REASON), (second, REASON)], today=TODAY)
    review_item(COUNCIL, list_id, expired, "agree", today=TODAY)
    review_item(COUNCIL_2, list_id, expired, "keep", new_retention="20 năm", note="Còn giá trị", today=TODAY)
    with pytest.raises(InvalidRequest):  # a new retention already over is no keeping
        review_item(COUNCIL, list_id, second, "keep", new_retention="10 năm", today=TODAY)
    review_item(COUNCIL, list_id, second, "agree", today=TODAY)
    audit_list(AUDITOR, list_id, agree=True)
    approve_list(HEAD, list_id, decision_ref="2/QĐ", today=TODAY)
    assert _expiry(expired) == date(2035, 12, 31) and _expiry(second) == date(2019, 12, 31)
    with session_scope() as s:
        dlist = s.get(DestructionList, list_id)
        assert {(i.dossier_code, i.outcome) for i in dlist.items} == {(expired, "keep"), (second, "destroy")}
        assert s.query(DestructionReview).count() == 3


def test_legal_hold_is_placed_and_lifted_only_by_authorised_users_with_a_reason(expired):
    with pytest.raises(Forbidden):
        place_hold(ARCHIVIST, expired, "Thanh tra")
    with pytest.raises(Forbidden):
        place_hold(Principal("chu.ld", "agency_head", OTHER_ORGAN), expired, "Thanh tra")
    with pytest.raises(InvalidRequest):
        place_hold(HEAD, expired, " ")
    place_hold(HEAD, expired, "Thanh tra")
    with pytest.raises(LegalHoldActive):
        place_hold(AUDITOR, expired, "Khiếu nại")
    with pytest.raises(InvalidRequest):
        lift_hold(AUDITOR, expired, "")
    lift_hold(AUDITOR, expired, "Kết thúc thanh tra")


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_cli_refuses_a_held_dossier_with_its_code_and_exit_status(archive_home, expired):
    head = cli_env(archive_home, HEAD)
    archivist = cli_env(archive_home, ARCHIVIST) | {"LUUTRU_FIXED_TODAY": "2026-06-01"}
    held = subprocess.run([LUUTRU, "hold", "place", expired, "--reason", "Thanh tra"],
                          capture_output=True, text=True, env=head)
    assert held.returncode == 0, held.stderr
    draft = subprocess.run([LUUTRU, "destruction", "draft", f"{expired}={REASON}"],
                           capture_output=True, text=True, env=archivist)
    assert draft.returncode == 1 and "legal_hold_active" in draft.stderr and "phong tỏa" in draft.stderr
    subprocess.run([LUUTRU, "hold", "lift", expired, "--reason", "Kết thúc thanh tra"], check=True, env=head,
                   capture_output=True)
    drafted = subprocess.run([LUUTRU, "destruction", "draft", f"{expired}={REASON}"],
                             capture_output=True, text=True, env=archivist)
    assert drafted.returncode == 0, drafted.stderr
    shown = json.loads(subprocess.run([LUUTRU, "destruction", "show", "1"], capture_output=True, text=True, env=head,
                                      check=True).stdout)
    assert (shown["stage"], shown["prepared_by"], shown["items"][0]["dossier"], shown["items"][0]["reason"]) == (
        "council_review", ARCHIVIST.user, expired, REASON)


def test_destruction_erases_the_dossier_s_staged_job_records_too(archive_home, tmp_path, monkeypatch):
    """Where Celery workers run the steps, each job's staging area keeps its step results (who
    submitted, the validated metadata): the dossier's destruction erases them with the rest."""
    from archive.catalog.models import AuditEntry, StepState
    from ingest import pipeline, staging, state
    from tests.archive.lifecycle.conftest import walk_to_approval
    from tests.fixtures.archives import BORN_DIGITAL, SAMPLES
    monkeypatch.setenv("LUUTRU_BROKER_URL", "redis://127.0.0.1:9/0")        # staged; nothing is sent to it
    monkeypatch.setenv("LUUTRU_STAGING_URL", f"file://{tmp_path / 'staging'}")
    code = catalogue("05.VP", "5 năm", date(2015, 7, 1))
    job = pipeline.create(SAMPLES / BORN_DIGITAL, organ_id=ORGAN, actor=ARCHIVIST.user)   # its submission staged
    state.mark(job.id, "validate", StepState.DONE, dossier_code=code)                  # the job of this dossier
    stage = staging.open_staging()
    staged = len(list(stage.store.list(f"jobs/{job.id}/")))
    assert staged > 0
    execute_list(ARCHIVIST, walk_to_approval(code, TODAY), today=TODAY)      # refuses to close with residue
    assert list(stage.store.list(f"jobs/{job.id}/")) == []
    with session_scope() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "destroy", AuditEntry.object == code))
    assert entry.detail["removed"]["staging"] == staged
