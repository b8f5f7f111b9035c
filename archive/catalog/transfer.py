"""Catalog tables of transfers to the historical archive (nộp lưu vào Lưu trữ lịch sử).

A transfer is recorded on both sides: ``outgoing`` at the sending agency (prepared →
acknowledged → transferred) and ``incoming`` at the historical archive (received). Each
row of ``transfer_dossiers`` names one dossier, the SIP that carried it and that
package's checksum; at the sender it is also the stub's link to its transfer reference.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.catalog.models import Base, _in
from archive.catalog.types import LabelledStrEnum
from archive.clock import utcnow

DIRECTIONS = ("outgoing", "incoming")


class TransferState(LabelledStrEnum):
    """outgoing: prepared → acknowledged (copies being removed) → transferred; incoming: received."""
    PREPARED = "prepared", "Đã lập, chờ Lưu trữ lịch sử xác nhận"
    ACKNOWLEDGED = "acknowledged", "Đã xác nhận, đang xóa bản lưu"
    TRANSFERRED = "transferred", "Đã nộp lưu"
    RECEIVED = "received", "Đã tiếp nhận"

    @classmethod
    def open(cls) -> tuple[TransferState, ...]:
        """States of an outgoing transfer still under way: its dossiers cannot go on another."""
        return (cls.PREPARED, cls.ACKNOWLEDGED)


class Transfer(Base):
    """Đợt nộp lưu: one transfer, identified by its reference."""
    __tablename__ = "transfers"
    __table_args__ = (CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
                      CheckConstraint(_in("state", TransferState), name="state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), index=True)
    organ_id: Mapped[str] = mapped_column(String(13), index=True)     # the sending agency
    actor: Mapped[str] = mapped_column(String(200))                   # who prepared / received it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    folder: Mapped[str | None] = mapped_column(String(1024))          # the transfer folder (sender)
    manifest_sha256: Mapped[str] = mapped_column(String(64))          # of transfer.json
    acknowledged_at: Mapped[datetime | None]
    receiver: Mapped[str | None] = mapped_column(String(300))         # the archive that acknowledged
    acknowledgement: Mapped[dict[str, Any] | None]                    # the signed acknowledgement, as verified
    # While set and in the future, an import is removing the agency's copies: another import is
    # refused (409); cleared when it stops on an error, so importing again resumes the removal.
    removal_lease: Mapped[datetime | None]

    dossiers: Mapped[list[TransferDossier]] = relationship(back_populates="transfer", cascade="all, delete-orphan",
                                                           order_by="TransferDossier.id")


class TransferDossier(Base):
    """One dossier of a transfer and the package (SIP) that carries it."""
    __tablename__ = "transfer_dossiers"
    __table_args__ = (UniqueConstraint("transfer_id", "dossier_code", name="uq_transfer_dossiers_transfer_dossier"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    package_id: Mapped[str] = mapped_column(String(45))               # the SIP's OBJID
    mets_sha256: Mapped[str] = mapped_column(String(64))              # the SIP's root METS.xml
    size: Mapped[int] = mapped_column(BigInteger)                     # bytes of every file of the SIP
    files: Mapped[int]

    transfer: Mapped[Transfer] = relationship(back_populates="dossiers")
