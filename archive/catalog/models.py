"""The catalog: where every dossier, document, file and package version is, and its state.

The catalog is an index of the packages, not their only record: each package in storage is
self-describing (METS, PREMIS, the dossier's descriptive metadata), so every row here except
the audit trail, pipeline progress and fixity history can be rebuilt from storage.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, MetaData, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archive.catalog.types import LabelledStrEnum, UtcDateTime
from archive.clock import utcnow


class DossierStatus(LabelledStrEnum):
    """Where a dossier is in its life: receiving → ingesting → archived (or needs_attention, or
    failed) → transferred or destroyed."""
    RECEIVING = "receiving", "Đang tiếp nhận"
    INGESTING = "ingesting", "Đang xử lý"
    ARCHIVED = "archived", "Đã lưu trữ"
    # Archived, but a preservation copy is not valid PDF/A (ingest/steps/validate_pdfa.py).
    NEEDS_ATTENTION = "needs_attention", "Đã lưu trữ, cần xem xét bản PDF/A"
    FAILED = "failed", "Lỗi"
    TRANSFERRED = "transferred", "Đã nộp lưu"
    DESTROYED = "destroyed", "Đã hủy"

    @classmethod
    def in_custody(cls) -> tuple[DossierStatus, ...]:
        """Archived and kept by this archive: what holdings, fixity, retention, destruction and
        transfer apply to. A dossier whose PDF/A copy needs attention is archived all the same."""
        return (cls.ARCHIVED, cls.NEEDS_ATTENTION)

    @classmethod
    def left_custody(cls) -> tuple[DossierStatus, ...]:
        """Gone from this archive for good, on purpose: its record is closed."""
        return (cls.TRANSFERRED, cls.DESTROYED)


class StepState(LabelledStrEnum):
    """Progress of one ingest step of a job (``pipeline_steps.state``)."""
    PENDING = "pending", "chờ"
    RUNNING = "running", "đang chạy"
    DONE = "done", "xong"
    FAILED = "failed", "lỗi"


FILE_ROLES = ("original", "preservation", "metadata")

# Stable constraint names so migrations are identical on SQLite and PostgreSQL.
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


# Modules outside this one that declare tables on ``Base``; Alembic's autogenerate and the
# schema test import them so the metadata holds every table the migrations create.
MODEL_MODULES = ("archive.catalog.accounts", "archive.catalog.notifications", "archive.catalog.destruction",
                 "archive.catalog.transfer", "archive.catalog.amendments", "archive.catalog.access_requests")


def load_all_models():
    """Import every module with tables and return the complete metadata."""
    import importlib
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, int: Integer}


class Agency(Base):
    """Cơ quan: an agency whose records the archive keeps, identified by its OrganId."""
    __tablename__ = "agencies"
    organ_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class DossierRecord(Base):
    """Hồ sơ: one archived dossier and its lifecycle state."""
    __tablename__ = "dossiers"
    __table_args__ = (CheckConstraint(_in("status", DossierStatus), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    organ_id: Mapped[str] = mapped_column(ForeignKey("agencies.organ_id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    maintenance: Mapped[str] = mapped_column(String(30))
    rights: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    retention_expiry: Mapped[date | None] = mapped_column(Date, index=True)  # None: permanent (Vĩnh viễn)
    event_trigger_date: Mapped[date | None] = mapped_column(Date)  # for event-based retention periods
    status: Mapped[str] = mapped_column(String(20), default=DossierStatus.RECEIVING, index=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    metadata_json: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)  # the validated Dossier model dump
    current_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    documents: Mapped[list[DocumentRecord]] = relationship(back_populates="dossier", cascade="all, delete-orphan",
                                                           order_by="DocumentRecord.ordinal")
    versions: Mapped[list[PackageVersion]] = relationship(back_populates="dossier", cascade="all, delete-orphan",
                                                          order_by="PackageVersion.version")


class DocumentRecord(Base):
    """Văn bản: one document of a dossier; ``fields`` holds its Appendix VI fields."""
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("dossier_id", "ordinal", name="uq_documents_dossier_ordinal"),
                      CheckConstraint(_in("direction", ("incoming", "outgoing", "internal")), name="direction"))
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int]
    code: Mapped[str] = mapped_column(String(80), unique=True)
    direction: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)

    dossier: Mapped[DossierRecord] = relationship(back_populates="documents")
    files: Mapped[list[FileRecord]] = relationship(back_populates="document", cascade="all, delete-orphan")


class PackageVersion(Base):
    """One archival package of a dossier; a change makes a new version linked to the previous one."""
    __tablename__ = "package_versions"
    __table_args__ = (UniqueConstraint("dossier_id", "version", name="uq_package_versions_dossier_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    package_id: Mapped[str] = mapped_column(String(45), unique=True)  # urn:uuid:… (METS OBJID)
    object_prefix: Mapped[str] = mapped_column(String(512))  # where the package's objects are in the store
    store_url: Mapped[str] = mapped_column(String(512))  # without credentials
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))  # of the root METS.xml
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("package_versions.id"))

    dossier: Mapped[DossierRecord] = relationship(back_populates="versions")
    previous: Mapped[PackageVersion | None] = relationship(remote_side=[id])
    objects: Mapped[list[StoredObjectRecord]] = relationship(back_populates="package_version",
                                                             cascade="all, delete-orphan")


class FileRecord(Base):
    """A file of a document inside a package: original, preservation copy (PDF/A) or metadata."""
    __tablename__ = "files"
    __table_args__ = (CheckConstraint(_in("role", FILE_ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    package_version_id: Mapped[int | None] = mapped_column(ForeignKey("package_versions.id", ondelete="CASCADE"),
                                                           index=True)
    role: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(1024))  # relative to the package root
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    puid: Mapped[str | None] = mapped_column(String(32))  # PRONOM identifier, e.g. fmt/354
    mime: Mapped[str | None] = mapped_column(String(127))

    document: Mapped[DocumentRecord | None] = relationship(back_populates="files")


class StoredObjectRecord(Base):
    """An object in the store and the outcome of its last fixity check."""
    __tablename__ = "stored_objects"
    __table_args__ = (UniqueConstraint("package_version_id", "key", name="uq_stored_objects_version_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    package_version_id: Mapped[int] = mapped_column(ForeignKey("package_versions.id", ondelete="CASCADE"),
                                                    index=True)
    key: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    last_fixity_check: Mapped[datetime | None] = mapped_column(index=True)
    last_fixity_outcome: Mapped[str | None] = mapped_column(String(20))

    package_version: Mapped[PackageVersion] = relationship(back_populates="objects")


class PipelineStep(Base):
    """Progress of one ingest step for a dossier (or a job not yet tied to a dossier)."""
    __tablename__ = "pipeline_steps"
    __table_args__ = (UniqueConstraint("job_id", "step", name="uq_pipeline_steps_job_step"),
                      CheckConstraint(_in("state", StepState), name="state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), index=True)
    step: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default=StepState.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PreservationEvent(Base):
    """A PREMIS event: what happened to which object, when, by which agent/tool, with what outcome."""
    __tablename__ = "preservation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(50), index=True)  # ingestion, fixity check, repair, …
    object_ref: Mapped[str] = mapped_column(String(1024))  # package id, file path or store key
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), index=True)
    time: Mapped[datetime] = mapped_column(default=utcnow)
    agent: Mapped[str] = mapped_column(String(200))
    tool: Mapped[str | None] = mapped_column(String(100))
    tool_version: Mapped[str | None] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))  # success | failure | warning
    detail: Mapped[str | None] = mapped_column(Text)


class FixityAlarm(Base):
    """A damaged, unreadable or missing object found by a fixity check."""
    __tablename__ = "fixity_alarms"
    id: Mapped[int] = mapped_column(primary_key=True)
    stored_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id", ondelete="SET NULL"),
                                                         index=True)
    key: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[str] = mapped_column(String(20))  # mismatch | missing | unreadable
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    expected_sha256: Mapped[str] = mapped_column(String(64))
    actual_sha256: Mapped[str | None] = mapped_column(String(64))
    repaired_at: Mapped[datetime | None]
    detail: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One entry of the append-only audit trail, chained to the previous one by hash."""
    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(40))  # ISO 8601 with +07:00, exactly as hashed
    actor: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str | None] = mapped_column(String(13), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object: Mapped[str | None] = mapped_column(String(1024))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """Single row: the last entry's sequence number and hash. Appenders lock it, which
    serialises appends, and it exposes deletion of the trail's last entries."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A checkpoint of the audit trail written to the object store (archive/audit_checkpoint.py);
    the store's write-once copy is the evidence, this row says when it was last verified."""
    __tablename__ = "audit_checkpoints"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    head_hash: Mapped[str] = mapped_column(String(64))
    time: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(40))
    object_key: Mapped[str] = mapped_column(String(200))
    verified_at: Mapped[datetime | None]
