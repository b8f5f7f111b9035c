"""Workflow steps are compare-and-set on their stage, on SQLite and on PostgreSQL: of two
concurrent approvals, executions, holds, amendment decisions, or a hold and a transfer's
acknowledgement, exactly one acts and the other is refused with 409 (wrong_workflow_stage /
legal_hold_active / dossier_not_in_custody); an execution that stops half-way is audited,
stays ``executing`` and is resumed by running execute again. Holds are lifted only by an
authority at least that of their placer."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import select

import archive.lifecycle.destruction as destruction
import archive.lifecycle.legal_hold as legal_hold
import archive.lifecycle.amendment as amendment
from archive.catalog.amendments import PendingChange
from archive.catalog.db import session_scope
from archive.catalog.destruction import DestructionList
from archive.catalog.models import AuditEntry, DossierRecord
from archive.lifecycle.destruction import approve_list, audit_list, draft_list, execute_list, review_item
from archive.errors import DossierNotInCustody, Forbidden, LegalHoldActive, WrongWorkflowStage
from archive.lifecycle.legal_hold import lift_hold, place_hold
from archive.settings import get_settings
from archive.access import Principal
from tests.archive.lifecycle.conftest import (ARCHIVIST, AUDITOR, COUNCIL, HEAD, ORGAN, REASON, acknowledged_transfer,
                                              catalogue, walk_to_approval)

TODAY = date(2026, 6, 1)
HEAD_2 = Principal("an.ld", "agency_head", ORGAN)
ADMIN = Principal("quantri", "admin")


def slowed(monkeypatch, module, name: str, seconds: float = 0.4) -> None:
    """Make ``module.name`` pause inside the step's transaction, so two steps overlap there."""
    real = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, slow)


def at_once(*calls) -> list[object]:
    """Run the calls in parallel threads; each one's result or the exception it raised."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        start.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def one_then_other(first, second, head_start: float = 0.15) -> list[object]:
    """Start ``first``, then ``second`` while the first is still inside its transaction (the
    first is ``slowed`` there); each one's result or the exception it raised."""
    results: list[object] = [None, None]

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    threads[0].start()
    time.sleep(head_start)
    threads[1].start()
    for t in threads:
        t.join(60)
    return results


def exactly_one_refused(results, error=WrongWorkflowStage) -> None:
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], error) and refused[0].http_status == 409, refused


def trail(action: str) -> list[AuditEntry]:
    with session_scope() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def reviewed_list(*codes: str) -> int:
    list_id = draft_list(ARCHIVIST, [(c, REASON) for c in codes], today=TODAY)
    for code in codes:
        review_item(COUNCIL, list_id, code, "agree", today=TODAY)
    audit_list(AUDITOR, list_id, agree=True)
    return list_id


def test_two_approvals_at_once_exactly_one_succeeds(archive_db, monkeypatch):
    list_id = reviewed_list(catalogue("CAS-1", "10 năm", date(2010, 6, 30)))
    slowed(monkeypatch, destruction, "find_dossier")
    results = at_once(lambda: approve_list(HEAD, list_id, decision_ref="1/QĐ", today=TODAY),
                      lambda: approve_list(HEAD_2, list_id, decision_ref="2/QĐ", today=TODAY))
    exactly_one_refused(results)
    assert len([e for e in trail("approve") if e.detail.get("step") == "decision"]) == 1


def test_two_executions_at_once_exactly_one_destroys(archive_db, monkeypatch):
    code = catalogue("CAS-2", "10 năm", date(2010, 6, 30))
    list_id = walk_to_approval(code, TODAY)
    slowed(monkeypatch, destruction, "refuse_if_locked")
    results = at_once(lambda: execute_list(ARCHIVIST, list_id, today=TODAY),
                      lambda: execute_list(HEAD, list_id, today=TODAY))
    exactly_one_refused(results)
    with session_scope() as s:
        assert s.get(DestructionList, list_id).stage == "executed"
    assert len([e for e in trail("destroy") if e.object == code]) == 1


def test_an_execution_stopped_half_way_is_audited_and_resumed(archive_db, monkeypatch):
    first, second = (catalogue(n, "10 năm", date(2010, 6, 30)) for n in ("CAS-3", "CAS-4"))
    list_id = reviewed_list(first, second)
    approve_list(HEAD, list_id, decision_ref="3/QĐ", today=TODAY)
    real_erase, calls = destruction.erase, []

    def erase_then_crash(session, record, dossier, *args):
        calls.append(dossier.code)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_erase(session, record, dossier, *args)
    monkeypatch.setattr(destruction, "erase", erase_then_crash)
    with pytest.raises(OSError, match="No space left on device"):    # the injected crash, not another error
        execute_list(ARCHIVIST, list_id, today=TODAY)
    with session_scope() as s:
        dlist = s.get(DestructionList, list_id)
        assert dlist.stage == "executing" and dlist.execution_lease is None
        assert {i.dossier_code: i.outcome for i in dlist.items} == {first: "destroyed", second: "destroy"}
        statuses = dict(s.execute(select(DossierRecord.code, DossierRecord.status)).all())
    assert statuses == {first: "destroyed", second: "archived"}
    [failure] = [e for e in trail("destroy") if e.outcome == "failure"]
    assert failure.detail["destroyed"] == [first] and failure.detail["remaining"] == [second]
    assert "No space left" in failure.detail["error"]

    monkeypatch.setattr(destruction, "erase", real_erase)
    certificate = execute_list(HEAD, list_id, today=TODAY)      # running it again resumes
    with session_scope() as s:
        assert s.get(DestructionList, list_id).stage == "executed"
        assert all(i.snapshot is None for i in s.get(DestructionList, list_id).items)
        statuses = dict(s.execute(select(DossierRecord.code, DossierRecord.status)).all())
    assert statuses == {first: "destroyed", second: "destroyed"} and certificate.pdf_key
    assert [e.object for e in trail("destroy") if e.outcome == "success" and not e.object.startswith("destr")] \
        == [first, second]


def test_an_execution_in_progress_cannot_be_taken_over(archive_db):
    list_id = walk_to_approval(catalogue("CAS-5", "10 năm", date(2010, 6, 30)), TODAY)
    destruction._claim_execution(ARCHIVIST, list_id, TODAY, destruction.stores(get_settings()))
    with pytest.raises(WrongWorkflowStage):      # its lease is alive: someone is executing it
        execute_list(HEAD, list_id, today=TODAY)


def test_two_holds_at_once_exactly_one_is_placed(archive_db, monkeypatch):
    code = catalogue("CAS-6", "10 năm", date(2010, 6, 30))
    slowed(monkeypatch, legal_hold, "require")
    results = at_once(lambda: place_hold(HEAD, code, "Thanh tra"), lambda: place_hold(AUDITOR, code, "Khiếu nại"))
    exactly_one_refused(results, LegalHoldActive)
    assert len(trail("legal_hold")) == 1


def test_two_amendment_decisions_at_once_exactly_one_counts(archive_db, monkeypatch):
    code = catalogue("CAS-7", "10 năm", date(2010, 6, 30))
    with session_scope() as s:
        change = PendingChange(dossier_code=code, organ_id=ORGAN, job_id="job7", submitted_by=ARCHIVIST.user,
                               changes={"Maintenance": {"before": "10 năm", "after": "5 năm"}})
        s.add(change)
        s.flush()
        change_id = change.id
    slowed(monkeypatch, amendment, "require")
    results = at_once(lambda: amendment.approve_change(HEAD, change_id),
                      lambda: amendment.reject_change(HEAD_2, change_id))
    exactly_one_refused(results)
    assert len([e for e in trail("approve") + trail("reject") if e.object == code]) == 1


@pytest.mark.parametrize("first", ["hold", "execution"])
def test_a_hold_and_a_destruction_at_once_end_held_and_kept_or_destroyed_and_never_held(archive_db, monkeypatch,
                                                                                        first):
    code = catalogue("CAS-8", "10 năm", date(2010, 6, 30))
    list_id = walk_to_approval(code, TODAY)
    hold = lambda: place_hold(HEAD, code, "Thanh tra")                  # noqa: E731
    execute = lambda: execute_list(ARCHIVIST, list_id, today=TODAY)     # noqa: E731
    if first == "hold":          # the hold holds the dossier's lock when the execution starts
        slowed(monkeypatch, legal_hold, "require")
        placed, refused = one_then_other(hold, execute)
        assert isinstance(placed, int) and isinstance(refused, LegalHoldActive), (placed, refused)
        expected = {"status": "archived", "legal_hold": True, "stage": "approved", "holds": 1, "destroyed": 0}
    else:                        # the execution holds the list's and the dossier's locks when the hold comes
        slowed(monkeypatch, destruction, "refuse_if_locked")
        certificate, refused = one_then_other(execute, hold)
        assert certificate.pdf_key and isinstance(refused, (WrongWorkflowStage, DossierNotInCustody)), refused
        assert refused.http_status == 409
        expected = {"status": "destroyed", "legal_hold": False, "stage": "executed", "holds": 0, "destroyed": 1}
    with session_scope() as s:
        record = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
        state = {"status": record.status, "legal_hold": record.legal_hold,
                 "stage": s.get(DestructionList, list_id).stage}
    assert state | {"holds": len(trail("legal_hold")),
                    "destroyed": len([e for e in trail("destroy") if e.object == code])} == expected


@pytest.mark.parametrize("first", ["hold", "acknowledgement"])
def test_a_hold_and_an_acknowledgement_at_once_end_held_and_prepared_or_transferred_and_never_held(
        archive_db, tmp_path, monkeypatch, first):
    import archive.lifecycle.transfer.complete as complete
    ack = acknowledged_transfer(tmp_path, monkeypatch)
    with session_scope() as s:
        code = s.scalar(select(DossierRecord.code))
    hold = lambda: place_hold(HEAD, code, "Thanh tra")                  # noqa: E731
    acknowledge = lambda: complete.acknowledge_transfer(ack, ARCHIVIST)  # noqa: E731
    if first == "hold":          # the hold holds the dossier's lock when the import claims the transfer
        slowed(monkeypatch, legal_hold, "require")
        placed, refused = one_then_other(hold, acknowledge)
        assert isinstance(placed, int) and isinstance(refused, LegalHoldActive), (placed, refused)
        expected = {"status": "archived", "legal_hold": True, "state": ("prepared", None)}
    else:                        # the import holds the transfer's and the dossier's locks when the hold comes
        slowed(monkeypatch, complete, "snapshot")
        done, refused = one_then_other(acknowledge, hold)
        assert done.dossiers == [code] and isinstance(refused, DossierNotInCustody), refused
        expected = {"status": "transferred", "legal_hold": False, "state": ("transferred", None)}
    with session_scope() as s:
        record = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
        assert {"status": record.status, "legal_hold": record.legal_hold, "state": transfer_state()} == expected


@pytest.mark.parametrize("placer, may_lift, may_not", [
    (AUDITOR, [AUDITOR, ADMIN], [HEAD]),
    (ADMIN, [AUDITOR, ADMIN], [HEAD]),
    (HEAD, [HEAD, HEAD_2, AUDITOR, ADMIN], []),
])
def test_a_hold_is_lifted_only_by_an_authority_at_least_its_placers(archive_home, placer, may_lift, may_not):
    code = catalogue("HOLD-1", "10 năm", date(2010, 6, 30))
    for lifter in may_lift:
        place_hold(placer, code, "Thanh tra")
        for refused in may_not:
            with pytest.raises(Forbidden):
                lift_hold(refused, code, "Tự gỡ")
        lift_hold(lifter, code, "Kết thúc thanh tra")
    with pytest.raises(WrongWorkflowStage):          # nothing left to lift
        lift_hold(ADMIN, code, "Lần nữa")


def transfer_state() -> tuple[str, object]:
    from archive.catalog.transfer import Transfer
    with session_scope() as s:
        transfer = s.scalar(select(Transfer))
        return transfer.state, transfer.removal_lease


def test_an_acknowledgement_imported_twice_completes_the_transfer_once(archive_db, tmp_path, monkeypatch):
    from archive.lifecycle.transfer import acknowledge_transfer
    ack = acknowledged_transfer(tmp_path, monkeypatch)
    done = acknowledge_transfer(ack, ARCHIVIST)
    assert transfer_state() == ("transferred", None)
    entries = len(trail("transfer"))
    with pytest.raises(WrongWorkflowStage) as again:
        acknowledge_transfer(ack, ARCHIVIST)
    assert again.value.http_status == 409 and again.value.context["stage"] == "transferred"
    assert len(trail("transfer")) == entries and done.dossiers


def test_two_acknowledgement_imports_at_once_exactly_one_completes(archive_db, tmp_path, monkeypatch):
    import archive.lifecycle.transfer.complete as complete
    ack = acknowledged_transfer(tmp_path, monkeypatch)
    slowed(monkeypatch, complete, "_remove_copies")      # the first is still removing when the second comes
    results = at_once(lambda: complete.acknowledge_transfer(ack, ARCHIVIST),
                      lambda: complete.acknowledge_transfer(ack, ARCHIVIST))
    exactly_one_refused(results)
    assert transfer_state() == ("transferred", None)
    steps = [e.detail["step"] for e in trail("transfer")]
    assert steps.count("acknowledged") == 1 and steps.count("copies removed") == 1


def test_an_import_stopped_half_way_is_audited_and_resumed(archive_db, tmp_path, monkeypatch):
    import archive.lifecycle.transfer.complete as complete
    from archive.errors import StorageError
    ack = acknowledged_transfer(tmp_path, monkeypatch)
    real = complete._remove_copies

    def fails(*args, **kwargs):
        raise StorageError("the store went away")
    monkeypatch.setattr(complete, "_remove_copies", fails)
    with pytest.raises(StorageError):
        complete.acknowledge_transfer(ack, ARCHIVIST)
    assert transfer_state() == ("acknowledged", None)              # lease released: resumable
    stopped = trail("transfer")[-1]
    assert (stopped.outcome, stopped.detail["step"]) == ("failure", "removal stopped")
    monkeypatch.setattr(complete, "_remove_copies", real)
    complete.acknowledge_transfer(ack, ARCHIVIST)
    assert transfer_state() == ("transferred", None)
    assert [e.detail["step"] for e in trail("transfer")][-3:] == ["removal resumed", "copies removed", "transferred"]


def test_an_import_cannot_be_completed_by_another_agency_or_role(archive_db, tmp_path, monkeypatch):
    from archive.errors import AcknowledgementRejected
    from archive.lifecycle.transfer import acknowledge_transfer
    ack = acknowledged_transfer(tmp_path, monkeypatch)
    with pytest.raises(AcknowledgementRejected, match="no prepared transfer"):   # as if there were none
        acknowledge_transfer(ack, Principal("khac.vt", "archivist", "000.00.00.H42"))
    with pytest.raises(Forbidden):
        acknowledge_transfer(ack, HEAD)
    assert transfer_state() == ("prepared", None)
