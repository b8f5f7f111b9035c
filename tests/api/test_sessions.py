"""Web login: a signed session cookie with secure flags; writes through it need the CSRF token."""
from __future__ import annotations

from tests.api.conftest import PASSWORD


def _login(client, username: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def test_session_cookie_is_secure_httponly_and_same_site(client):
    cookie = _login(client, "researcher").headers["set-cookie"].lower()
    assert "luutru_session=" in cookie and "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_logged_in_user_reads_through_the_session(archive, client):
    _login(client, "archivist_a")
    me = client.get("/api/v1/auth/me").json()
    assert (me["username"], me["role"], me["organ_id"]) == ("archivist_a", "archivist", "000.00.00.H41")
    assert client.get(f"/api/v1/dossiers/{archive.restricted_code}").status_code == 200


def test_session_write_without_the_csrf_token_is_refused(client):
    _login(client, "researcher")
    response = client.post("/api/v1/auth/tokens", json={"name": "x"})
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    wrong = client.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "doan-bua"})
    assert wrong.status_code == 403


def test_session_write_with_the_csrf_token_goes_through(client):
    token = _login(client, "researcher").json()["csrf_token"]
    response = client.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 201 and response.json()["token"].startswith("lt_")


def test_new_api_token_works_as_a_bearer_token(client):
    token = _login(client, "auditor").json()["csrf_token"]
    secret = client.post("/api/v1/auth/tokens", json={"name": "he-thong"}, headers={"X-CSRF-Token": token}
                         ).json()["token"]
    client.cookies.clear()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).json()["role"] == "auditor"


def test_logout_ends_the_session(client):
    token = _login(client, "council_b").json()["csrf_token"]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_api_tokens_are_stored_hashed(archive, client):
    from sqlalchemy import select

    from archive.catalog.accounts import ApiToken
    from archive.catalog.db import session_scope
    with session_scope() as session:
        stored = set(session.execute(select(ApiToken.token_sha256)).scalars())
    assert not stored & set(archive.tokens.values())
    assert all(len(s) == 64 for s in stored)


def test_repeated_wrong_passwords_lock_the_user_name_out_for_a_while(client):
    from api import accounts
    accounts.create_user("thu-doan-mat-khau", "researcher", None, PASSWORD, actor="test")
    for _ in range(5):
        wrong = client.post("/api/v1/auth/login", json={"username": "thu-doan-mat-khau", "password": "sai-mat-khau"})
        assert wrong.status_code == 401
    locked = client.post("/api/v1/auth/login", json={"username": "thu-doan-mat-khau", "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_login_attempts"
    assert int(locked.headers["retry-after"]) == 15 * 60
    assert _login(client, "researcher").status_code == 200          # other users are not affected
