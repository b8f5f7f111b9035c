"""Tables of the destruction workflow (tiêu hủy tài liệu hết giá trị) and of legal holds.

A list moves through ``DestructionStage``; every decision on it is a row here (and an audit entry),
so the catalog shows who proposed, reviewed, audited, approved and executed what.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.catalog.models import Base, _in
from archive.catalog.types import LabelledStrEnum
from archive.clock import utcnow


class DestructionStage(LabelledStrEnum):
    """Stage of a destruction list: council_review → audit_review (every item reviewed) →
    head_approval (the auditor agreed) → approved (decision signed) → executing (erasure under way;
    an interrupted execution resumes from here) → executed; rejected by the auditor ends the list."""
    COUNCIL_REVIEW = "council_review", "Hội đồng xác định giá trị tài liệu xem xét"
    AUDIT_REVIEW = "audit_review", "Sở Nội vụ thẩm định"
    HEAD_APPROVAL = "head_approval", "Chờ thủ trưởng cơ quan quyết định"
    APPROVED = "approved", "Đã có quyết định hủy, chờ thực hiện"
    EXECUTING = "executing", "Đang hủy"
    EXECUTED = "executed", "Đã hủy, có biên bản hủy"
    REJECTED = "rejected", "Sở Nội vụ không đồng ý"

    @classmethod
    def open(cls) -> tuple[DestructionStage, ...]:
        """Stages of a list still under way: a dossier on such a list cannot go on another."""
        return (cls.COUNCIL_REVIEW, cls.AUDIT_REVIEW, cls.HEAD_APPROVAL, cls.APPROVED, cls.EXECUTING)


class ItemOutcome(LabelledStrEnum):
    """What the reviews decided for one dossier on a list, and whether it has been destroyed
    (labels read inside a sentence: "Kết quả: giữ lại")."""
    PENDING = "pending", "chờ xem xét"
    DESTROY = "destroy", "đồng ý hủy"
    KEEP = "keep", "giữ lại"
    DESTROYED = "destroyed", "đã hủy"


class ReviewDecision(LabelledStrEnum):
    """One council member's decision on one item (labels read inside a sentence)."""
    AGREE = "agree", "đồng ý hủy"
    KEEP = "keep", "giữ lại"


class LegalHold(Base):
    """Phong tỏa: a hold on a dossier, placed and lifted by authorised users with a reason."""
    __tablename__ = "legal_holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_role: Mapped[str | None] = mapped_column(String(20))  # the placer's authority, for lifting
    placed_reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_by: Mapped[str | None] = mapped_column(String(100))
    lifted_reason: Mapped[str | None] = mapped_column(Text)
    lifted_at: Mapped[datetime | None]


class DestructionList(Base):
    """Danh mục tài liệu hết giá trị: one agency's proposal to destroy expired dossiers."""
    __tablename__ = "destruction_lists"
    __table_args__ = (CheckConstraint(_in("stage", DestructionStage), name="stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[str] = mapped_column(String(13), index=True)
    stage: Mapped[str] = mapped_column(String(20), default=DestructionStage.COUNCIL_REVIEW)
    prepared_by: Mapped[str] = mapped_column(String(100))
    prepared_at: Mapped[datetime] = mapped_column(default=utcnow)
    audited_by: Mapped[str | None] = mapped_column(String(100))
    audit_note: Mapped[str | None] = mapped_column(Text)
    audited_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    decision_ref: Mapped[str | None] = mapped_column(String(100))  # số quyết định hủy
    approved_at: Mapped[datetime | None]
    executed_by: Mapped[str | None] = mapped_column(String(100))
    executed_at: Mapped[datetime | None]
    # While set and in the future, an execution is running: another one is refused (409);
    # cleared by an execution that stops on an error, so running execute again resumes it.
    execution_lease: Mapped[datetime | None]

    items: Mapped[list[DestructionItem]] = relationship(back_populates="destruction_list", cascade="all, delete-orphan",
                                                        order_by="DestructionItem.id")
    certificate: Mapped[DestructionCertificate | None] = relationship(back_populates="destruction_list")


class DestructionItem(Base):
    """One dossier on a list, with the archivist's reason and the outcome of the reviews."""
    __tablename__ = "destruction_items"
    __table_args__ = (UniqueConstraint("list_id", "dossier_code", name="uq_destruction_items_list_dossier"),
                      CheckConstraint(_in("outcome", ItemOutcome), name="outcome"))
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_lists.id", ondelete="CASCADE"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    maintenance: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10), default=ItemOutcome.PENDING)
    # kept: the council's new retention (the column keeps the name the first migration gave it)
    new_retention: Mapped[str | None] = mapped_column("new_maintenance", String(30))
    # What the certificate will say of the dossier (archive.lifecycle.erasure.ErasedDossier), taken before
    # its execution erases it and cleared once the certificate is archived.
    snapshot: Mapped[dict[str, Any] | None]

    destruction_list: Mapped[DestructionList] = relationship(back_populates="items")
    reviews: Mapped[list[DestructionReview]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                            order_by="DestructionReview.id")


class DestructionReview(Base):
    """One council member's decision on one item: agree to destroy, or keep with a new retention."""
    __tablename__ = "destruction_reviews"
    __table_args__ = (UniqueConstraint("item_id", "reviewer", name="uq_destruction_reviews_item_reviewer"),
                      CheckConstraint(_in("decision", ReviewDecision), name="decision"))
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("destruction_items.id", ondelete="CASCADE"), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(10))
    new_retention: Mapped[str | None] = mapped_column("new_maintenance", String(30))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[DestructionItem] = relationship(back_populates="reviews")


class DestructionCertificate(Base):
    """Biên bản hủy: where the certificate's PDF and XML are stored (write-once, locked)."""
    __tablename__ = "destruction_certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_lists.id"), unique=True)
    store_url: Mapped[str] = mapped_column(String(512))
    pdf_key: Mapped[str] = mapped_column(String(1024))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    xml_key: Mapped[str] = mapped_column(String(1024))
    xml_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    keep_until: Mapped[datetime]

    destruction_list: Mapped[DestructionList] = relationship(back_populates="certificate")
