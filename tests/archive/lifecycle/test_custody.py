"""A dossier the archive no longer keeps (destroyed, or transferred to the historical archive)
takes no new hold, retention trigger, destruction step or access grant: each is refused with
409 ``dossier_not_in_custody`` and changes nothing. Who may lift a hold or record a trigger is
the dossier's agency's authority only."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from api import accounts
from api.access_requests import decide, request_access
from archive.catalog.accounts import Grant
from archive.catalog.db import session_scope
from archive.catalog.destruction import LegalHold
from archive.catalog.models import AuditEntry, DossierRecord
from archive.errors import DossierNotInCustody, Forbidden, NotFound
from archive.lifecycle.destruction import draft_list, execute_list
from archive.lifecycle.legal_hold import lift_hold, place_hold
from archive.lifecycle.retention_run import record_trigger
from archive.lifecycle.transfer import acknowledge_transfer
from archive.access import Principal
from tests.archive.lifecycle.conftest import (ARCHIVIST, AUDITOR, COUNCIL, HEAD, OTHER_ORGAN, REASON,
                                              acknowledged_transfer, catalogue, cli_env, walk_to_approval)
from tests.fixtures.archives import LUUTRU

TODAY = date(2026, 6, 1)
ADMIN = Principal("quantri", "admin")
READER = Principal("doc.gia", "researcher")


@pytest.fixture
def destroyed(archive_home) -> str:
    """A dossier destroyed by a real destruction list, start to end."""
    code = catalogue("GONE-1", "10 năm", date(2010, 6, 30))
    execute_list(ARCHIVIST, walk_to_approval(code, TODAY), today=TODAY)
    return code


@pytest.fixture
def transferred(archive_home, tmp_path, monkeypatch) -> str:
    """A permanent dossier whose transfer the historical archive acknowledged (signed)."""
    done = acknowledge_transfer(acknowledged_transfer(tmp_path, monkeypatch), ARCHIVIST)
    [code] = done.dossiers
    return code


def _state(code: str) -> dict:
    with session_scope() as s:
        record = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
        return {"status": record.status, "legal_hold": record.legal_hold, "trigger": record.event_trigger_date,
                "expiry": record.retention_expiry,
                "holds": s.scalar(select(func.count()).select_from(LegalHold).where(LegalHold.dossier_code == code)),
                "grants": s.scalar(select(func.count()).select_from(Grant).where(Grant.dossier_code == code)),
                "changes": s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.object == code,
                    AuditEntry.action.in_(("legal_hold", "retention_trigger", "grant", "access_request"))))}


def _restrict(code: str) -> None:
    """Make the dossier restricted (Hạn chế): what a researcher asks access to."""
    with session_scope() as s:
        s.scalar(select(DossierRecord).where(DossierRecord.code == code)).rights = "Hạn chế"


def _refused(call, status: str) -> DossierNotInCustody:
    with pytest.raises(DossierNotInCustody) as refused:
        call()
    assert (refused.value.http_status, refused.value.code, refused.value.context["dossier_status"]) == (
        409, "dossier_not_in_custody", status)
    assert "Hồ sơ" in refused.value.message_vi
    return refused.value


@pytest.mark.parametrize("gone, status, said", [("destroyed", "destroyed", "đã bị hủy"),
                                                ("transferred", "transferred", "đã nộp lưu")])
def test_a_dossier_no_longer_kept_takes_no_hold_trigger_listing_or_grant(request, gone, status, said):
    code = request.getfixturevalue(gone)
    _restrict(code)
    before = _state(code)
    assert before["status"] == status
    for holder in (HEAD, AUDITOR, ADMIN):
        refused = _refused(lambda: place_hold(holder, code, "Thanh tra"), status)
        assert said in refused.message_vi and refused.context["actor"] == holder.user
    _refused(lambda: record_trigger(ARCHIVIST, code, date(2024, 2, 29)), status)
    _refused(lambda: draft_list(ARCHIVIST, [(code, REASON)], today=TODAY), status)

    accounts.create_user(READER.user, "researcher", None, None, actor="test")
    _refused(lambda: accounts.grant(READER.user, code, actor=ADMIN.user), status)
    asked = request_access(READER, code, "Nghiên cứu", TODAY, date(2026, 7, 1), TODAY)
    _refused(lambda: decide(ARCHIVIST, asked, approve=True), status)
    assert decide(ARCHIVIST, asked, approve=False, note="Hồ sơ không còn lưu giữ") == "refused"
    after = _state(code)
    assert after == before | {"changes": before["changes"] + 2}      # the request and its refusal, nothing else


def test_the_grants_of_a_dossier_end_with_its_destruction(archive_home):
    code = catalogue("GONE-3", "10 năm", date(2010, 6, 30))
    _restrict(code)
    accounts.create_user(READER.user, "researcher", None, None, actor="test")
    accounts.grant(READER.user, code, actor=ADMIN.user)          # granted while it is kept
    execute_list(ARCHIVIST, walk_to_approval(code, TODAY), today=TODAY)
    assert _state(code)["grants"] == 0
    with session_scope() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "destroy", AuditEntry.object == code))
    assert entry.detail["removed"]["grants"] == 1


def test_wrong_role_or_agency_is_refused_before_the_dossier_s_state(destroyed):
    stranger = Principal("chu.ld", "agency_head", OTHER_ORGAN)
    for who in (ARCHIVIST, COUNCIL, stranger, READER):
        with pytest.raises(Forbidden):
            place_hold(who, destroyed, "Thanh tra")
    for who in (HEAD, COUNCIL, AUDITOR, Principal("x", "archivist", OTHER_ORGAN), READER):
        with pytest.raises(Forbidden):
            record_trigger(who, destroyed, date(2024, 2, 29))


def test_only_the_dossier_s_authority_lifts_its_hold(archive_home):
    code = catalogue("HOLD-2", "10 năm", date(2010, 6, 30))
    place_hold(HEAD, code, "Thanh tra")
    for who in (ARCHIVIST, COUNCIL, READER, Principal("chu.ld", "agency_head", OTHER_ORGAN)):
        with pytest.raises(Forbidden):
            lift_hold(who, code, "Tự gỡ")
    assert _state(code)["legal_hold"]
    lift_hold(HEAD, code, "Kết thúc thanh tra")
    assert not _state(code)["legal_hold"]


def test_a_restricted_dossier_of_another_agency_is_not_found_whatever_its_state(archive_home):
    code = catalogue("HOLD-3", "Theo tuổi thọ công trình", date(2001, 3, 1))
    _restrict(code)
    outsider = Principal("x", "archivist", OTHER_ORGAN)
    with pytest.raises(NotFound):
        record_trigger(outsider, code, date(2024, 2, 29))
    with pytest.raises(NotFound):
        place_hold(Principal("chu.ld", "agency_head", OTHER_ORGAN), code, "Thanh tra")
    assert record_trigger(ARCHIVIST, code, date(2024, 2, 29)) == date(2024, 2, 29)


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_the_cli_refuses_a_destroyed_dossier_with_its_code_and_audits_the_attempt(archive_home, destroyed):
    before = _state(destroyed)
    for who, args in ((HEAD, ("hold", "place", destroyed, "--reason", "Thanh tra")),
                      (ARCHIVIST, ("retention", "trigger", destroyed, "--date", "2024-02-29")),
                      (ADMIN, ("user", "grant", HEAD.user, destroyed))):
        done = subprocess.run([LUUTRU, *args], capture_output=True, text=True, timeout=120,
                              env=cli_env(archive_home, who))
        assert done.returncode == 1 and "dossier_not_in_custody" in done.stderr and "đã bị hủy" in done.stderr, \
            done.stderr
        with session_scope() as s:
            entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "refused").order_by(AuditEntry.seq.desc()))
            assert (entry.actor, entry.detail["code"], entry.detail["via"]) == (who.user, "dossier_not_in_custody",
                                                                                 "cli")
    assert _state(destroyed) == before
