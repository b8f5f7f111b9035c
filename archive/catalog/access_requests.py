"""Requests of researchers to read a restricted dossier (phiếu yêu cầu khai thác): the reading
room's workflow. The owning agency approves (a grant that ends with the period) or refuses."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.catalog.models import Base, _in
from archive.catalog.types import LabelledStrEnum
from archive.clock import utcnow


class AccessRequestState(LabelledStrEnum):
    """pending → approved (readable until the period ends) or refused, decided by the owning agency."""
    PENDING = "pending", "Chờ cơ quan giải quyết"
    APPROVED = "approved", "Đã đồng ý"
    REFUSED = "refused", "Không đồng ý"


class AccessRequest(Base):
    """One researcher's request to read one dossier for a period, and the agency's decision."""
    __tablename__ = "access_requests"
    __table_args__ = (CheckConstraint(_in("state", AccessRequestState), name="state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(100), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    organ_id: Mapped[str] = mapped_column(String(13), index=True)      # the agency the code belongs to
    reason: Mapped[str] = mapped_column(Text)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=AccessRequestState.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
