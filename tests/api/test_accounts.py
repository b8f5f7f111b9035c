"""Accounts on both catalog databases: users, Argon2 logins, hashed tokens, grants, lockout."""
from __future__ import annotations

import threading

import pytest

from archive.errors import AccountExists, InvalidCredentials, NotFound, TooManyLoginAttempts
from archive.settings import get_settings


@pytest.fixture
def accounts_catalog(catalog_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LUUTRU_DATABASE_URL", catalog_url)
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "var"))
    from tests.fixtures.agencies import register_agencies
    register_agencies("000.00.00.H41")      # staff accounts belong to a registered agency
    yield catalog_url


def test_user_logs_in_with_the_password_and_gets_a_principal_with_grants(accounts_catalog):
    from api import accounts
    from archive.catalog.db import session_scope
    accounts.create_user("doc-gia", "researcher", None, "mat-khau-dai-1", actor="test")
    accounts.grant("doc-gia", "000.00.00.H41.2021.20.VP", actor="test")
    with session_scope() as session:
        user = accounts.authenticate(session, "doc-gia", "mat-khau-dai-1")
        principal = accounts.principal_of(session, user)
    assert principal.granted == {"000.00.00.H41.2021.20.VP"} and principal.role == "researcher"
    with pytest.raises(AccountExists):
        accounts.create_user("doc-gia", "researcher", None, "mat-khau-khac-2", actor="test")


def test_token_finds_its_user_until_the_user_is_disabled(accounts_catalog):
    from api import accounts
    from archive.catalog.db import session_scope
    user = accounts.create_user("he-thong", "archivist", "000.00.00.H41", None, actor="test")
    token = accounts.issue_token(user.id, "qlvb", actor="test")
    with session_scope() as session:
        assert accounts.user_for_token(session, token).username == "he-thong"
        assert accounts.user_for_token(session, token + "x") is None
        with pytest.raises(InvalidCredentials):              # a token-only account has no password
            accounts.authenticate(session, "he-thong", "")
        session.get(accounts.User, user.id).active = False
    with session_scope() as session:
        assert accounts.user_for_token(session, token) is None


def test_revoking_a_grant_that_does_not_exist_is_not_found(accounts_catalog):
    from api import accounts
    accounts.create_user("doc-gia", "researcher", None, "mat-khau-dai-1", actor="test")
    with pytest.raises(NotFound):
        accounts.revoke("doc-gia", "000.00.00.H41.2021.99.VP", actor="test")


def test_lockout_counts_only_recent_failures_of_that_user_name(accounts_catalog, monkeypatch):
    from api import accounts
    from archive.catalog.db import session_scope
    monkeypatch.setenv("LUUTRU_LOGIN_MAX_FAILURES", "2")
    accounts.create_user("doc-gia", "researcher", None, "mat-khau-dai-1", actor="test")
    for _ in range(2):
        with session_scope() as session, pytest.raises(InvalidCredentials):
            accounts.authenticate(session, "doc-gia", "sai")
    with session_scope() as session, pytest.raises(TooManyLoginAttempts):
        accounts.authenticate(session, "doc-gia", "mat-khau-dai-1")
    monkeypatch.setenv("LUUTRU_LOGIN_LOCKOUT_MINUTES", "0")
    with session_scope() as session:
        assert accounts.authenticate(session, "doc-gia", "mat-khau-dai-1").username == "doc-gia"


@pytest.fixture
def counted_password_checks(monkeypatch):
    """How many times a password is actually verified (Argon2, the real hasher)."""
    from api import accounts
    real = accounts._hasher
    checks = []
    lock = threading.Lock()

    class Counting:
        def verify(self, hash_, password):
            with lock:
                checks.append(password)
            return real.verify(hash_, password)

        def hash(self, password):
            return real.hash(password)
    monkeypatch.setattr(accounts, "_hasher", Counting())
    return checks


def test_forty_parallel_wrong_logins_check_at_most_five_passwords(accounts_catalog, counted_password_checks):
    from api import accounts
    from archive.catalog.db import session_scope
    from archive.errors import InvalidCredentials, TooManyLoginAttempts
    accounts.create_user("nan-nhan", "researcher", None, "mat-khau-dung-1", actor="test")
    outcomes: list[str] = []
    start = threading.Barrier(40)

    def guess(i: int) -> None:
        start.wait()
        try:
            with session_scope() as session:
                accounts.authenticate(session, "nan-nhan", f"doan-sai-{i}")
            outcomes.append("in")
        except (InvalidCredentials, TooManyLoginAttempts) as exc:
            outcomes.append(exc.code)
        except Exception as exc:        # reported by the assertion below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(counted_password_checks) <= get_settings().login_max_failures == 5
    assert sorted(set(outcomes)) == ["invalid_credentials", "too_many_login_attempts"]
    assert outcomes.count("too_many_login_attempts") >= 35
    with session_scope() as session, pytest.raises(TooManyLoginAttempts):   # the right one too, for now
        accounts.authenticate(session, "nan-nhan", "mat-khau-dung-1")
