"""Credentials end when they should: a cookie kept after logout, a revoked or expired token,
the sessions and tokens of a deactivated account, the sessions opened with an old password;
and guessing passwords in parallel gets no more than the lock-out allows."""
from __future__ import annotations

import uuid

import pytest

from archive.settings import get_settings
from tests.api.conftest import PASSWORD
from tests.fixtures.archives import LUUTRU


def _new_user(role: str = "researcher", agency: str | None = None) -> str:
    from api import accounts
    name = f"tk-{uuid.uuid4().hex[:8]}"
    accounts.create_user(name, role, agency, PASSWORD, actor="test")
    return name


def _login(client, username: str, password: str = PASSWORD):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"], client.cookies.get("luutru_session")


def _me_with_cookie(archive, cookie: str) -> int:
    archive.client.cookies.clear()
    archive.client.cookies.set("luutru_session", cookie)
    try:
        return archive.client.get("/api/v1/auth/me").status_code
    finally:
        archive.client.cookies.clear()


def test_a_cookie_reused_after_logout_is_refused(archive, client):
    name = _new_user()
    csrf, cookie = _login(client, name)
    assert _me_with_cookie(archive, cookie) == 200
    client.cookies.set("luutru_session", cookie)
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert _me_with_cookie(archive, cookie) == 401       # the copy kept by whoever had it opens nothing


def test_a_token_reused_after_revocation_is_refused(archive, client):
    name = _new_user()
    csrf, _ = _login(client, name)
    created = client.post("/api/v1/auth/tokens", json={"name": "qlvb"}, headers={"X-CSRF-Token": csrf}).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    client.cookies.clear()
    [listed] = client.get("/api/v1/auth/tokens", headers=bearer).json()
    assert listed["name"] == "qlvb" and "token" not in listed and listed["revoked_at"] is None
    lifetime = __import__("datetime").datetime.fromisoformat(listed["expires_at"]) - \
        __import__("datetime").datetime.fromisoformat(listed["created_at"])
    assert lifetime.days == get_settings().token_lifetime_days == 365
    # someone else's token is not theirs to revoke, and is not even said to exist
    assert client.delete(f"/api/v1/auth/tokens/{listed['id']}", headers=archive.as_user("researcher")
                         ).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{listed['id']}", headers=bearer).status_code == 204
    refused = client.get("/api/v1/auth/me", headers=bearer)
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"


def test_an_expired_token_is_refused(archive, client):
    from api import accounts
    from archive.catalog.db import session_scope
    from archive.clock import utcnow
    name = _new_user()
    with session_scope() as s:
        user_id = accounts.find_user(s, name).id
    secret = accounts.issue_token(user_id, "cu", actor="test")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    with session_scope() as s:
        s.query(accounts.ApiToken).filter_by(user_id=user_id).update({"expires_at": utcnow()})
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401


def test_deactivation_ends_sessions_and_tokens(archive, client):
    name = _new_user("archivist", "000.00.00.H41")
    _, cookie = _login(client, name)
    client.cookies.clear()
    from api import accounts
    from archive.catalog.db import session_scope
    with session_scope() as s:
        user_id = accounts.find_user(s, name).id
    bearer = {"Authorization": f"Bearer {accounts.issue_token(user_id, 'qlvb', actor='test')}"}
    response = client.post(f"/api/v1/users/{name}/deactivate", headers=archive.as_user("admin"))
    assert response.status_code == 200 and response.json()["active"] is False
    assert _me_with_cookie(archive, cookie) == 401
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).status_code == 401
    assert client.post(f"/api/v1/users/{name}/deactivate", headers=archive.as_user("head_a")).status_code == 403


def test_password_change_needs_the_old_one_and_ends_the_other_sessions(archive, client):
    name = _new_user()
    _, other_cookie = _login(client, name)
    client.cookies.clear()
    csrf, cookie = _login(client, name)
    wrong = client.post("/api/v1/auth/password", json={"current_password": "doan-bua-thoi",
                                                      "new_password": "mat-khau-moi-2026"},
                        headers={"X-CSRF-Token": csrf})
    assert wrong.status_code == 401
    changed = client.post("/api/v1/auth/password", json={"current_password": PASSWORD,
                                                        "new_password": "mat-khau-moi-2026"},
                          headers={"X-CSRF-Token": csrf})
    assert changed.status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 200              # this session goes on
    assert _me_with_cookie(archive, other_cookie) == 401                   # the other one is over
    client.cookies.clear()
    assert client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).status_code == 401
    _login(client, name, "mat-khau-moi-2026")


def test_staff_role_without_an_agency_is_refused(archive):
    from api import accounts
    from archive.errors import InvalidRequest
    with pytest.raises(InvalidRequest, match="belongs to an agency"):
        accounts.create_user(f"tk-{uuid.uuid4().hex[:8]}", "archivist", None, PASSWORD, actor="test")


def test_cli_lists_revokes_tokens_deactivates_and_sets_passwords(tmp_path):
    import os
    import subprocess
    env = {**os.environ, "LUUTRU_DATA_DIR": str(tmp_path)}

    def run(*args, stdin: str | None = None) -> str:
        done = subprocess.run([LUUTRU, "user", *args], env=env, input=stdin, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("add", "quantri", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")   # the first one
    env["LUUTRU_TOKEN"] = run("token", "quantri", "--password-stdin", stdin=PASSWORD + "\n").strip()
    subprocess.run([LUUTRU, "agency", "add", "000.00.00.H41", "--name", "UBND tỉnh Khánh Hòa"], env=env, check=True,
                   capture_output=True)
    run("add", "he-thong", "--role", "archivist", "--agency", "000.00.00.H41", "--no-password")
    run("token", "he-thong", "--name", "qlvb")
    [line] = run("tokens", "he-thong").splitlines()
    token_id, name, _, _, state = line.split("\t")
    assert (name, state) == ("qlvb", "còn hiệu lực")
    run("revoke-token", token_id)
    assert run("tokens", "he-thong").split("\t")[-1].strip() == "đã thu hồi"
    run("password", "he-thong", "--password-stdin", stdin="mat-khau-moi-2026\n")
    run("deactivate", "he-thong")
    refused = subprocess.run([LUUTRU, "user", "add", "x", "--role", "council", "--no-password"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "invalid_request" in refused.stderr
