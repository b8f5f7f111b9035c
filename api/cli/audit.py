"""``luutru audit verify``: check that nobody edited, deleted or reordered the audit trail."""
from __future__ import annotations

import typer

from api.cli.app import app
from archive.errors import AuditChainBroken

audit_app = typer.Typer(help="Nhật ký kiểm tra (audit trail).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command() -> None:
    """Kiểm tra chuỗi băm của nhật ký; báo mục đầu tiên bị sửa, xóa hoặc đảo thứ tự."""
    from archive import audit
    from archive.catalog import init_catalog
    init_catalog()
    report = audit.verify()
    if not report.ok:
        raise AuditChainBroken(report.reason, seq=report.broken_seq)
    typer.echo(f"Nhật ký nguyên vẹn: {report.entries} mục, chuỗi băm hợp lệ.")
