"""Table of amendments waiting for the agency head: a new submission of an archived dossier
that changes its retention, rights or dates, or removes or alters a document.

The submission's ingest job stops after validation; the row keeps what would change (each
field before and after). Approval (by the agency head, never the submitter) resumes the job,
which then stores the new version; rejection ends it with nothing stored.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.catalog.models import Base, _in
from archive.catalog.types import LabelledStrEnum
from archive.clock import utcnow


class AmendmentStage(LabelledStrEnum):
    """pending → approved (the job resumes) → applied (the new version is archived); or rejected."""
    PENDING = "pending", "Chờ thủ trưởng cơ quan phê duyệt"
    APPROVED = "approved", "Đã phê duyệt, đang lưu phiên bản mới"
    REJECTED = "rejected", "Không phê duyệt"
    APPLIED = "applied", "Đã lưu phiên bản mới"


class PendingChange(Base):
    """Thay đổi hồ sơ chờ phê duyệt."""
    __tablename__ = "pending_changes"
    __table_args__ = (CheckConstraint(_in("stage", AmendmentStage), name="stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    organ_id: Mapped[str] = mapped_column(String(13), index=True)
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    stage: Mapped[str] = mapped_column(String(10), default=AmendmentStage.PENDING)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]]            # field → {"before", "after"}; documents removed/added
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
