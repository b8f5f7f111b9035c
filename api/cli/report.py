"""``luutru report``: the auditor's report, per agency or province-wide, as XLSX or PDF."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller


@app.command("report")
def report_command(out: Path = typer.Option(..., "--out", help="Tệp kết quả."),
                   format_: str = typer.Option("xlsx", "--format", help="xlsx | pdf"),
                   agency: Optional[str] = typer.Option(None, "--agency", help="Một cơ quan (mặc định: toàn tỉnh)."),
                   user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Báo cáo cho Sở Nội vụ: hồ sơ theo thời hạn, đến hạn nộp lưu, hết hạn, đã hủy, toàn vẹn, nhật ký.
    Sở Nội vụ và quản trị: toàn tỉnh hoặc một cơ quan; nhân viên cơ quan: cơ quan mình. "Hôm nay" là
    ngày của hệ thống (LUUTRU_FIXED_TODAY)."""
    from archive.access import agency_scope
    from archive.errors import InvalidRequest
    from archive.lifecycle.reports import build_report, write_pdf_report, write_xlsx
    writers = {"xlsx": write_xlsx, "pdf": write_pdf_report}
    if format_ not in writers:
        raise InvalidRequest(f"format must be xlsx or pdf, not {format_!r}", message_vi="Định dạng phải là xlsx hoặc pdf.")
    report = build_report(agency_scope(caller(user, password_stdin), agency))
    writers[format_](report, out)
    typer.echo(f"Đã ghi báo cáo {out}: " + "; ".join(f"{k}={v}" for k, v in report.summary.items()))
