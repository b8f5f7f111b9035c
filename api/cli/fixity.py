"""``luutru fixity``: re-hash stored packages and raise an alarm on any damage or loss."""
from __future__ import annotations

from typing import Optional

import typer

from api.cli.app import app
from archive.errors import FixityFailed

OUTCOME_VI = {"mismatch": "sai mã kiểm tra", "missing": "bị mất", "unreadable": "không đọc được"}


@app.command("fixity")
def fixity_command(
    dossier: Optional[str] = typer.Argument(None, help="Mã hồ sơ cần kiểm tra (mặc định: các đối tượng đến hạn)."),
    all_: bool = typer.Option(False, "--all", help="Kiểm tra mọi đối tượng, kể cả chưa đến hạn."),
    due: bool = typer.Option(False, "--due", help="Chỉ kiểm tra các đối tượng đến hạn (mặc định)."),
    budget: Optional[int] = typer.Option(None, help="Giới hạn số byte đọc trong lần chạy này."),
) -> None:
    """Kiểm tra tính toàn vẹn (SHA-256) của dữ liệu trong kho; sửa từ bản sao nếu có.
    Lệnh vận hành, không nhân danh ai (không cần đăng nhập)."""
    from archive.catalog import init_catalog
    from archive.lifecycle.fixity import run_fixity
    if sum(bool(x) for x in (dossier, all_, due)) > 1:
        raise typer.BadParameter("chọn một trong: --all, --due hoặc một mã hồ sơ")
    init_catalog()
    report = run_fixity(dossier or ("all" if all_ else "due"), budget)
    typer.echo(f"Đã kiểm tra {len(report.checked)} đối tượng, {report.bytes_checked / 1e9:.2f} GB "
               f"trong {report.seconds:.1f} giây; còn {report.left_for_later} đối tượng để lần sau.")
    for check in report.alarms:
        state = "đã sửa từ bản sao" if check.repaired else "CHƯA sửa"
        typer.echo(f"  CẢNH BÁO {check.key} (hồ sơ {check.dossier_code}): {OUTCOME_VI[check.outcome]}; {state}",
                   err=True)
    if report.alarms:
        raise FixityFailed(f"{len(report.alarms)} alarm(s), {len(report.unrepaired)} not repaired",
                           alarms=len(report.alarms), unrepaired=len(report.unrepaired))
