"""Submitting dossiers (ZIP upload → ingest job), following a job's progress, and checking a
dossier against the validator without submitting it."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path as PathParam, Request
from starlette.concurrency import run_in_threadpool

from api import jobs
from api.deps import Caller, CallerDep, SettingsDep, require_role
from api.schemas import JobAccepted, JobOut
from api.upload import OPENAPI_BODY, receive_file
from archive import audit
from archive.errors import Forbidden
from ingest.submission import open_submission
from ingest.validation import validate

router = APIRouter(tags=["submissions"])
ArchivistDep = Annotated[Caller, Depends(require_role("archivist"))]
JobId = Annotated[str, PathParam(max_length=64, pattern="^[0-9a-f]+$")]


@router.post("/submissions", response_model=JobAccepted, status_code=202, openapi_extra=OPENAPI_BODY,
             summary="Nộp hồ sơ (tệp ZIP) để lưu trữ")
async def submit(request: Request, caller: ArchivistDep, settings: SettingsDep) -> JobAccepted:
    upload = await receive_file(request, jobs.upload_path(settings), settings.max_submission_bytes)
    job = await run_in_threadpool(jobs.create_job, upload, organ_id=caller.user.organ_id, actor=caller.name)
    await run_in_threadpool(audit.record, "submit", actor=caller.name, agency=caller.user.organ_id,
                            object=f"job:{job.id}")
    request.app.state.jobs.start(job.id)
    return JobAccepted(job_id=job.id, status_url=str(request.url_for("job_status", job_id=job.id).path))


def jobs_scope(caller: Caller) -> str | None:
    """The agency whose jobs the caller follows (None: every agency)."""
    return jobs.scope(caller.principal)


def readable_job(caller: Caller, job_id: str) -> dict[str, Any]:
    """The job's owner, if the caller may follow it; another agency's job is not disclosed."""
    return jobs.readable(caller.principal, job_id)


def retry_job(request: Request, caller: Caller, job_id: str) -> None:
    """Only the submitting agency's archivist runs a failed job again."""
    readable_job(caller, job_id)
    if caller.user.role != "archivist":
        raise Forbidden("only the agency's archivist retries its jobs",
                        message_vi="Chỉ văn thư, lưu trữ của cơ quan được thử lại phiên nộp.")
    jobs.retry(job_id, request.app.state.jobs)
    audit.record("submit", actor=caller.name, agency=caller.user.organ_id, object=f"job:{job_id}",
                 detail={"retry": True})


@router.get("/jobs", response_model=list[JobOut], summary="Các phiên nộp hồ sơ gần đây (của cơ quan mình)")
def list_jobs(caller: CallerDep) -> list[dict[str, Any]]:
    return jobs.list_jobs(jobs_scope(caller))


@router.get("/jobs/{job_id}", response_model=JobOut, summary="Tiến độ xử lý một hồ sơ đã nộp")
def job_status(job_id: JobId, caller: CallerDep) -> dict[str, Any]:
    readable_job(caller, job_id)
    return jobs.progress(job_id)


@router.post("/jobs/{job_id}/retry", response_model=JobOut, status_code=202, summary="Thử lại phiên nộp bị lỗi")
def retry(request: Request, job_id: JobId, caller: CallerDep) -> dict[str, Any]:
    retry_job(request, caller, job_id)
    return jobs.progress(job_id)


def _validate(path, organ_id: str | None) -> dict[str, Any]:
    with open_submission(path) as submission:
        report = validate(submission, organ_id=organ_id)
    report.source = "upload.zip"       # not the server's temporary path
    return report.to_dict()


@router.post("/validate", openapi_extra=OPENAPI_BODY, summary="Kiểm tra hồ sơ theo Phụ lục VI (không nộp)")
async def validate_only(request: Request, caller: ArchivistDep, settings: SettingsDep) -> dict[str, Any]:
    upload = await receive_file(request, jobs.upload_path(settings), settings.max_submission_bytes)
    try:
        return await run_in_threadpool(_validate, upload, caller.user.organ_id)
    finally:
        upload.unlink(missing_ok=True)
