"""Run the ingest steps of a dossier, resumably, on the runner the caller hands in.

``submit`` creates a job (state rows in the catalog, a work folder) and starts it;
``resume`` continues a job from its first step that is not done. A runner executes the
remaining steps: ``in_process`` here, or the Celery one of ``api.worker``. Both call the
same ``run_step``, so both paths behave identically.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Callable, Protocol

from sqlalchemy import select

from archive.catalog.db import init_catalog, session_scope
from archive.catalog.models import DossierRecord, DossierStatus, StepState
from archive.errors import AmendmentPending, LuuTruError, storage_full_or
from ingest import recovery, staging, state
from ingest.job import IngestJob, now
from ingest.steps import STEP_NAMES, STEPS

log = logging.getLogger(__name__)
Progress = Callable[[str, str], None]  # (step, state)


class Runner(Protocol):
    """Runs a job's remaining ``steps`` in order; ``wait=False`` may return before they finish."""
    def __call__(self, job_id: str, steps: list[str], *, wait: bool = True,
                 progress: Progress | None = None) -> None: ...


def run_step(job_id: str, step: str, *, staged: bool = False) -> None:
    """Run one step and persist its state; a failure is recorded with its reason and re-raised.
    ``staged`` (Celery workers): the work folder is first made the job's staging area, and
    what the step wrote is staged before its state says so (ingest.staging)."""
    job = IngestJob.load(job_id)
    stage = staging.open_staging() if staged else None
    if step != "validate" and unchanged(job):
        state.mark(job_id, step, StepState.DONE, "unchanged: identical to the archived version")
        if step == STEP_NAMES[-1]:
            _finish(job, stage)
        return
    recovery.claim(job, step)           # who runs it: a crash is told apart from a slow step
    state.mark(job_id, step, StepState.RUNNING)
    try:
        _run_staged(job, step, stage)
    except AmendmentPending as exc:     # not a failure: the job resumes once the change is approved
        recovery.release(job)
        state.mark(job_id, step, StepState.PENDING, f"{exc.code}: {exc.detail}")
        raise
    except Exception as raised:
        exc = storage_full_or(raised)
        reason = f"{exc.code}: {exc.detail}" if isinstance(exc, LuuTruError) else f"{type(exc).__name__}: {exc}"
        state.mark(job_id, step, StepState.FAILED, reason)
        recovery.release(job)
        _mark_dossier_failed(job)
        if exc is raised:
            raise
        raise exc from raised
    code = job.dossier().code if step == "validate" else None
    state.mark(job_id, step, StepState.DONE, dossier_code=code)
    recovery.release(job)
    if step == STEP_NAMES[-1]:
        _finish(job, stage)


def _run_staged(job: IngestJob, step: str, stage: staging.Staging | None) -> None:
    if stage is None:
        STEPS[step](job)
        return
    stage.pull(job.id, job.workdir)     # a worker killed here leaves the staging area as it was
    try:
        STEPS[step](job)
    except Exception:
        # What a stopped step wrote (the validator's report) is shown to the submitter; the local
        # copy is only a cache, dropped so that a pause or failure leaves nothing on this host.
        try:
            stage.push(job.id, job.workdir)
            shutil.rmtree(job.workdir, ignore_errors=True)
        except Exception:
            log.exception("job %s: could not stage what step %s wrote before it stopped", job.id, step)
        raise
    stage.push(job.id, job.workdir)


def _finish(job: IngestJob, stage: staging.Staging | None) -> None:
    """Archived and verified in the store: no second copy here, nor in staging."""
    if stage is None:
        recovery.tidy(job)
        return
    shutil.rmtree(job.workdir, ignore_errors=True)
    stage.remove(job.id)                # the step results stay, as the job's record


def unchanged(job: IngestJob) -> bool:
    """The submission is identical to the dossier's archived version: no new version is made."""
    return job.has_result("validate") and \
        (job.result("validate").get("amendment") or {}).get("kind") == "identical"


def remaining(job_id: str) -> list[str]:
    done = {s.step for s in state.states(job_id) if s.state == StepState.DONE}
    return [s for s in STEP_NAMES if s not in done]


def create(source: str | Path, *, organ_id: str | None = None, actor: str = "system",
           move_into_job: bool = False) -> IngestJob:
    """A new job with every step pending. ``move_into_job``: the source, an uploaded ZIP, is
    moved into the job's folder instead of being read where it is. Where Celery workers run
    the steps, the submission is staged (ingest.staging) and nothing is kept here."""
    init_catalog()
    job = IngestJob.new()
    job.workdir.mkdir(parents=True)
    source = Path(source).resolve()
    if move_into_job:
        source = Path(shutil.move(source, job.workdir / "ho-so-nop.zip"))
    request = {"source": str(source), "organ_id": organ_id, "actor": actor, "submitted_at": now().isoformat()}
    if staging.enabled():
        request["input"] = source.name if move_into_job else f"nop/{source.name}"   # in the job's folder
        job.save("job", request)
        stage = staging.open_staging()
        try:
            stage.push(job.id, job.workdir, None if move_into_job else {request["input"]: source})
        except BaseException:
            _unstage(stage, job.id)     # no job yet: nothing of it stays (a killed process: the sweep)
            raise
        finally:
            shutil.rmtree(job.workdir)
    else:
        job.save("job", request)
    state.create(job.id, STEP_NAMES)
    return job


def _unstage(stage: staging.Staging, job_id: str) -> None:
    try:
        stage.remove(job_id, keep_results=False)
    except Exception:       # noqa: BLE001 - the push's own error is the one to report
        log.exception("job %s: could not remove what its interrupted push staged", job_id)


def submit(source: str | Path, *, organ_id: str | None = None, actor: str = "system",
           progress: Progress | None = None, wait: bool = True, runner: Runner | None = None) -> IngestJob:
    """Start ingesting ``source`` on ``runner`` (default: in this process)."""
    job = create(source, organ_id=organ_id, actor=actor)
    resume(job.id, progress=progress, wait=wait, runner=runner)
    return job


def resume(job_id: str, *, progress: Progress | None = None, wait: bool = True, runner: Runner | None = None) -> None:
    (runner or in_process)(job_id, remaining(job_id), wait=wait, progress=progress)


def in_process(job_id: str, steps: list[str], *, wait: bool = True, progress: Progress | None = None) -> None:
    """The default runner: each step here, one after the other (``wait`` is always honoured)."""
    for step in steps:
        if progress:
            progress(step, StepState.RUNNING)
        run_step(job_id, step)
        if progress:
            progress(step, StepState.DONE)


def unfinished_job_for(source: str | Path) -> str | None:
    """A job that received the same source and did not finish: re-running it resumes."""
    source = str(Path(source).resolve())
    for job_id in state.unfinished_jobs():
        job = IngestJob.load(job_id)
        if job.has_result("job") and job.result("job")["source"] == source:
            return job_id
    return None


def _mark_dossier_failed(job: IngestJob) -> None:
    if not job.has_result("validate") or job.result("validate").get("dossier") is None:
        return
    with session_scope() as session:
        record = session.execute(select(DossierRecord).where(DossierRecord.code == job.dossier().code)
                                 ).scalar_one_or_none()
        if record is not None and record.status == DossierStatus.INGESTING:
            record.status = DossierStatus.FAILED
