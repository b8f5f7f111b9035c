"""``luutru destruction`` and ``luutru hold``: the destruction workflow and legal holds.

Each command acts for the caller its credentials name (api/cli/credentials.py: LUUTRU_TOKEN,
or ``--user`` with a password); role and agency are that account's, "today" is the archive's
clock (``LUUTRU_FIXED_TODAY`` on test instances). Every rule is checked in archive/lifecycle/destruction.py.
"""
from __future__ import annotations

from typing import List, Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller

destruction_app = typer.Typer(help="Tiêu hủy tài liệu hết giá trị.", no_args_is_help=True)
hold_app = typer.Typer(help="Phong tỏa hồ sơ (legal hold).", no_args_is_help=True)
app.add_typer(destruction_app, name="destruction")
app.add_typer(hold_app, name="hold")


@destruction_app.command("draft")
def draft_command(items: List[str] = typer.Argument(..., help="MÃ_HỒ_SƠ=lý do hủy, một mục cho mỗi hồ sơ."),
                  user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lập danh mục hồ sơ hết giá trị đề nghị hủy (chỉ hồ sơ đã hết hạn của cơ quan mình)."""
    from archive.lifecycle.destruction import draft_list
    from archive.errors import InvalidRequest
    pairs = [item.partition("=")[::2] for item in items]
    if any(not reason for _, reason in pairs):
        raise InvalidRequest("each item is DOSSIER=reason", message_vi="Mỗi mục phải có dạng MÃ_HỒ_SƠ=lý do hủy.")
    list_id = draft_list(caller(user, password_stdin), pairs)
    typer.echo(f"Đã lập danh mục hủy số {list_id} gồm {len(pairs)} hồ sơ; chờ Hội đồng xem xét.")


@destruction_app.command("review")
def review_command(list_id: int, dossier: str, decision: str = typer.Argument(..., help="agree | keep"),
                   new_retention: Optional[str] = typer.Option(None, help="Thời hạn bảo quản mới khi giữ lại."),
                   note: Optional[str] = typer.Option(None), user: Optional[str] = USER,
                   password_stdin: bool = PASSWORD_STDIN) -> None:
    """Ý kiến của thành viên Hội đồng về từng hồ sơ: đồng ý hủy (agree) hoặc giữ lại (keep)."""
    from archive.lifecycle.destruction import review_item
    review_item(caller(user, password_stdin), list_id, dossier, decision, new_retention=new_retention, note=note)
    typer.echo(f"Đã ghi ý kiến về hồ sơ {dossier} trong danh mục {list_id}.")


@destruction_app.command("audit")
def audit_command(list_id: int, decision: str = typer.Argument(..., help="agree | reject"),
                  note: Optional[str] = typer.Option(None), user: Optional[str] = USER,
                  password_stdin: bool = PASSWORD_STDIN) -> None:
    """Thẩm định của Sở Nội vụ: đồng ý (agree) hoặc không đồng ý (reject) danh mục hủy."""
    from archive.lifecycle.destruction import audit_list
    from archive.errors import InvalidRequest
    if decision not in ("agree", "reject"):
        raise InvalidRequest("decision is agree or reject", message_vi="Ý kiến thẩm định là agree hoặc reject.")
    audit_list(caller(user, password_stdin), list_id, agree=decision == "agree", note=note)
    typer.echo(f"Đã ghi ý kiến thẩm định danh mục {list_id}: {decision}.")


@destruction_app.command("approve")
def approve_command(list_id: int, decision_ref: str = typer.Option(..., "--decision", help="Số quyết định hủy."),
                    user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lãnh đạo cơ quan phê duyệt quyết định hủy (người phê duyệt khác người lập danh mục)."""
    from archive.lifecycle.destruction import approve_list
    approve_list(caller(user, password_stdin), list_id, decision_ref=decision_ref)
    typer.echo(f"Đã phê duyệt danh mục hủy {list_id} theo quyết định {decision_ref}.")


@destruction_app.command("execute")
def execute_command(list_id: int, user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Hủy mọi bản của các hồ sơ đã được phê duyệt, kiểm tra không còn sót, lưu biên bản hủy.
    Một lần hủy bị dừng giữa chừng được tiếp tục bằng cách chạy lại lệnh này."""
    from archive.lifecycle.destruction import execute_list
    certificate = execute_list(caller(user, password_stdin), list_id)
    typer.echo(f"Đã hủy danh mục {list_id}. Biên bản: {certificate.pdf_key} (SHA-256 {certificate.pdf_sha256}), "
               f"{certificate.xml_key}; lưu đến {certificate.keep_until:%d/%m/%Y}.")


@destruction_app.command("show")
def show_command(list_id: int, user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Xem danh mục hủy: các hồ sơ, ý kiến Hội đồng, thẩm định, quyết định và biên bản (JSON).
    Chỉ danh mục của cơ quan mình (Sở Nội vụ, quản trị: mọi cơ quan)."""
    import json

    from archive.lifecycle.destruction import describe_list
    from archive.vn import is_dateish, vn_date
    listed = describe_list(list_id, caller(user, password_stdin))   # another agency's: not found, as a missing one
    # dates as people read them here: dd/mm/yyyy (HH:MM in the archive's time zone)
    typer.echo(json.dumps(listed, ensure_ascii=False, indent=1,
                          default=lambda v: vn_date(v) if is_dateish(v) else str(v)))


@hold_app.command("place")
def place_command(dossier: str, reason: str = typer.Option(..., help="Lý do phong tỏa."),
                  user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Phong tỏa hồ sơ: không được đưa vào danh mục hủy, phê duyệt, hủy hay thay đổi."""
    from archive.lifecycle.legal_hold import place_hold
    place_hold(caller(user, password_stdin), dossier, reason)
    typer.echo(f"Đã phong tỏa hồ sơ {dossier}.")


@hold_app.command("lift")
def lift_command(dossier: str, reason: str = typer.Option(..., help="Lý do gỡ phong tỏa."),
                 user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Gỡ phong tỏa hồ sơ (chỉ người có thẩm quyền không thấp hơn người đã phong tỏa)."""
    from archive.lifecycle.legal_hold import lift_hold
    lift_hold(caller(user, password_stdin), dossier, reason)
    typer.echo(f"Đã gỡ phong tỏa hồ sơ {dossier}.")
