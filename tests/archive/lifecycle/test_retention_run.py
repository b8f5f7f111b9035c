"""The daily retention run: what it lists on which day, the notices it records once, and the
e-mails a real SMTP server receives."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest

from archive.catalog import session_scope
from archive.errors import Forbidden, InvalidRequest
from archive.lifecycle.retention_run import notices_for, notifications, record_trigger, run_retention, set_contact
from archive.access import Principal
from tests.archive.lifecycle.conftest import ARCHIVIST, AUDITOR, HEAD, ORGAN, OTHER_ORGAN, catalogue, cli_env
from tests.fixtures.archives import LUUTRU

ADMIN = Principal("quantri", "admin")



@pytest.fixture
def holdings(archive_home):
    """Dossiers of two agencies: permanent ones due for transfer at the end of 2026, expired,
    still kept and event-based ones."""
    return {
        "permanent": catalogue("01.VP", "Vĩnh viễn", date(2016, 5, 1)),            # due 2026-12-31
        "permanent_late": catalogue("02.VP", "Vĩnh viễn", date(2015, 5, 1)),       # due 2025-12-31
        "expired": catalogue("03.VP", "5 năm", date(2015, 7, 1)),                  # kept to 2020-12-31
        "kept": catalogue("04.VP", "70 năm", date(2015, 7, 1)),
        "event": catalogue("05.XD", "Theo tuổi thọ công trình", date(2001, 3, 1)),
        "other_expired": catalogue("06.VP", "10 năm", date(2012, 1, 1), organ=OTHER_ORGAN),
    }


def _listed(today: date) -> dict[str, str]:
    return {d.code: d.kind for d in run_retention(today).due}


def test_run_lists_transfers_thirty_days_ahead_and_expired_dossiers(holdings):
    h = holdings
    assert _listed(date(2026, 11, 30)) == {h["permanent_late"]: "transfer_overdue", h["expired"]: "retention_expired",
                                           h["other_expired"]: "retention_expired"}
    assert _listed(date(2026, 12, 1)) == {h["permanent"]: "transfer_due", h["permanent_late"]: "transfer_overdue",
                                          h["expired"]: "retention_expired", h["other_expired"]: "retention_expired"}
    assert _listed(date(2027, 1, 1))[h["permanent"]] == "transfer_overdue"


def test_notice_period_is_a_policy_value(holdings, monkeypatch):
    monkeypatch.setenv("LUUTRU_TRANSFER_NOTICE_DAYS", "60")
    assert _listed(date(2026, 11, 1))[holdings["permanent"]] == "transfer_due"


def test_each_notice_is_given_once_in_app_and_by_mail_to_its_agency(holdings, smtp_sink, monkeypatch):
    monkeypatch.setenv("LUUTRU_SMTP_URL", smtp_sink.url)
    set_contact(ARCHIVIST, ORGAN, "vanthu@h41.khanhhoa.gov.vn")
    set_contact(ADMIN, OTHER_ORGAN, "vanthu@h42.khanhhoa.gov.vn")
    first = run_retention(date(2026, 12, 1))
    assert first.new_notices == 4
    assert sorted(first.emails_sent) == ["vanthu@h41.khanhhoa.gov.vn", "vanthu@h42.khanhhoa.gov.vn"]
    mails = {m["To"]: m for m in smtp_sink.messages}
    own = mails["vanthu@h41.khanhhoa.gov.vn"].get_body(("plain",)).get_content()
    assert holdings["permanent"] in own and holdings["expired"] in own and "sắp đến hạn nộp lưu" in own
    assert holdings["other_expired"] not in own
    assert {n.dossier_code for n in notifications(ORGAN)} == {holdings["permanent"], holdings["permanent_late"],
                                                            holdings["expired"]}
    assert all(n.emailed_at for n in notifications(ORGAN))

    again = run_retention(date(2026, 12, 2))
    assert again.new_notices == 0 and again.emails_sent == [] and len(smtp_sink.messages) == 2


def test_an_agency_s_notice_address_is_set_by_its_staff_or_an_administrator_and_audited(holdings):
    from archive.catalog.models import AuditEntry
    from archive.catalog.notifications import AgencyContact
    for who in (Principal("x", "archivist", OTHER_ORGAN), AUDITOR, Principal("doc.gia", "researcher")):
        with pytest.raises(Forbidden):
            set_contact(who, ORGAN, "ke-gian@example.com")
    with pytest.raises(InvalidRequest):
        set_contact(HEAD, ORGAN, "khong-phai-dia-chi")
    set_contact(HEAD, ORGAN, "vanthu@h41.khanhhoa.gov.vn")
    with session_scope() as s:
        assert s.get(AgencyContact, ORGAN).email == "vanthu@h41.khanhhoa.gov.vn"
        [entry] = s.query(AuditEntry).filter(AuditEntry.action == "notify").all()
        assert (entry.actor, entry.agency, entry.detail["contact"]) == (HEAD.user, ORGAN, "vanthu@h41.khanhhoa.gov.vn")


def test_notices_are_read_by_their_agency_or_the_province(holdings):
    run_retention(date(2026, 12, 1))
    assert {n.organ_id for n in notices_for(ARCHIVIST, None)} == {ORGAN}
    assert {n.organ_id for n in notices_for(AUDITOR, OTHER_ORGAN)} == {OTHER_ORGAN}
    with pytest.raises(Forbidden):
        notices_for(ARCHIVIST, OTHER_ORGAN)
    with pytest.raises(Forbidden):
        notices_for(Principal("doc.gia", "researcher"), ORGAN)
    with pytest.raises(InvalidRequest):
        notices_for(AUDITOR, None)


def test_unsent_mail_is_retried_by_the_next_run(holdings, smtp_sink, monkeypatch):
    set_contact(ARCHIVIST, ORGAN, "vanthu@h41.khanhhoa.gov.vn")
    run_retention(date(2026, 12, 1))  # no SMTP configured yet: in-app notices only
    assert not any(n.emailed_at for n in notifications(ORGAN))
    monkeypatch.setenv("LUUTRU_SMTP_URL", smtp_sink.url)
    assert run_retention(date(2026, 12, 2)).emails_sent == ["vanthu@h41.khanhhoa.gov.vn"]
    assert len(smtp_sink.messages) == 1


def test_event_based_period_expires_from_the_recorded_trigger_date(holdings):
    code = holdings["event"]
    assert code not in _listed(date(2040, 1, 1))  # no event recorded: kept
    assert record_trigger(ARCHIVIST, code, date(2024, 2, 29)) == date(2024, 2, 29)  # 0 years after the event
    assert _listed(date(2024, 3, 1))[code] == "retention_expired"
    with pytest.raises(InvalidRequest):
        record_trigger(ARCHIVIST, holdings["kept"], date(2024, 2, 29))


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_cli_records_a_trigger_and_runs_the_daily_listing(holdings, archive_home):
    trigger = subprocess.run([LUUTRU, "retention", "trigger", holdings["event"], "--date", "2024-02-29"],
                             capture_output=True, text=True, env=cli_env(archive_home, ARCHIVIST))
    assert trigger.returncode == 0, trigger.stderr
    outsider = Principal("x", "archivist", OTHER_ORGAN)
    refused = subprocess.run([LUUTRU, "retention", "trigger", holdings["event"], "--date", "2024-02-29"],
                             capture_output=True, text=True, env=cli_env(archive_home, outsider))
    assert refused.returncode == 1 and "forbidden" in refused.stderr
    forged = subprocess.run([LUUTRU, "retention", "run", "--today", "2024-03-01"], capture_output=True, text=True,
                            env=cli_env(archive_home))
    assert forged.returncode == 2 and "--today" in forged.stderr        # the date is the instance's, not a flag
    run = subprocess.run([LUUTRU, "retention", "run"], capture_output=True, text=True,
                         env=cli_env(archive_home) | {"LUUTRU_FIXED_TODAY": "2024-03-01"})
    assert run.returncode == 0, run.stderr
    assert holdings["event"] in run.stdout and holdings["expired"] in run.stdout
    with session_scope() as s:
        from archive.catalog.notifications import Notification
        assert s.query(Notification).count() == 3
