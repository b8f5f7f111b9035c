"""/jobs: the submissions an archivist's agency made (every agency's for auditors and
administrators), each step's state, failures with their reason in Vietnamese and the
validator's warnings, and a retry of a failed job (the same calls as /api/v1/jobs)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from api import jobs
from api.routes.pages import PageCaller, render, submit_form
from api.routes.submissions import jobs_scope, readable_job, retry_job

router = APIRouter(prefix="/jobs", include_in_schema=False)
JobId = Annotated[str, Path(max_length=64, pattern="^[0-9a-f]+$")]


def _page(request: Request, caller, status_code: int = 200, **context) -> HTMLResponse:
    return render(request, "jobs.html", caller, status_code=status_code, jobs=jobs.list_jobs(jobs_scope(caller)),
                  **context)


@router.get("", response_class=HTMLResponse)
def jobs_page(request: Request, caller: PageCaller):
    return _page(request, caller)


@router.get("/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId, caller: PageCaller):
    readable_job(caller, job_id)
    return render(request, "jobs.html", caller, jobs=[jobs.describe(job_id)], single=True)


@router.post("/{job_id}/retry")
def retry(request: Request, job_id: JobId, caller: PageCaller,
          csrf_token_: Annotated[str, Form(alias="csrf_token")] = ""):
    def action() -> str:
        retry_job(request, caller, job_id)
        return "Đã cho chạy lại phiên nộp từ bước bị lỗi."
    return submit_form(request, csrf_token_, action, lambda **kw: _page(request, caller, **kw), f"/jobs/{job_id}")
