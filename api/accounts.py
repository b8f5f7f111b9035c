"""Accounts (tài khoản): users of an agency with one role, API tokens for agency systems, and
grants that let a researcher read one restricted dossier (their tables: archive.catalog.accounts).

Passwords are kept as Argon2id hashes (argon2-cffi). API tokens are random 256-bit secrets
shown once; only their SHA-256 is stored, which is enough for secrets of that strength and
lets a token be looked up by its hash. Every change is written to the audit trail.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.accounts import ApiToken, Grant, User
from archive.catalog.models import AuditEntry
from archive.errors import AccountExists, InvalidCredentials, InvalidRequest, NotFound, TooManyLoginAttempts
from archive.settings import Settings, get_settings
from archive.access import ROLES, Principal

TOKEN_PREFIX = "lt_"
_hasher = PasswordHasher()
# Verified when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRequest(f"unknown role {role!r}; expected one of {', '.join(ROLES)}",
                             message_vi=f"Vai trò không hợp lệ: {role}.")
    return role


def create_user(username: str, role: str, organ_id: str | None, password: str | None, *, actor: str) -> User:
    """A new user; ``organ_id`` None only for roles outside any agency (auditor, admin)."""
    check_role(role)
    username = username.strip()
    if not username or len(username) > 100:
        raise InvalidRequest("a user name has 1 to 100 characters", message_vi="Tên đăng nhập không hợp lệ.")
    with session_scope() as session:
        audit.record("metadata_change", actor=actor, agency=organ_id, object=f"user:{username}",
                     detail={"created": username, "role": role}, session=session)
        if session.execute(select(User.id).where(User.username == username)).first():
            raise AccountExists(f"user {username!r} exists", username=username)
        user = User(username=username, role=role, organ_id=organ_id,
                    password_hash=_hasher.hash(password) if password else None)
        session.add(user)
        session.flush()
        return user


def check_not_locked_out(session: Session, username: str, settings: Settings | None = None) -> None:
    """Refuse logins of a user name with too many recent failures (counted in the audit trail)."""
    settings = settings or get_settings()
    since = (datetime.now(ZoneInfo(settings.timezone)) - timedelta(minutes=settings.login_lockout_minutes)
             ).isoformat(timespec="microseconds")
    failures = session.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login", AuditEntry.outcome == "failure", AuditEntry.actor == username,
        AuditEntry.time >= since)).scalar_one()
    if failures >= settings.login_max_failures:
        raise TooManyLoginAttempts(f"{failures} failed logins of {username!r} in {settings.login_lockout_minutes} min",
                                   headers={"Retry-After": str(settings.login_lockout_minutes * 60)})


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this name and password; InvalidCredentials otherwise (every failure
    is audited, and a user name with too many recent failures is locked out for a while)."""
    check_not_locked_out(session, username)
    try:
        return _verify(session, username, password)
    except InvalidCredentials:
        session.commit()        # release this session's connection: the audit trail takes its own
        audit.record("login", actor=username, outcome="failure")
        raise


def _verify(session: Session, username: str, password: str) -> User:
    user = session.execute(select(User).where(User.username == username, User.active)).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials() from None
    if user is None or user.password_hash is None:
        raise InvalidCredentials()
    return user


def issue_token(user_id: int, name: str, *, actor: str) -> str:
    """A new API token for the user; the secret is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with session_scope() as session:
        audit.record("metadata_change", actor=actor, object=f"user:{user_id}", detail={"token_issued": name},
                     session=session)
        session.add(ApiToken(user_id=user_id, name=name, token_sha256=_token_digest(token)))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(select(User).join(ApiToken, ApiToken.user_id == User.id).where(
        ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked_at.is_(None), User.active)).first()
    return row[0] if row else None


def find_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r}", message_vi=f"Không có người dùng {username}.")
    return user


def grant(username: str, dossier_code: str, *, actor: str) -> Grant:
    """Let a user read one restricted dossier (idempotent)."""
    with session_scope() as session:
        audit.record("grant", actor=actor, object=dossier_code, detail={"user": username}, session=session)
        user = find_user(session, username)
        existing = session.execute(select(Grant).where(Grant.user_id == user.id,
                                                       Grant.dossier_code == dossier_code)).scalar_one_or_none()
        if existing is not None:
            return existing
        row = Grant(user_id=user.id, dossier_code=dossier_code, granted_by=actor)
        session.add(row)
        session.flush()
        return row


def revoke(username: str, dossier_code: str, *, actor: str) -> None:
    with session_scope() as session:
        audit.record("revoke", actor=actor, object=dossier_code, detail={"user": username}, session=session)
        user = find_user(session, username)
        row = session.execute(select(Grant).where(Grant.user_id == user.id, Grant.dossier_code == dossier_code)
                              ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"{username} has no grant on {dossier_code}", message_vi="Không có quyền khai thác này.")
        session.delete(row)


def principal_of(session: Session, user: User) -> Principal:
    """Who the user is for the rights rules (archive.access): role, agency, granted dossiers."""
    granted = session.execute(select(Grant.dossier_code).where(Grant.user_id == user.id)).scalars()
    return Principal(user.username, user.role, user.organ_id, frozenset(granted))
