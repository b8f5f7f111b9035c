"""The archive's one clock: "today" and "now" in the configured time zone.

``LUUTRU_FIXED_TODAY`` (test and training instances) fixes the date everywhere — CLI, API,
Celery tasks, pages and reports alike. The date is never taken from a request or a command
line's claim, so no caller can make a dossier look expired.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from archive.settings import Settings, get_settings


def today(settings: Settings | None = None) -> date:
    settings = settings or get_settings()
    return settings.fixed_today or datetime.now(ZoneInfo(settings.timezone)).date()


def now(settings: Settings | None = None) -> datetime:
    """The current time in the archive's zone (timestamps are real even when the date is fixed)."""
    return datetime.now(ZoneInfo((settings or get_settings()).timezone))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
