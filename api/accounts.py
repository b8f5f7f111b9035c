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

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import audit
from archive.agencies import require_registered
from archive.catalog.db import session_scope
from archive.catalog.accounts import ApiToken, Grant, LoginThrottle, User, WebSession
from archive.catalog.dossiers import require_in_custody
from archive.catalog.locking import lock_row
from archive.catalog.models import DossierRecord, DossierStatus
from archive.clock import utcnow
from archive.errors import AccountExists, InvalidCredentials, InvalidRequest, NotFound, TooManyLoginAttempts
from archive.settings import Settings, get_settings
from archive.access import AGENCY_STAFF, ROLES, Principal

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
    if role in AGENCY_STAFF and not organ_id:
        raise InvalidRequest(f"role {role} belongs to an agency: give its OrganId",
                             message_vi="Vai trò này thuộc một cơ quan: phải nêu mã định danh cơ quan.")
    username = username.strip()
    if not username or len(username) > 100:
        raise InvalidRequest("a user name has 1 to 100 characters", message_vi="Tên đăng nhập không hợp lệ.")
    with session_scope() as session:
        if role in AGENCY_STAFF:
            require_registered(session, organ_id)
        audit.record("metadata_change", actor=actor, agency=organ_id, object=f"user:{username}",
                     detail={"created": username, "role": role}, session=session)
        if session.execute(select(User.id).where(User.username == username)).first():
            raise AccountExists(f"user {username!r} exists", username=username)
        user = User(username=username, role=role, organ_id=organ_id,
                    password_hash=_hasher.hash(password) if password else None)
        session.add(user)
        session.flush()
        return user


def _count_attempt(username: str, settings: Settings) -> int:
    """This attempt's number in the user name's current window, committed before anything is
    checked: the UPDATE takes the row's lock (the write lock on SQLite), so of 40 parallel
    attempts each gets its own number and only the first ``login_max_failures`` go on."""
    now = utcnow()
    expired = LoginThrottle.window_start < now - timedelta(minutes=settings.login_lockout_minutes)
    for _ in range(3):
        try:
            with session_scope() as session:
                counted = session.execute(update(LoginThrottle).where(LoginThrottle.username == username).values(
                    attempts=case((expired, 1), else_=LoginThrottle.attempts + 1),
                    window_start=case((expired, now), else_=LoginThrottle.window_start)))
                if counted.rowcount:
                    return session.scalar(select(LoginThrottle.attempts).where(LoginThrottle.username == username))
                session.add(LoginThrottle(username=username, attempts=1, window_start=now))
                return 1
        except IntegrityError:      # another attempt created the row first: count on it
            continue
    raise TooManyLoginAttempts(f"could not count the login attempts of {username!r}")


def authenticate(session: Session, username: str, password: str, settings: Settings | None = None) -> User:
    """The active user with this name and password; InvalidCredentials otherwise (audited).
    Every attempt is counted first; beyond ``login_max_failures`` in ``login_lockout_minutes``
    the password is not even checked. A success starts the count again."""
    settings = settings or get_settings()
    attempt = _count_attempt(username, settings)
    if attempt > settings.login_max_failures:
        raise TooManyLoginAttempts(f"{attempt - 1} login attempts of {username!r} in "
                                   f"{settings.login_lockout_minutes} min",
                                   headers={"Retry-After": str(settings.login_lockout_minutes * 60)})
    try:
        user = _verify(session, username, password)
    except InvalidCredentials:
        session.commit()        # release this session's connection: the audit trail takes its own
        audit.record("login", actor=username, outcome="failure")
        raise
    with session_scope() as own:    # committed on its own, as the count was: the caller may only read
        own.execute(update(LoginThrottle).where(LoginThrottle.username == username).values(attempts=0))
    return user


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
    """A new API token for the user, valid ``token_lifetime_days``; the secret is returned once
    and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + timedelta(days=get_settings().token_lifetime_days)
    with session_scope() as session:
        audit.record("metadata_change", actor=actor, object=f"user:{user_id}", detail={"token_issued": name,
                     "expires_at": expires}, session=session)
        session.add(ApiToken(user_id=user_id, name=name, token_sha256=_token_digest(token), created_at=now,
                             expires_at=expires))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(select(User).join(ApiToken, ApiToken.user_id == User.id).where(
        ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > utcnow(), User.active)).first()
    return row[0] if row else None


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def revoke_token(token_id: int, *, actor: str, owner_id: int | None) -> ApiToken:
    """End one API token of user ``owner_id`` (None: of anyone, for an administrator or the
    operator); another user's token is simply not found."""
    with session_scope() as session:
        token = session.get(ApiToken, token_id)
        if token is None or (owner_id is not None and token.user_id != owner_id):
            raise NotFound(f"no API token {token_id}", message_vi="Không tìm thấy mã truy cập API này.")
        audit.record("revoke", actor=actor, object=f"token:{token_id}",
                     detail={"user_id": token.user_id, "name": token.name}, session=session)
        token.revoked_at = token.revoked_at or utcnow()
        return token


# --- Web sessions ------------------------------------------------------------------------

def open_session(user: User) -> str:
    """A new server-side session for the user; the secret goes in the signed cookie only."""
    secret = secrets.token_urlsafe(32)
    with session_scope() as session:
        session.add(WebSession(user_id=user.id, secret_sha256=_token_digest(secret),
                               expires_at=utcnow() + timedelta(seconds=get_settings().session_max_age_seconds)))
    return secret


def user_for_session(session: Session, secret: str) -> User | None:
    row = session.execute(select(User).join(WebSession, WebSession.user_id == User.id).where(
        WebSession.secret_sha256 == _token_digest(secret), WebSession.ended_at.is_(None),
        WebSession.expires_at > utcnow(), User.active)).first()
    return row[0] if row else None


def end_session(secret: str | None, reason: str) -> None:
    if not secret:
        return
    with session_scope() as session:
        session.execute(update(WebSession).where(WebSession.secret_sha256 == _token_digest(secret),
                                                 WebSession.ended_at.is_(None))
                        .values(ended_at=utcnow(), ended_reason=reason))


def _end_sessions_of(session: Session, user_id: int, reason: str, keep: str | None = None) -> int:
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    if keep:
        query = query.where(WebSession.secret_sha256 != _token_digest(keep))
    return session.execute(query.values(ended_at=utcnow(), ended_reason=reason)).rowcount


# --- Account changes ---------------------------------------------------------------------

def deactivate_user(username: str, *, actor: str) -> User:
    """Khóa tài khoản: no login, every session ended, every token revoked (so reactivating
    the account does not bring old credentials back)."""
    with session_scope() as session:
        audit.record("metadata_change", actor=actor, object=f"user:{username}", detail={"deactivated": username},
                     session=session)
        user = find_user(session, username)
        user.active = False
        _end_sessions_of(session, user.id, "deactivated")
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))
        return user


def set_password(username: str, new_password: str, *, actor: str, keep_session: str | None = None) -> None:
    """A new password; every other session of the user ends (whoever knew the old one is out)."""
    check_password(new_password)
    with session_scope() as session:
        audit.record("metadata_change", actor=actor, object=f"user:{username}", detail={"password_changed": username},
                     session=session)
        user = find_user(session, username)
        user.password_hash = _hasher.hash(new_password)
        _end_sessions_of(session, user.id, "password changed", keep=keep_session)


def check_password(password: str) -> str:
    if not 8 <= len(password) <= 1024:
        raise InvalidRequest("a password has 8 to 1024 characters", message_vi="Mật khẩu cần ít nhất 8 ký tự (tối đa 1024).")
    return password


def find_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r}", message_vi=f"Không có người dùng {username}.")
    return user


def grant(username: str, dossier_code: str, *, actor: str, expires_at: datetime | None = None,
          session: Session | None = None) -> Grant:
    """Let a user read one restricted dossier, until ``expires_at`` if given (idempotent; a
    second grant sets the new end). In ``session`` when given, with the caller's other changes.
    A destroyed or transferred dossier is read here no more: no grant of it (one not archived
    yet, or not catalogued yet, may be granted ahead)."""
    if session is None:
        with session_scope() as own:
            return grant(username, dossier_code, actor=actor, expires_at=expires_at, session=own)
    record = lock_row(session, DossierRecord, DossierRecord.code == dossier_code)
    if record is not None and record.status in DossierStatus.left_custody():
        require_in_custody(record, "grant reading it", actor)
    audit.record("grant", actor=actor, object=dossier_code, detail={"user": username, "until": expires_at},
                 session=session)
    user = find_user(session, username)
    existing = session.execute(select(Grant).where(Grant.user_id == user.id,
                                                   Grant.dossier_code == dossier_code)).scalar_one_or_none()
    if existing is not None:
        existing.expires_at = expires_at
        return existing
    row = Grant(user_id=user.id, dossier_code=dossier_code, granted_by=actor, expires_at=expires_at)
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
    granted = session.execute(select(Grant.dossier_code).where(
        Grant.user_id == user.id, or_(Grant.expires_at.is_(None), Grant.expires_at > utcnow()))).scalars()
    return Principal(user.username, user.role, user.organ_id, frozenset(granted))
