"""``luutru amendment list|approve|reject``: changes of archived dossiers waiting for the
agency head (retention, rights, dates, removed documents). An approved change's ingest job
resumes here and stores the new version."""
from __future__ import annotations

import json
from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller

amendment_app = typer.Typer(help="Thay đổi hồ sơ chờ lãnh đạo cơ quan phê duyệt.", no_args_is_help=True)
app.add_typer(amendment_app, name="amendment")


@amendment_app.command("list")
def list_command(all_stages: bool = typer.Option(False, "--all", help="Cả các thay đổi đã quyết định."),
                 user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Các thay đổi hồ sơ của cơ quan mình (toàn tỉnh với Sở Nội vụ, quản trị viên), dạng JSON."""
    from archive.catalog.amendments import AmendmentStage
    from archive.lifecycle.amendment import list_changes
    from archive.access import SEES_ALL_METADATA
    who = caller(user, password_stdin)
    changes = list_changes(None if who.role in SEES_ALL_METADATA else who.organ_id or "-",
                           None if all_stages else AmendmentStage.PENDING)
    typer.echo(json.dumps(changes, ensure_ascii=False, indent=1, default=str))


@amendment_app.command("approve")
def approve(change_id: int, note: Optional[str] = typer.Option(None, "--note"),
            user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lãnh đạo cơ quan (không phải người nộp) phê duyệt thay đổi; phiên bản mới được lưu trữ ngay."""
    from archive.lifecycle.amendment import approve_change
    from ingest import pipeline
    job_id = approve_change(caller(user, password_stdin), change_id, note)
    typer.echo(f"Đã phê duyệt thay đổi số {change_id}; đang lưu trữ phiên bản mới (công việc {job_id}).")
    pipeline.resume(job_id)
    typer.echo("Đã lưu trữ phiên bản mới.")


@amendment_app.command("reject")
def reject(change_id: int, note: Optional[str] = typer.Option(None, "--note"),
           user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lãnh đạo cơ quan từ chối thay đổi; hồ sơ giữ nguyên."""
    from archive.lifecycle.amendment import reject_change
    reject_change(caller(user, password_stdin), change_id, note)
    typer.echo(f"Đã từ chối thay đổi số {change_id}; hồ sơ giữ nguyên.")
