"""``luutru report``: the auditor's report, per agency or province-wide, as XLSX or PDF."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app


@app.command("report")
def report_command(out: Path = typer.Option(..., "--out", help="Tệp kết quả."),
                   format_: str = typer.Option("xlsx", "--format", help="xlsx | pdf"),
                   agency: Optional[str] = typer.Option(None, "--agency", help="Một cơ quan (mặc định: toàn tỉnh).")) -> None:
    """Báo cáo cho Sở Nội vụ: hồ sơ theo thời hạn, đến hạn nộp lưu, hết hạn, đã hủy, toàn vẹn, nhật ký.
    Lệnh vận hành (đọc), không nhân danh ai; "hôm nay" là ngày của hệ thống (LUUTRU_FIXED_TODAY)."""
    from archive.catalog import init_catalog
    from archive.errors import InvalidRequest
    from archive.lifecycle.reports import build_report, write_pdf_report, write_xlsx
    writers = {"xlsx": write_xlsx, "pdf": write_pdf_report}
    if format_ not in writers:
        raise InvalidRequest(f"format must be xlsx or pdf, not {format_!r}", message_vi="Định dạng phải là xlsx hoặc pdf.")
    init_catalog()
    report = build_report(agency)
    writers[format_](report, out)
    typer.echo(f"Đã ghi báo cáo {out}: " + "; ".join(f"{k}={v}" for k, v in report.summary.items()))
