"""Retention (thời hạn bảo quản): when a dossier's keeping period ends.

Counted from the year the work ended: a dossier kept N years expires at the end of year
EndYear + N. ``Vĩnh viễn`` never expires (it is transferred to the historical archive
instead). Event-based periods (e.g. the life of a building) expire N years after an event
date that an archivist records; until then they have no expiry.
"""
from __future__ import annotations

from datetime import date

from archive.settings import load_codelists
from schemas.codelists import CodeLists


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the period ends on 28 February
        return day.replace(year=day.year + years, day=28)


def retention_expiry(maintenance: str, end_date: date | None, *, trigger_date: date | None = None,
                     codelists: CodeLists | None = None) -> date | None:
    """The last day the dossier must be kept, or None (permanent, or event not yet recorded)."""
    period = (codelists or load_codelists()).retention_period(maintenance)
    if period is None:
        raise ValueError(f"unknown retention period {maintenance!r}")
    if period.permanent:
        return None
    if period.event:
        return _add_years(trigger_date, period.years or 0) if trigger_date else None
    if end_date is None:
        raise ValueError("a fixed-term retention needs the dossier's EndDate")
    return date(end_date.year + period.years, 12, 31)


def is_permanent(maintenance: str, codelists: CodeLists | None = None) -> bool:
    period = (codelists or load_codelists()).retention_period(maintenance)
    return bool(period and period.permanent)


def transfer_due_date(end_date: date, deadline_years: int) -> date:
    """A permanent dossier must reach the historical archive by the end of EndYear + the deadline."""
    return date(end_date.year + deadline_years, 12, 31)


def is_expired(expiry: date | None, today: date) -> bool:
    """Expired once the last day of keeping has passed; permanent (None) never expires."""
    return expiry is not None and today > expiry
