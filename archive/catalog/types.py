"""Column types that behave the same on SQLite and PostgreSQL, and the enum of stored stages."""
from __future__ import annotations

from datetime import timezone
from enum import StrEnum

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes, stored as UTC; SQLite (which has no time zones) gets them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class LabelledStrEnum(StrEnum):
    """The stages of a workflow (or states of a record): each member is the English string stored
    in the catalog and named by the table's CHECK constraint, with the Vietnamese label users read.

    Members compare equal to their stored strings, so rows read back as plain ``str`` match them."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Stored value → Vietnamese label (for templates and scripts that look labels up by value)."""
        return {m.value: m.label for m in cls}
