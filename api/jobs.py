"""Ingest jobs started from the web: an uploaded ZIP becomes a pipeline job whose steps run
in a background thread of the server (or on Celery workers when a broker is configured),
and whose progress anyone allowed may poll."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from archive.catalog.models import StepState
from archive.access import Principal
from archive.errors import Forbidden, LuuTruError, NotFound, WrongWorkflowStage
from archive.settings import Settings, get_settings
from ingest import pipeline, recovery, state
from ingest.job import IngestJob
from ingest.steps import ocr_after
from ingest.state import JobStatus

log = logging.getLogger(__name__)


class JobRunner:
    """Runs jobs in-process, a few at a time, so requests return at once."""

    def __init__(self, workers: int):
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="luutru-ingest")

    def start(self, job_id: str) -> None:
        self._pool.submit(_run, job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


def ingest_runner(settings: Settings | None = None) -> pipeline.Runner:
    """Celery workers when a broker is configured, else this process."""
    if (settings or get_settings()).broker_url:
        from api.worker import enqueue          # Celery loads only where a broker is used
        return enqueue
    return pipeline.in_process


def _run(job_id: str) -> None:
    try:
        pipeline.resume(job_id, wait=False, runner=ingest_runner())
    except LuuTruError as exc:          # recorded in the job's step state; nothing more to do here
        log.info("job %s stopped: %s", job_id, exc)
    except Exception:
        log.exception("job %s failed unexpectedly", job_id)


def upload_path(settings: Settings) -> Path:
    """Where an upload is written while it arrives (moved into its job when complete)."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / recovery.upload_name()      # names its process: a dead one's is removed at start-up


def create_job(upload: Path, *, organ_id: str | None, actor: str) -> IngestJob:
    """A job for a received upload (moved into the job), its steps pending."""
    return pipeline.create(upload, organ_id=organ_id, actor=actor, move_into_job=True)


READERS = frozenset({"archivist", "auditor", "admin"})


def scope(actor: Principal) -> str | None:
    """The agency whose jobs ``actor`` follows (None: every agency); Forbidden for a role that
    follows none."""
    if actor.role not in READERS:
        raise Forbidden(f"role {actor.role} does not follow ingest jobs", actor=actor.user, role=actor.role,
                        message_vi="Chỉ văn thư, lưu trữ, Sở Nội vụ và quản trị theo dõi phiên nộp hồ sơ.")
    return actor.organ_id if actor.role == "archivist" else None


def readable(actor: Principal, job_id: str) -> dict:
    """The job's owner, if ``actor`` may follow it; another agency's job is not disclosed."""
    found = owner(job_id)
    if actor.role not in READERS or (actor.role == "archivist" and found["organ_id"] != actor.organ_id):
        raise NotFound(f"no job {job_id!r}", message_vi="Không tìm thấy phiên nộp hồ sơ.")
    return found


def owner(job_id: str) -> dict:
    """The agency and user who submitted the job; NotFound for an unknown job."""
    if len(job_id) > 64 or not job_id.isalnum() or not IngestJob.load(job_id).has_result("job"):
        raise NotFound(f"no job {job_id!r}", message_vi="Không tìm thấy phiên nộp hồ sơ.")
    return IngestJob.load(job_id).result("job")


def progress(job_id: str) -> dict:
    steps = state.states(job_id)
    code = None
    job = IngestJob.load(job_id)
    if job.has_result("validate") and job.result("validate").get("dossier"):
        code = job.dossier().code
    states = {s.step: s.state for s in steps}
    # LUUTRU_OCR_MODE=after: archived and searchable, the scans' OCR'd copies still to come
    awaiting_ocr = states.get("index") == StepState.DONE and states.get("ocr") != StepState.DONE and \
        job.has_result("normalise") and bool(ocr_after.deferred(job))
    return {"job_id": job_id, "state": state.job_status(steps), "dossier_code": code, "awaiting_ocr": awaiting_ocr,
            "done_steps": sum(s.state == StepState.DONE for s in steps), "total_steps": len(steps),
            "steps": [{"step": s.step, "state": s.state, "reason": s.reason, "attempts": s.attempts,
                       "reason_vi": reason_vi(s.reason) if s.state == StepState.FAILED else None} for s in steps]}


def _subclasses(cls: type) -> list[type]:
    return [cls] + [s for sub in cls.__subclasses__() for s in _subclasses(sub)]


def reason_vi(reason: str | None) -> str:
    """A failed step's reason (``code: detail``, as the pipeline records it) in Vietnamese:
    the message of the error with that stable code."""
    if not reason:
        return ""
    code = reason.split(":", 1)[0].strip()
    known = {cls.code: cls.message_vi for cls in _subclasses(LuuTruError)}
    return known.get(code, LuuTruError.message_vi)


def describe(job_id: str) -> dict:
    """Progress of a job with who submitted it, when, and the validator's errors and warnings."""
    job = IngestJob.load(job_id)
    request = owner(job_id)
    submitted = datetime.fromisoformat(request["submitted_at"]) if request.get("submitted_at") else \
        datetime.fromtimestamp(job.result_path("job").stat().st_mtime, timezone.utc)    # jobs made before it was recorded
    described = {**progress(job_id), **request, "submitted_at": submitted, "errors": [], "warnings": []}
    if job.has_result("validate"):
        report = job.result("validate").get("report") or {}
        described["errors"], described["warnings"] = report.get("errors", []), report.get("warnings", [])
    return described


def list_jobs(organ_id: str | None, limit: int = 50) -> list[dict]:
    """The newest jobs, of one agency (None: every agency), described."""
    out = []
    for job_id in state.jobs_of(limit=limit * 4):
        if not IngestJob.load(job_id).has_result("job"):
            continue
        described = describe(job_id)
        if organ_id is None or described["organ_id"] == organ_id:
            out.append(described)
        if len(out) >= limit:
            break
    return out


def retry(job_id: str, runner: JobRunner) -> None:
    """Run a failed job's remaining steps again (each step is idempotent); refused while it runs."""
    if progress(job_id)["state"] != JobStatus.FAILED:
        raise WrongWorkflowStage(f"job {job_id} has not failed; nothing to retry",
                                 message_vi="Chỉ thử lại được phiên nộp đã bị lỗi.")
    for step in state.states(job_id):
        if step.state == StepState.FAILED:
            state.mark(job_id, step.step, StepState.PENDING)
    runner.start(job_id)
