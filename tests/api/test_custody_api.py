"""Through the REST API and the web pages alike, a destroyed dossier takes no new hold,
retention trigger or access grant: the API answers 409 problem+json ``dossier_not_in_custody``,
the dossier page offers no such form and its form answers the same 409 in Vietnamese, each
refusal is in the audit trail, and the dossier's record is unchanged."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, DossierRecord
from archive.lifecycle.destruction import execute_list
from tests.api.conftest import AGENCY_A
from tests.api.test_destruction_pages import _as
from tests.archive.lifecycle.conftest import ARCHIVIST, catalogue, walk_to_approval

TODAY = date(2026, 6, 1)
API = "/api/v1"


@pytest.fixture
def destroyed(archive) -> str:
    """A dossier of agency A destroyed by a real destruction list."""
    code = catalogue("HUY-GD", "10 năm", date(2010, 6, 30), organ=AGENCY_A, title="Hồ sơ đã hủy thử giao diện")
    execute_list(ARCHIVIST, walk_to_approval(code, TODAY), today=TODAY)
    return code


def _record(code: str) -> tuple:
    with session_scope() as s:
        r = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
        return r.status, r.legal_hold, r.event_trigger_date, r.retention_expiry


def _last_refusal() -> AuditEntry:
    with session_scope() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "refused").order_by(AuditEntry.seq.desc()))
        s.expunge(entry)
        return entry


def test_the_api_refuses_a_hold_trigger_or_grant_on_a_destroyed_dossier(archive, destroyed):
    before = _record(destroyed)
    for user, method, path, body in (
            ("head_a", "POST", f"/dossiers/{destroyed}/hold", {"reason": "Thanh tra"}),
            ("auditor", "POST", f"/dossiers/{destroyed}/hold", {"reason": "Thanh tra"}),
            ("archivist_a", "POST", f"/dossiers/{destroyed}/retention-trigger", {"trigger_date": "2024-02-29"}),
            ("admin", "POST", "/grants", {"username": "researcher", "dossier_code": destroyed})):
        refused = archive.client.request(method, API + path, headers=archive.as_user(user), json=body)
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert (problem["code"], problem["status"], problem["dossier_status"], problem["dossier"]) == (
            "dossier_not_in_custody", 409, "destroyed", destroyed)
        assert "đã bị hủy" in problem["message_vi"]
        entry = _last_refusal()
        assert (entry.actor, entry.object, entry.detail["code"], entry.detail["via"]) == (
            user, f"{method} {API}{path}", "dossier_not_in_custody", "api")
    stranger = archive.client.post(f"{API}/dossiers/{destroyed}/hold", headers=archive.as_user("head_b"),
                                   json={"reason": "x"})
    assert stranger.status_code == 403 and stranger.json()["code"] == "forbidden"   # another agency's: that first
    assert _record(destroyed) == before
    assert audit.verify().ok


def test_the_dossier_page_offers_no_hold_and_its_form_is_refused(archive, client, destroyed):
    page = f"/dossiers/{destroyed}"
    token = _as(client, "head_a")
    shown = client.get(page)
    assert shown.status_code == 200 and f"{page}/hold" not in shown.text
    refused = client.post(f"{page}/hold", data={"csrf_token": token, "reason": "Thanh tra"})
    assert refused.status_code == 409 and "đã bị hủy" in refused.text and "dossier_not_in_custody" in refused.text
    token = _as(client, "archivist_a")
    refused = client.post(f"{page}/retention-trigger", data={"csrf_token": token, "trigger_date": "2024-02-29"})
    assert refused.status_code == 409 and "đã bị hủy" in refused.text
    entry = _last_refusal()
    assert (entry.actor, entry.detail["via"], entry.detail["code"]) == ("archivist_a", "web", "dossier_not_in_custody")
    assert _record(destroyed)[1:3] == (False, None)


def test_a_hold_in_force_on_a_transferred_dossier_is_still_lifted_on_its_page(archive, client):
    """Transferred while held (a hold stops destruction, not transfer): its authority may still
    lift the hold from the dossier page, as through the API; no new hold is offered after."""
    from archive.lifecycle.legal_hold import place_hold
    from tests.api.test_destruction_pages import _post
    from tests.archive.lifecycle.conftest import HEAD
    code = catalogue("NL-GD", "Vĩnh viễn", date(2001, 12, 31), organ=AGENCY_A, title="Hồ sơ đã nộp lưu thử giao diện")
    place_hold(HEAD, code, "Thanh tra")
    with session_scope() as s:      # as acknowledge_transfer leaves it (tests/archive/lifecycle/test_custody.py)
        s.scalar(select(DossierRecord).where(DossierRecord.code == code)).status = "transferred"
    page = f"/dossiers/{code}"
    token = _as(client, "head_a")
    assert f"{page}/hold/lift" in client.get(page).text
    lifted = _post(client, token, f"{page}/hold/lift", reason="Kết thúc thanh tra")
    assert "Đã gỡ phong tỏa" in lifted.text and f"{page}/hold" not in lifted.text
    assert _record(code)[:2] == ("transferred", False)
