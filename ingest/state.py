"""Persisted progress of every ingest job, one row per step in the catalog.

A crashed worker leaves its step ``running``; the next run of the job treats anything not
``done`` as still to do, so resuming needs no clean-up.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, PipelineStep, StepState
from archive.catalog.types import LabelledStrEnum
from archive.errors import AmendmentPending


@dataclass(frozen=True)
class JobStep:
    step: str
    state: str
    reason: str | None
    attempts: int


class JobStatus(LabelledStrEnum):
    """A job as a whole, read from its steps' states (not stored)."""
    PENDING = "pending", "Chờ xử lý"
    RUNNING = "running", "Đang xử lý"
    AWAITING_APPROVAL = "awaiting_approval", "Chờ lãnh đạo cơ quan phê duyệt thay đổi"
    DONE = "done", "Đã lưu trữ"
    FAILED = "failed", "Bị lỗi"


def job_status(steps: list[JobStep]) -> JobStatus:
    """Failed if a step failed, done when every step is; a step put back to pending by
    AmendmentPending means the job waits for the agency head."""
    states = {s.state for s in steps}
    if StepState.FAILED in states:
        return JobStatus.FAILED
    if states == {StepState.DONE}:
        return JobStatus.DONE
    if any(s.state == StepState.PENDING and (s.reason or "").startswith(AmendmentPending.code) for s in steps):
        return JobStatus.AWAITING_APPROVAL
    return JobStatus.RUNNING if states & {StepState.RUNNING, StepState.DONE} else JobStatus.PENDING


def create(job_id: str, steps: list[str]) -> None:
    with session_scope() as session:
        for step in steps:
            session.add(PipelineStep(job_id=job_id, step=step, state=StepState.PENDING))


def states(job_id: str) -> list[JobStep]:
    with session_scope() as session:
        rows = session.execute(select(PipelineStep).where(PipelineStep.job_id == job_id)
                               .order_by(PipelineStep.id)).scalars()
        return [JobStep(r.step, r.state, r.reason, r.attempts) for r in rows]


def mark(job_id: str, step: str, state: str, reason: str | None = None, dossier_code: str | None = None) -> None:
    with session_scope() as session:
        row = session.execute(select(PipelineStep).where(PipelineStep.job_id == job_id,
                                                         PipelineStep.step == step)).scalar_one()
        row.state = state
        if state == StepState.RUNNING:
            row.attempts += 1
        if state != StepState.PENDING or reason:
            row.reason = reason
        if dossier_code:
            dossier_id = session.execute(select(DossierRecord.id).where(DossierRecord.code == dossier_code)
                                         ).scalar_one_or_none()
            for r in session.execute(select(PipelineStep).where(PipelineStep.job_id == job_id)).scalars():
                r.dossier_id = dossier_id


def unfinished_jobs() -> list[str]:
    """Jobs with a step not done, newest first."""
    with session_scope() as session:
        rows = session.execute(select(PipelineStep.job_id).where(PipelineStep.state != StepState.DONE)
                               .order_by(PipelineStep.id.desc())).scalars()
        return list(dict.fromkeys(rows))


def jobs_of(dossier_code: str | None = None, limit: int = 50) -> list[str]:
    with session_scope() as session:
        q = select(PipelineStep.job_id, PipelineStep.id).order_by(PipelineStep.id.desc())
        if dossier_code:
            q = q.join(DossierRecord, DossierRecord.id == PipelineStep.dossier_id).where(
                DossierRecord.code == dossier_code)
        seen: list[str] = []
        for job_id, _ in session.execute(q):
            if job_id not in seen:
                seen.append(job_id)
            if len(seen) >= limit:
                break
        return seen
