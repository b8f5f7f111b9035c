"""Approving or rejecting an amendment (thay đổi hồ sơ) held for the agency head.

The ingest of a submission that changes an archived dossier's retention, rights or dates, or
removes or alters a document, stops after validation with a ``PendingChange`` (see
archive/versions.py). Here the agency head of the dossier's agency, never the submitter,
approves it (the job then resumes and stores the new version) or rejects it (nothing is
stored). Each decision is compare-and-set on the change's stage and an audit entry.
"""
from __future__ import annotations

from sqlalchemy import select

from archive import audit
from archive.audit_checkpoint import checkpoint_after
from archive.access import require, visible
from archive.catalog.amendments import AmendmentStage, PendingChange
from archive.catalog.db import session_scope
from archive.catalog.locking import expect_stage, locked_session, lock_row
from archive.catalog.models import DossierRecord
from archive.clock import utcnow
from archive.errors import NotFound, SameActorRefused
from archive.versions import refuse_if_frozen
from archive.access import Principal

DECIDERS = ("agency_head",)


def _decide(actor: Principal, change_id: int, *, approve: bool, note: str | None) -> str:
    with locked_session() as session:
        change = visible(actor, lock_row(session, PendingChange, PendingChange.id == change_id), _missing(change_id))
        require(actor, DECIDERS, agency=change.organ_id, action="decide on an amendment")
        if actor.user == change.submitted_by:
            raise SameActorRefused(f"{actor.user} submitted amendment {change_id} and cannot decide on it",
                                   actor=actor.user, amendment=change_id,
                                   message_vi="Người nộp thay đổi không được tự phê duyệt.")
        expect_stage(f"amendment {change_id}", change.stage, AmendmentStage.PENDING, amendment=change_id)
        if approve:   # the dossier may have been held, listed or transferred since it was submitted
            record = lock_row(session, DossierRecord, DossierRecord.code == change.dossier_code)
            refuse_if_frozen(session, record, change.organ_id)
        change.stage = AmendmentStage.APPROVED if approve else AmendmentStage.REJECTED
        change.decided_by, change.decided_at, change.note = actor.user, utcnow(), note
        audit.record("approve" if approve else "reject", actor=actor.user, agency=change.organ_id,
                     object=change.dossier_code, session=session,
                     detail={"step": "amendment", "amendment": change_id, "job": change.job_id,
                             "submitted_by": change.submitted_by, "changes": change.changes, "note": note})
        return change.job_id


def approve_change(actor: Principal, change_id: int, note: str | None = None) -> str:
    """Approve; returns the job to resume, which stores the amended version."""
    job_id = _decide(actor, change_id, approve=True, note=note)
    checkpoint_after("amendment approval")
    return job_id


def reject_change(actor: Principal, change_id: int, note: str | None = None) -> str:
    return _decide(actor, change_id, approve=False, note=note)


def list_changes(organ_id: str | None, stage: str | None = AmendmentStage.PENDING) -> list[dict]:
    """Amendments of one agency (every agency when None), newest first."""
    with session_scope() as session:
        query = select(PendingChange).order_by(PendingChange.id.desc())
        if organ_id is not None:
            query = query.where(PendingChange.organ_id == organ_id)
        if stage is not None:
            query = query.where(PendingChange.stage == stage)
        return [describe(c) for c in session.scalars(query)]


def _missing(change_id: int) -> NotFound:
    return NotFound(f"amendment {change_id} not found", message_vi=f"Không tìm thấy thay đổi hồ sơ số {change_id}.")


def read_change(change_id: int, actor: Principal | None = None) -> dict:
    with session_scope() as session:
        return describe(visible(actor, session.get(PendingChange, change_id), _missing(change_id)))


def describe(change: PendingChange) -> dict:
    return {"id": change.id, "dossier_code": change.dossier_code, "agency": change.organ_id, "job_id": change.job_id,
            "stage": change.stage, "submitted_by": change.submitted_by, "submitted_at": change.submitted_at,
            "changes": change.changes, "decided_by": change.decided_by, "decided_at": change.decided_at,
            "note": change.note}
