"""``luutru doctor``: is this configuration ready to archive? Exit code 1 when anything is wrong."""
from __future__ import annotations

import typer

from api.cli.app import app


@app.command()
def doctor() -> None:
    """Kiểm tra cấu hình từ đầu đến cuối: cơ sở dữ liệu, kho lưu trữ, chỉ mục, hàng đợi, công cụ."""
    from api.doctor import diagnose
    problems = 0
    for finding in diagnose():
        mark = "✓" if finding.ok else "✗"
        code = "" if finding.ok else f" [{finding.code}]"
        typer.echo(f"{mark} {finding.what}: {finding.detail}{code}")
        problems += not finding.ok
    typer.echo("Mọi thứ sẵn sàng." if not problems else f"Có {problems} vấn đề cần xử lý.")
    raise typer.Exit(1 if problems else 0)
