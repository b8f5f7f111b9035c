"""``luutru user add|token|grant|revoke``: accounts from the command line (the first
administrator is created here)."""
from __future__ import annotations

import getpass
import sys

import typer

from api.cli.app import app
from archive.catalog.db import init_catalog, session_scope
from archive.errors import InvalidRequest
from archive.access import ROLES

user_app = typer.Typer(help="Quản lý người dùng, mã truy cập API và quyền khai thác.", no_args_is_help=True)
app.add_typer(user_app, name="user")
CLI_ACTOR = "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise InvalidRequest("passwords differ", message_vi="Hai lần nhập mật khẩu không khớp.")
    from api import accounts
    return accounts.check_password(password)


@user_app.command("add")
def add(username: str = typer.Argument(..., help="Tên đăng nhập."),
        role: str = typer.Option(..., "--role", help=f"Vai trò: {' | '.join(ROLES)}."),
        agency: str = typer.Option(None, "--agency", help="Mã định danh cơ quan (OrganId) của người dùng."),
        password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ stdin (một dòng)."),
        no_password: bool = typer.Option(False, "--no-password", help="Tài khoản hệ thống, chỉ dùng mã API.")) -> None:
    """Tạo người dùng (ví dụ quản trị viên đầu tiên)."""
    from api import accounts
    accounts.check_role(role)
    password = None if no_password else _read_password(password_stdin)
    init_catalog()
    user = accounts.create_user(username, role, agency, password, actor=CLI_ACTOR)
    typer.echo(f"Đã tạo người dùng {user.username} (vai trò {user.role}"
               f"{', cơ quan ' + user.organ_id if user.organ_id else ''}).")


@user_app.command("token")
def token(username: str = typer.Argument(...),
          name: str = typer.Option("api", "--name", help="Tên hệ thống dùng mã.")) -> None:
    """Tạo mã truy cập API cho một người dùng (chỉ hiện một lần)."""
    from api import accounts
    init_catalog()
    with session_scope() as session:
        user_id = accounts.find_user(session, username).id
    typer.echo(accounts.issue_token(user_id, name, actor=CLI_ACTOR))


@user_app.command("grant")
def grant(username: str = typer.Argument(...), dossier: str = typer.Argument(..., help="Mã hồ sơ.")) -> None:
    """Cấp quyền khai thác một hồ sơ hạn chế cho người dùng."""
    from api import accounts
    init_catalog()
    accounts.grant(username, dossier, actor=CLI_ACTOR)
    typer.echo(f"Đã cấp quyền khai thác hồ sơ {dossier} cho {username}.")


@user_app.command("revoke")
def revoke(username: str = typer.Argument(...), dossier: str = typer.Argument(..., help="Mã hồ sơ.")) -> None:
    """Thu hồi quyền khai thác một hồ sơ."""
    from api import accounts
    init_catalog()
    accounts.revoke(username, dossier, actor=CLI_ACTOR)
    typer.echo(f"Đã thu hồi quyền khai thác hồ sơ {dossier} của {username}.")


@user_app.command("tokens")
def tokens(username: str = typer.Argument(...)) -> None:
    """Liệt kê mã truy cập API của người dùng (không bao giờ hiện mã): số, tên, ngày tạo, hết hạn, thu hồi."""
    from api import accounts
    init_catalog()
    with session_scope() as session:
        for t in accounts.tokens_of(session, accounts.find_user(session, username).id):
            state = "đã thu hồi" if t.revoked_at else "còn hiệu lực"
            typer.echo(f"{t.id}\t{t.name}\t{t.created_at:%Y-%m-%d}\t{t.expires_at:%Y-%m-%d}\t{state}")


@user_app.command("revoke-token")
def revoke_token(token_id: int = typer.Argument(..., help="Số của mã (luutru user tokens).")) -> None:
    """Thu hồi một mã truy cập API."""
    from api import accounts
    init_catalog()
    accounts.revoke_token(token_id, actor=CLI_ACTOR, owner_id=None)
    typer.echo(f"Đã thu hồi mã truy cập API số {token_id}.")


@user_app.command("deactivate")
def deactivate(username: str = typer.Argument(...)) -> None:
    """Khóa tài khoản: không đăng nhập được nữa, mọi phiên kết thúc, mọi mã API bị thu hồi."""
    from api import accounts
    init_catalog()
    accounts.deactivate_user(username, actor=CLI_ACTOR)
    typer.echo(f"Đã khóa tài khoản {username}.")


@user_app.command("password")
def password(username: str = typer.Argument(...),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu mới từ stdin.")) -> None:
    """Đặt mật khẩu mới cho người dùng; mọi phiên đang mở của họ kết thúc."""
    from api import accounts
    new = _read_password(password_stdin)
    init_catalog()
    accounts.set_password(username, new, actor=CLI_ACTOR)
    typer.echo(f"Đã đổi mật khẩu của {username}.")
