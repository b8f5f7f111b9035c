"""/reports: the auditor's report (archive.lifecycle.reports) to download as XLSX or PDF, for one
agency or the whole province (auditors and administrators), or the staff's own agency;
the same report the dashboard shows and ``luutru report`` writes. Downloads are audited."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import DbDep, TodayDep, audit_event
from api.download import content_disposition
from api.routes.pages import PageCaller, render
from api.routes.reports import report_for, report_scope
from archive.lifecycle.reports import write_pdf_report, write_xlsx

router = APIRouter(prefix="/reports", include_in_schema=False)
FORMATS = {"xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "pdf": (write_pdf_report, "application/pdf")}


@router.get("", response_class=HTMLResponse)
def reports_page(request: Request, caller: PageCaller, today: TodayDep, agency: str | None = None):
    scope = report_scope(caller, agency or None)
    return render(request, "reports.html", caller, scope=scope, today=today,
                  may_choose=caller.user.role in ("auditor", "admin"))


def _write(report, fmt: str) -> bytes:
    writer, _ = FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        path = Path(folder) / f"bao-cao.{fmt}"
        writer(report, path)
        return path.read_bytes()


@router.get("/bao-cao.{fmt}")
async def download(caller: PageCaller, db: DbDep, today: TodayDep, fmt: Literal["xlsx", "pdf"],
                   agency: str | None = None) -> Response:
    report = await report_for(caller, agency or None, today)
    content = await run_in_threadpool(_write, report, fmt)
    name = f"bao-cao-luu-tru-{report.agency or 'toan-tinh'}-{report.today:%Y%m%d}.{fmt}"
    await run_in_threadpool(audit_event, db, "download", actor=caller.name, agency=caller.user.organ_id,
                            object=f"report/{report.agency or 'province'}.{fmt}")
    media_type = FORMATS[fmt][1]
    return Response(content, media_type=media_type, headers=content_disposition(media_type, name))
