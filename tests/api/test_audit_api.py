"""GET /api/v1/audit: the trail, a page at a time, as far as the caller's rights reach."""
from __future__ import annotations

import pytest

from tests.api.conftest import AGENCY_A, AGENCY_B


def _trail(archive, user: str, **params) -> dict:
    response = archive.client.get("/api/v1/audit", params=params, headers=archive.as_user(user))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store, private"
    return response.json()


def test_auditor_reads_every_agency_s_entries_page_by_page(archive):
    archive.client.get(f"/api/v1/dossiers/{archive.open_code}", headers=archive.as_user("archivist_b"))
    archive.client.get(f"/api/v1/dossiers/{archive.restricted_code}", headers=archive.as_user("archivist_a"))
    first = _trail(archive, "auditor", per_page=2)
    assert first["total"] > 2 and len(first["items"]) == 2
    second = _trail(archive, "auditor", per_page=2, page=2)
    assert second["items"][0]["seq"] > first["items"][1]["seq"]
    objects = {e["object"] for e in _trail(archive, "auditor", action="view", per_page=200)["items"]}
    assert {archive.open_code, archive.restricted_code} <= objects


def test_agency_staff_read_only_their_agency_s_records(archive):
    archive.client.get(f"/api/v1/dossiers/{archive.restricted_code}", headers=archive.as_user("auditor"))
    for user, own, other in (("archivist_b", AGENCY_B, AGENCY_A), ("head_a", AGENCY_A, AGENCY_B)):
        items = _trail(archive, user, per_page=200)["items"]
        assert items and all(e["object"].startswith(own + ".") for e in items)
        # asking for another agency's dossier yields nothing, not even a count
        other_code = archive.restricted_code if other == AGENCY_A else archive.open_code
        assert _trail(archive, user, dossier=other_code) == {"total": 0, "page": 1, "per_page": 50, "items": []}


def test_filters_by_dossier_actor_and_action(archive):
    archive.client.get(f"/api/v1/dossiers/{archive.open_code}", headers=archive.as_user("researcher"))
    items = _trail(archive, "admin", dossier=archive.open_code, actor="researcher", action="view")["items"]
    assert items and all((e["actor"], e["action"], e["object"]) == ("researcher", "view", archive.open_code)
                         for e in items)


@pytest.mark.parametrize("user", ["researcher", "researcher_granted"])
def test_researchers_read_no_trail(archive, user):
    response = archive.client.get("/api/v1/audit", headers=archive.as_user(user))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_dashboard_shows_the_last_verified_checkpoint(archive, client):
    from archive import audit
    from archive.audit_checkpoint import write_checkpoint
    from archive.storage import open_store
    from tests.api.test_pages import _login
    checkpoint = write_checkpoint("daily")
    assert audit.verify(store=open_store()).ok
    _login(client, "auditor")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert f"đã xác minh đến điểm kiểm tra mục {checkpoint.seq}" in page.text
