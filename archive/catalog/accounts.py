"""Tables of the accounts: users, API tokens of agency systems, web sessions, login throttling
and researchers' grants.

Passwords are kept as Argon2id hashes; of an API token only its SHA-256 is stored
(api.accounts creates and checks both).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.access import ROLES
from archive.catalog.models import Base
from archive.clock import utcnow


class User(Base):
    """Người dùng: one person or agency system, in one agency, with one role."""
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    organ_id: Mapped[str | None] = mapped_column(String(13), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: API tokens only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token of an agency system; only its SHA-256 is stored."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """Phiên làm việc: a web login, kept on the server so logout and deactivation end it (a
    signed cookie alone stays valid until it expires, whoever kept a copy)."""
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(40))


class LoginThrottle(Base):
    """Login attempts of one user name in the current window, counted before the password is
    checked, so parallel guesses cannot all slip in before the first failure is recorded."""
    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    attempts: Mapped[int]
    window_start: Mapped[datetime]


class Grant(Base):
    """Quyền khai thác: a researcher may read one restricted dossier."""
    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_id", "dossier_code", name="uq_grants_user_dossier"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    granted_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]         # None: until revoked (an approved access request ends)
