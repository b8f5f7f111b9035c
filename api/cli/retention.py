"""``luutru retention``: the daily due/expired run, event trigger dates, agency e-mail contacts."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller

retention_app = typer.Typer(help="Thời hạn bảo quản và thông báo đến hạn.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")


@retention_app.command("run")
def run_command() -> None:
    """Liệt kê hồ sơ sắp/quá hạn nộp lưu và hồ sơ hết hạn bảo quản; thông báo cho cơ quan.
    Lệnh vận hành, không nhân danh ai; "hôm nay" là ngày của hệ thống (LUUTRU_FIXED_TODAY)."""
    from archive.catalog import init_catalog
    from archive.lifecycle.retention_run import KIND_VI, run_retention
    init_catalog()
    run = run_retention()
    for item in run.due:
        hold = " [phong tỏa]" if item.legal_hold else ""
        typer.echo(f"{item.organ_id}\t{item.code}\t{KIND_VI[item.kind]}\t{item.due_date:%d/%m/%Y}{hold}")
    typer.echo(f"{len(run.due)} hồ sơ; {run.new_notices} thông báo mới; đã gửi thư tới: "
               f"{', '.join(run.emails_sent) or 'không ai'}.")


@retention_app.command("trigger")
def trigger_command(dossier: str, date_: datetime = typer.Option(..., "--date", help="Ngày xảy ra sự kiện."),
                    user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Ghi ngày sự kiện mà thời hạn bảo quản theo sự kiện được tính từ đó (văn thư, lưu trữ của cơ quan)."""
    from archive.lifecycle.retention_run import record_trigger
    expiry = record_trigger(caller(user, password_stdin), dossier, date_.date())
    until = f"{expiry:%d/%m/%Y}" if expiry else "không hết hạn"
    typer.echo(f"Đã ghi ngày sự kiện {date_:%d/%m/%Y} cho hồ sơ {dossier}; hết hạn bảo quản: {until}.")


@retention_app.command("contact")
def contact_command(agency: str, email: str, user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Địa chỉ thư nhận thông báo của một cơ quan (văn thư, lãnh đạo của cơ quan đó hoặc quản trị viên)."""
    from archive.lifecycle.retention_run import set_contact
    set_contact(caller(user, password_stdin), agency, email)
    typer.echo(f"Thông báo của cơ quan {agency} sẽ gửi tới {email}.")


@retention_app.command("notices")
def notices_command(agency: Optional[str] = typer.Argument(None, help="Mã cơ quan (nhân viên cơ quan: cơ quan mình)."),
                    unread: bool = typer.Option(False, "--unread", help="Chỉ thông báo chưa đọc."),
                    user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Các thông báo trong hệ thống của một cơ quan, mới nhất trước: của cơ quan mình, hoặc của
    cơ quan chọn (Sở Nội vụ, quản trị)."""
    from archive.lifecycle.retention_run import notices_for
    for n in notices_for(caller(user, password_stdin), agency, unread_only=unread):
        typer.echo(f"{n.created_at:%d/%m/%Y}\t{n.message}")
