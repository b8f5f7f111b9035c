"""A dossier the caller may not find answers 404 on every route, before any rule on role,
agency or state could give it away (a 403 naming its agency, a 409 with its retention date);
downloads are refused, coded and audited, rather than sending a lost or damaged file; answers
that depend on who asks are never cached."""
from __future__ import annotations

import pytest
from sqlalchemy import select



GHOST = "000.00.00.H41.2099.99.XX"       # no such dossier


def _request(archive, user, method, path, body, code):
    import json
    payload = json.loads(json.dumps(body).replace("{code}", code))
    return archive.client.request(method, "/api/v1" + path.replace("{code}", code), json=payload,
                                  headers=archive.as_user(user))


@pytest.mark.parametrize("user, method, path, body", [
    ("head_b", "POST", "/dossiers/{code}/hold", {"reason": "Thanh tra"}),
    ("head_b", "DELETE", "/dossiers/{code}/hold", {"reason": "Xong"}),
    ("researcher", "POST", "/dossiers/{code}/hold", {"reason": "Thanh tra"}),
    ("archivist_b", "POST", "/dossiers/{code}/retention-trigger", {"trigger_date": "2020-01-01"}),
    ("archivist_b", "POST", "/destruction-lists", {"items": [{"dossier_code": "{code}", "reason": "Hết giá trị"}]}),
    ("archivist_b", "POST", "/transfers", {"dossier_codes": ["{code}"]}),
])
def test_another_agency_s_restricted_dossier_is_not_found_on_lifecycle_routes(archive, user, method, path, body):
    """Its answer is the very answer for a dossier that does not exist: nothing tells them apart."""
    code = archive.restricted_code
    response = _request(archive, user, method, path, body, code)
    assert response.status_code == 404, response.text
    ghost = _request(archive, user, method, path, body, GHOST)
    assert ghost.status_code == 404
    assert response.json() == {k: v.replace(GHOST, code) if isinstance(v, str) else v
                               for k, v in ghost.json().items()}


def test_a_dossier_one_may_find_of_another_agency_is_refused_for_agency_before_its_state(archive):
    """The open dossier of agency B is findable: archivist A learns it is not theirs (403), not
    whether it has expired (409)."""
    response = archive.client.post("/api/v1/destruction-lists", headers=archive.as_user("archivist_a"),
                                   json={"items": [{"dossier_code": archive.open_code, "reason": "Hết giá trị"}]})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def _download(archive, user: str, code: str):
    file = archive.file(code, "preservation")
    return file, archive.client.get(f"/api/v1/files/{file['id']}/content", headers=archive.as_user(user))


def _last_download_entry(object_: str):
    from archive.catalog import session_scope
    from archive.catalog.models import AuditEntry
    with session_scope() as s:
        return s.execute(select(AuditEntry).where(AuditEntry.action == "download", AuditEntry.object == object_)
                         .order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()


def test_download_of_a_file_with_an_open_fixity_alarm_is_refused_coded_and_audited(archive):
    from archive.catalog import session_scope
    from archive.catalog.models import FixityAlarm
    from archive.clock import utcnow
    file, _ = _download(archive, "archivist_b", archive.open_code)
    version = archive.client.get(f"/api/v1/dossiers/{archive.open_code}/versions",
                                 headers=archive.as_user("archivist_b")).json()[-1]
    key = f"{version['object_prefix']}/{file['path']}"
    with session_scope() as s:
        alarm = FixityAlarm(key=key, kind="mismatch", expected_sha256=file["sha256"], actual_sha256="0" * 64)
        s.add(alarm)
    try:
        _, response = _download(archive, "researcher", archive.open_code)
        assert response.status_code == 409 and response.json()["code"] == "fixity_alarm_open"
        entry = _last_download_entry(f"file:{file['id']}")
        assert (entry.actor, entry.outcome, entry.detail["code"]) == ("researcher", "denied", "fixity_alarm_open")
    finally:
        with session_scope() as s:
            s.get(FixityAlarm, alarm.id).repaired_at = utcnow()
    assert _download(archive, "researcher", archive.open_code)[1].status_code == 200


def test_download_of_a_lost_object_is_an_error_before_any_byte_is_sent(archive):
    from archive.storage import open_store
    file, _ = _download(archive, "archivist_b", archive.open_code)
    version = archive.client.get(f"/api/v1/dossiers/{archive.open_code}/versions",
                                 headers=archive.as_user("archivist_b")).json()[-1]
    path = open_store().physical_path(f"{version['object_prefix']}/{file['path']}")
    hidden = path.with_name(path.name + ".away")
    path.rename(hidden)
    try:
        _, response = _download(archive, "researcher", archive.open_code)
        assert response.status_code == 404 and response.json()["code"] == "object_missing"
        assert _last_download_entry(f"file:{file['id']}").detail["code"] == "object_missing"
    finally:
        hidden.rename(path)


@pytest.mark.parametrize("path", ["/api/v1/dossiers/{restricted}", "/api/v1/dossiers/{restricted}/files",
                                  "/api/v1/search?q=hop", "/api/v1/audit"])
def test_answers_that_depend_on_the_caller_are_never_cached(archive, path):
    response = archive.client.get(path.format(restricted=archive.restricted_code),
                                  headers=archive.as_user("archivist_a"))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store, private"


def test_restricted_download_is_never_cached(archive):
    _, response = _download(archive, "archivist_a", archive.restricted_code)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store, private"


def test_web_search_page_caps_the_query_like_the_api(archive, client):
    from tests.api.test_pages import _login
    _login(client, "researcher")
    assert client.get("/search", params={"q": "a" * 500}).status_code == 200
    page = client.get("/search", params={"q": "a" * 501})
    assert page.status_code == 400 and "Yêu cầu tìm kiếm không hợp lệ." in page.text
    api = archive.client.get("/api/v1/search", params={"q": "a" * 501}, headers=archive.as_user("researcher"))
    assert api.status_code == 422
