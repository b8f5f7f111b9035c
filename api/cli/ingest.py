"""``luutru ingest PATH…`` and ``luutru status``: archive submissions, watch their steps."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller
from archive.access import require
from archive.catalog.copies import copy_checks
from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, DossierStatus, StepState
from archive.errors import LuuTruError
from ingest import state
from ingest.job import IngestJob
from ingest.packages import holds_documents, is_submission_root
from ingest.tools.cores import ingest_workers

STEP_LABELS = {"receive": "tiếp nhận", "validate": "kiểm tra siêu dữ liệu", "identify": "nhận dạng định dạng",
               "normalise": "chuyển đổi PDF/A", "validate_pdfa": "kiểm tra PDF/A", "checksum": "tính mã SHA-256",
               "package": "đóng gói E-ARK", "store": "ghi vào kho", "verify": "đọc lại và đối chiếu",
               "index": "lập chỉ mục", "ocr": "nhận dạng chữ bản quét (phiên bản sau)"}


def submissions(paths: list[Path]) -> list[Path]:
    """Each path is a submission (folder with a manifest, bag, E-ARK SIP, or ZIP) or a folder of
    submissions. A folder with none of those inside is one submission, refused as such (a folder
    of documents is told about ``luutru draft``), not walked into folder by folder."""
    found = []
    for path in paths:
        children = sorted(p for p in path.iterdir() if p.is_dir() or p.suffix.lower() == ".zip") \
            if path.is_dir() and not is_submission_root(path) else []
        if any(c.suffix.lower() == ".zip" or is_submission_root(c) for c in children):
            found += children
        else:
            found.append(path)
    return found


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Gói hồ sơ (thư mục, ZIP) hoặc thư mục chứa nhiều gói."),
           user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lưu trữ hồ sơ: kiểm tra, chuyển PDF/A, đóng gói, ghi vào kho, lập chỉ mục.

    Nộp nhân danh văn thư, lưu trữ của một cơ quan đã đăng ký (LUUTRU_TOKEN hoặc --user): OrganId
    của hồ sơ phải là của cơ quan đó, như khi nộp qua API. Nộp lại một mã hồ sơ đã lưu trữ luôn là
    thay đổi hồ sơ: bị từ chối hoặc chờ lãnh đạo cơ quan phê duyệt theo cùng quy tắc."""
    from ingest import pipeline              # the steps load PDF, signature and packaging libraries:
    from ingest.steps import STEP_NAMES      # only when ingesting, not for every luutru command
    from ingest.normalise import start_pdfa_validator
    from api.jobs import ingest_runner
    who = caller(user, password_stdin)       # before any work: no credential, nothing ingested
    require(who, ("archivist",), action="submit dossiers")
    runner = ingest_runner()
    console = Console()
    todo = submissions(paths)
    if runner is pipeline.in_process:     # else the workers validate, with JVMs of their own
        start_pdfa_validator(lambda: any(holds_documents(source) for source in todo))
    organ_id, actor = who.organ_id, who.user
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        overall = progress.add_task("Tổng", total=len(todo) * len(STEP_NAMES))

        # Jobs are created one by one (each checks the catalog's schema), then run side by side;
        # an unfinished job of the same source resumes only for the agency that submitted it.
        def job_for(source: Path) -> str:
            unfinished = pipeline.unfinished_job_for(source)
            if unfinished and IngestJob.load(unfinished).result("job").get("organ_id") == organ_id:
                return unfinished
            return pipeline.create(source, organ_id=organ_id, actor=actor).id
        jobs = [(source, job_for(source)) for source in todo]

        def ingest_one(source: Path, job_id: str):
            task = progress.add_task(source.name, total=len(STEP_NAMES))

            def show(step: str, status: str) -> None:
                progress.update(task, description=f"{source.name}: {STEP_LABELS[step]}")
                if status == StepState.DONE:
                    progress.advance(task)
                    progress.advance(overall)

            try:
                pipeline.resume(job_id, progress=show, runner=runner)
                return source, job_id, None
            except LuuTruError as exc:
                return source, job_id, exc
            finally:
                progress.remove_task(task)

        # Converters of all dossiers share the cores (ingest.tools.cores).
        with ThreadPoolExecutor(ingest_workers()) as pool:
            outcomes = list(pool.map(ingest_one, *zip(*jobs))) if jobs else []
    _summary(console, outcomes)
    if any(exc for _, _, exc in outcomes):
        raise typer.Exit(1)


def _summary(console: Console, outcomes) -> None:
    table = Table(title="Kết quả lưu trữ", show_lines=False)
    for col in ("Gói nộp", "Mã hồ sơ", "Kết quả", "Gói lưu trữ trong kho"):
        table.add_column(col, overflow="fold")  # codes and package locations are shown whole
    for source, job_id, exc in outcomes:
        job = IngestJob.load(job_id) if job_id else None
        code = job.dossier().code if job and job.has_result("validate") and \
            job.result("validate").get("dossier") else "—"
        if exc is None and not job.has_result("store"):     # identical to the archived version
            table.add_row(source.name, code, "[green]không thay đổi[/]", "giống phiên bản đang lưu trữ")
        elif exc is None:
            stored = job.result("store")
            table.add_row(source.name, code, "[green]đã lưu trữ[/]", f"{stored['store_url']}/{stored['prefix']}")
        else:
            color = "yellow" if exc.code == "amendment_pending" else "red"
            table.add_row(source.name, code, f"[{color}]{exc.code}[/]", exc.message_vi + f" ({exc.detail})"[:200])
    console.print(table)


@app.command()
def status(target: str = typer.Argument(None, help="Mã hồ sơ hoặc mã công việc (job)."),
           user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Trạng thái từng bước của các lần lưu trữ mà người gọi theo dõi được: văn thư, lưu trữ
    của cơ quan mình; Sở Nội vụ và quản trị của mọi cơ quan (như trang Phiên nộp hồ sơ)."""
    from api import jobs as ingest_jobs
    from archive.catalog.dossiers import find_dossier
    from archive.errors import NotFound
    who = caller(user, password_stdin)
    agency = ingest_jobs.scope(who)          # Forbidden for a role that follows no jobs

    def follows(job_id: str) -> bool:
        try:
            return bool(ingest_jobs.readable(who, job_id))
        except NotFound:                      # another agency's job: as if there were none
            return False
    console = Console()
    job_ids = [j for j in ([target] if target and state.states(target) else state.jobs_of(target)) if follows(j)]
    code = target if target and not state.states(target) else None
    with session_scope() as session:
        try:
            record = find_dossier(session, code, who) if code else None
        except NotFound:
            record = None
        if record is not None and agency not in (None, record.organ_id):
            record = None
        if not job_ids and record is None:
            console.print(f"Không tìm thấy hồ sơ hoặc công việc {target!r}." if target else "Chưa có công việc nào.")
            raise typer.Exit(1 if target else 0)
        for job_id in job_ids:
            _print_steps(console, job_id)
        if not target:
            _print_needs_attention(console, session, agency)
        if record is not None:
            console.print(f"Hồ sơ {record.code}: {DossierStatus(record.status).label}, "
                          f"phiên bản gói {record.current_version}")
            _print_copy_checks(console, copy_checks(session, record))


def _print_steps(console: Console, job_id: str) -> None:
    table = Table(title=f"Công việc {job_id}")
    for col in ("Bước", "Trạng thái", "Lần chạy", "Lý do"):
        table.add_column(col)
    for s in state.states(job_id):
        color = {StepState.DONE: "green", StepState.FAILED: "red", StepState.RUNNING: "yellow"}.get(s.state, "white")
        table.add_row(STEP_LABELS.get(s.step, s.step), f"[{color}]{StepState(s.state).label}[/]", str(s.attempts),
                      (s.reason or "")[:160])
    console.print(table)


def _print_needs_attention(console: Console, session, agency: str | None) -> None:
    query = select(DossierRecord.code).where(DossierRecord.status == DossierStatus.NEEDS_ATTENTION)
    if agency is not None:
        query = query.where(DossierRecord.organ_id == agency)
    codes = session.execute(query.order_by(DossierRecord.code)).scalars().all()
    if codes:
        console.print("[red]Hồ sơ cần xem xét (bản PDF/A không đạt kiểm tra):[/] " + ", ".join(codes))


def _print_copy_checks(console: Console, checks: list) -> None:
    """For each PDF/A copy: validator and version, profile, outcome (a failure names its rules)."""
    if not checks:
        return
    table = Table(title="Kiểm tra bản PDF/A")
    for col in ("Văn bản", "Công cụ kiểm tra", "Mức, hồ sơ kiểm tra", "Kết quả"):
        table.add_column(col)
    for c in checks:
        table.add_row(c.label, c.validator, f"{c.level}, {c.profile_vi}",
                      f"[green]{c.outcome}[/]" if c.passed else f"[red]không đạt: {c.outcome}[/]")
    console.print(table)
