"""``luutru rebuild-catalog``: the catalog recovered from the packages in the store alone."""
from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli.app import app
from archive.errors import UnreadablePackage


@app.command("rebuild-catalog")
def rebuild_catalog_command(
    reindex: bool = typer.Option(True, "--reindex/--no-reindex", help="Lập lại chỉ mục tìm kiếm sau khi dựng lại."),
) -> None:
    """Dựng lại danh mục hồ sơ từ các gói lưu trữ trong kho (các gói tự mô tả), rồi lập lại chỉ mục.
    Lệnh vận hành, không nhân danh ai (không cần đăng nhập)."""
    from archive.lifecycle.rebuild import rebuild_catalog
    from archive.storage import open_store

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:  # stdout: the summary only
        task = bar.add_task("Đọc các gói lưu trữ", total=None)
        report = rebuild_catalog(open_store(), progress=lambda done, total: bar.update(task, completed=done,
                                                                                       total=total))
    typer.echo(f"Tìm thấy {report.found} gói trong kho; ghi vào danh mục {report.recorded} gói "
               f"({report.already} gói đã có sẵn) của {len(report.dossiers)} hồ sơ.")
    for organ_id in report.agencies:
        typer.echo(f"  Đã đăng ký lại cơ quan {organ_id} (có trong gói lưu trữ, thiếu trong danh mục cơ quan; "
                   "ghi nhật ký): kiểm tra tên tại trang Cơ quan.")
    for prefix in report.unlinked:
        typer.echo(f"  CẢNH BÁO {prefix}: không có trong kho gói phiên bản trước của gói này.", err=True)
    for prefix, why in report.problems.items():
        typer.echo(f"  LỖI {prefix}: {why}", err=True)
    if reindex:
        from api.cli.search import reindex as reindex_command
        reindex_command(dossier=None, all_=True)
    if report.problems:
        raise UnreadablePackage(f"{len(report.problems)} package(s) not recorded: {', '.join(report.problems)}",
                                message_vi=f"Không dựng lại được danh mục cho {len(report.problems)} gói lưu trữ.")
