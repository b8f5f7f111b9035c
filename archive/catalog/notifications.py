"""Notices to agencies (thông báo): in-app rows, and the address their e-mail copies go to."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.catalog.models import Base, _in
from archive.clock import utcnow

NOTICE_KINDS = ("transfer_due", "transfer_overdue", "retention_expired")


class AgencyContact(Base):
    """Where an agency's archive notices are e-mailed."""
    __tablename__ = "agency_contacts"
    organ_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))


class Notification(Base):
    """One notice about one dossier; the daily run never repeats a notice it already gave."""
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("kind", "dossier_code", "due_date", name="uq_notifications_kind_dossier_due"),
                      CheckConstraint(_in("kind", NOTICE_KINDS), name="kind"))
    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[str] = mapped_column(String(13), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    dossier_code: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
