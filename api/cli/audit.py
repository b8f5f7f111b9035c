"""``luutru audit verify|checkpoint|show``: ``verify`` and ``checkpoint`` are operator commands
on the trail's integrity (they act on no one's behalf and disclose no entry); ``show`` reads
entries as the caller's account may (api/cli/credentials.py), like GET /api/v1/audit."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller
from archive.errors import AuditChainBroken

audit_app = typer.Typer(help="Nhật ký kiểm tra (audit trail).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command() -> None:
    """Kiểm tra chuỗi HMAC của nhật ký và các điểm kiểm tra trong kho; báo từng mục bị sửa,
    xóa, đảo thứ tự, chèn thêm, cắt đuôi hoặc ghi lại toàn bộ. Lệnh vận hành, không nhân danh ai
    (không cần đăng nhập)."""
    from archive import audit
    from archive.catalog import init_catalog
    from archive.storage import open_store
    init_catalog()
    report = audit.verify(store=open_store())
    if not report.ok:
        for finding in report.findings:
            typer.echo(f"  [{finding.kind}] mục {finding.seq}"
                       f"{'..' + str(finding.last_seq) if finding.last_seq else ''}: {finding.reason}", err=True)
        raise AuditChainBroken(report.reason, seq=report.broken_seq,
                               findings=[{"kind": f.kind, "seq": f.seq, "last_seq": f.last_seq}
                                         for f in report.findings])
    checkpoint = report.checkpoint
    typer.echo(f"Nhật ký nguyên vẹn: {report.entries} mục, chuỗi HMAC hợp lệ; "
               + (f"khớp điểm kiểm tra mục {checkpoint.seq} lúc {checkpoint.time}." if checkpoint
                  else "chưa có điểm kiểm tra nào trong kho."))


@audit_app.command("checkpoint")
def checkpoint_command() -> None:
    """Ghi điểm kiểm tra (mục cuối và mã băm) vào kho, chỉ ghi một lần (lệnh vận hành; chạy
    hằng ngày bởi lịch của worker)."""
    from archive.audit_checkpoint import write_checkpoint
    from archive.catalog import init_catalog
    init_catalog()
    checkpoint = write_checkpoint("manual")
    typer.echo(f"Điểm kiểm tra: mục {checkpoint.seq} ({checkpoint.object_key})." if checkpoint
               else "Nhật ký trống: không có gì để ghi.")


def _day(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{option}: ngày dạng YYYY-MM-DD") from None


@audit_app.command("show")
def show_command(dossier: Optional[str] = typer.Option(None, "--dossier", help="Mã hồ sơ (gồm văn bản, tệp)."),
                 actor: Optional[str] = typer.Option(None, "--actor", help="Người thực hiện."),
                 action: Optional[str] = typer.Option(None, "--action", help="Loại sự kiện, ví dụ destroy."),
                 from_: Optional[str] = typer.Option(None, "--from", help="Từ ngày (YYYY-MM-DD)."),
                 to: Optional[str] = typer.Option(None, "--to", help="Đến ngày (YYYY-MM-DD)."),
                 limit: int = typer.Option(1000, "--limit", min=1, help="Số mục tối đa."),
                 user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Xem nhật ký theo hồ sơ, người, loại sự kiện, khoảng ngày: Sở Nội vụ và quản trị xem toàn bộ,
    nhân viên cơ quan xem các mục về hồ sơ của cơ quan mình."""
    import json

    from archive import audit
    from archive.catalog import session_scope
    where = audit.TrailFilter(dossier, actor, action, _day(from_, "--from"), _day(to, "--to"))
    who = caller(user, password_stdin)
    with session_scope() as session:
        for e in audit.entries(session, where, who, limit=limit):
            detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
            typer.echo("\t".join((str(e.seq), e.time, e.actor, e.action, e.object or "", e.outcome, detail)))
