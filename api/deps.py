"""What routes receive through ``Depends``: settings, a catalog session, the calling user
(session cookie or bearer token) and role checks. Routes never import globals."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Callable, Iterator, Literal

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.accounts import User, principal_of, user_for_session, user_for_token
from archive import audit, clock
from archive.catalog.db import session_scope
from archive.errors import CsrfFailed, Forbidden, NotAuthenticated
from archive.settings import Settings, get_settings
from archive.access import Principal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def settings_dep() -> Settings:
    return get_settings()


def get_db() -> Iterator[Session]:
    with session_scope() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(settings_dep)]
DbDep = Annotated[Session, Depends(get_db)]


def archive_today(settings: SettingsDep) -> date:
    """The archive clock's today, never a date taken from the request."""
    return clock.today(settings)


TodayDep = Annotated[date, Depends(archive_today)]


@dataclass(frozen=True)
class Caller:
    """The authenticated user, who they are for the rights rules, and how they came in."""
    user: User
    principal: Principal
    via: Literal["session", "token"]

    @property
    def name(self) -> str:
        return self.user.username


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also before login, for the login form)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise CsrfFailed("missing or wrong CSRF token")


def _authenticate(request: Request, db: Session) -> Caller | None:
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        user = user_for_token(db, token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise NotAuthenticated("invalid or revoked API token")
        return Caller(user, principal_of(db, user), "token")
    # The cookie only names a server-side session: one ended by logout, deactivation or a
    # password change is refused even though its signature still holds.
    sid = request.session.get("sid")
    user = user_for_session(db, sid) if isinstance(sid, str) else None
    if user is None:
        return None
    return Caller(user, principal_of(db, user), "session")


def audit_event(db: Session, action: str, **fields) -> None:
    """Append to the audit trail after giving back the request's catalog connection: the trail
    takes its own, and requests each holding two at once starve the pool under load."""
    db.commit()
    audit.record(action, **fields)


def _remember(request: Request, caller: Caller | None) -> None:
    """Who the request is from, as plain text (the User row expires with the session): a
    refusal is audited in that name (api.problems)."""
    request.state.actor = caller.name if caller else None


def optional_user(request: Request, db: DbDep) -> Caller | None:
    """The caller if logged in (web pages redirect to the login page otherwise)."""
    caller = _authenticate(request, db)
    _remember(request, caller)
    db.commit()
    return caller


def current_user(request: Request, db: DbDep) -> Caller:
    """The caller; a write through a session cookie must carry the CSRF token in its header."""
    caller = _authenticate(request, db)
    _remember(request, caller)
    db.commit()                 # the connection goes back to the pool until the route needs one
    if caller is None:
        raise NotAuthenticated("log in or send an API token (Authorization: Bearer …)")
    if caller.via == "session" and request.method not in SAFE_METHODS:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return caller


CallerDep = Annotated[Caller, Depends(current_user)]


def require_role(*roles: str) -> Callable[[Caller], Caller]:
    def check(caller: CallerDep) -> Caller:
        if caller.user.role not in roles:
            raise Forbidden(f"role {caller.user.role} may not do this (needs {' or '.join(roles)})")
        return caller
    return check
