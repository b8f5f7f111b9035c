"""``luutru user …``: accounts from the command line. Who acts comes from credentials
(api/cli/credentials.py): an administrator's LUUTRU_TOKEN (or ``--user``) for every change;
the first administrator alone is created without one. A token for a user needs that user's
password or an administrator's token: a shell is not a credential."""
from __future__ import annotations

import getpass
import sys
from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller, read_secret
from archive.catalog.db import init_catalog, session_scope
from archive.errors import InvalidRequest
from archive.access import ROLES

user_app = typer.Typer(help="Quản lý người dùng, mã truy cập API và quyền khai thác.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _administrator(user: str | None = None, password_stdin: bool = False):
    """The calling administrator (Forbidden for anyone else, NotAuthenticated with no credential)."""
    from archive.access import require
    who = caller(user, password_stdin)
    require(who, ("admin",), action="change accounts")
    return who


def _admin_exists() -> bool:
    from api import accounts
    from sqlalchemy import select
    with session_scope() as session:
        return session.execute(select(accounts.User.id).where(accounts.User.role == "admin")).first() is not None


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
    """Tạo người dùng: cần mã API của quản trị viên (LUUTRU_TOKEN), trừ quản trị viên đầu tiên."""
    from api import accounts
    accounts.check_role(role)
    init_catalog()
    first = role == "admin" and not _admin_exists()
    actor = "cli (first administrator)" if first else _administrator().user
    password = None if no_password else _read_password(password_stdin)
    user = accounts.create_user(username, role, agency, password, actor=actor)
    typer.echo(f"Đã tạo người dùng {user.username} (vai trò {user.role}"
               f"{', cơ quan ' + user.organ_id if user.organ_id else ''}).")


@user_app.command("token")
def token(username: str = typer.Argument(...),
          name: str = typer.Option("api", "--name", help="Tên hệ thống dùng mã."),
          password_stdin: bool = typer.Option(False, "--password-stdin",
                                              help="Đọc mật khẩu của người dùng từ stdin (một dòng).")) -> None:
    """Tạo mã truy cập API cho một người dùng (chỉ hiện một lần): cần mật khẩu của chính người dùng
    đó (hỏi khi chạy hoặc --password-stdin), hoặc mã API của quản trị viên trong LUUTRU_TOKEN."""
    import os

    from api import accounts
    from api.cli.credentials import TOKEN_VARIABLE
    init_catalog()
    if os.environ.get(TOKEN_VARIABLE):
        actor = _administrator().user
        with session_scope() as session:
            user_id = accounts.find_user(session, username).id
    else:
        with session_scope() as session:
            user_id = accounts.authenticate(session, username, read_secret(password_stdin)).id
        actor = username
    typer.echo(accounts.issue_token(user_id, name, actor=actor))


@user_app.command("grant")
def grant(username: str = typer.Argument(...), dossier: str = typer.Argument(..., help="Mã hồ sơ."),
          user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Cấp quyền khai thác một hồ sơ hạn chế cho người dùng (quản trị viên)."""
    from api import accounts
    accounts.grant(username, dossier, actor=_administrator(user, password_stdin).user)
    typer.echo(f"Đã cấp quyền khai thác hồ sơ {dossier} cho {username}.")


@user_app.command("revoke")
def revoke(username: str = typer.Argument(...), dossier: str = typer.Argument(..., help="Mã hồ sơ."),
           user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Thu hồi quyền khai thác một hồ sơ (quản trị viên)."""
    from api import accounts
    accounts.revoke(username, dossier, actor=_administrator(user, password_stdin).user)
    typer.echo(f"Đã thu hồi quyền khai thác hồ sơ {dossier} của {username}.")


@user_app.command("tokens")
def tokens(username: str = typer.Argument(...), user: Optional[str] = USER,
           password_stdin: bool = PASSWORD_STDIN) -> None:
    """Liệt kê mã truy cập API của người dùng (không bao giờ hiện mã): số, tên, ngày tạo, hết hạn, thu hồi."""
    from api import accounts
    _administrator(user, password_stdin)
    with session_scope() as session:
        for t in accounts.tokens_of(session, accounts.find_user(session, username).id):
            state = "đã thu hồi" if t.revoked_at else "còn hiệu lực"
            typer.echo(f"{t.id}\t{t.name}\t{t.created_at:%Y-%m-%d}\t{t.expires_at:%Y-%m-%d}\t{state}")


@user_app.command("revoke-token")
def revoke_token(token_id: int = typer.Argument(..., help="Số của mã (luutru user tokens)."),
                 user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Thu hồi một mã truy cập API (quản trị viên)."""
    from api import accounts
    accounts.revoke_token(token_id, actor=_administrator(user, password_stdin).user, owner_id=None)
    typer.echo(f"Đã thu hồi mã truy cập API số {token_id}.")


@user_app.command("deactivate")
def deactivate(username: str = typer.Argument(...), user: Optional[str] = USER,
               password_stdin: bool = PASSWORD_STDIN) -> None:
    """Khóa tài khoản (quản trị viên): không đăng nhập được nữa, mọi phiên kết thúc, mọi mã API bị thu hồi."""
    from api import accounts
    accounts.deactivate_user(username, actor=_administrator(user, password_stdin).user)
    typer.echo(f"Đã khóa tài khoản {username}.")


@user_app.command("password")
def password(username: str = typer.Argument(...),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu mới từ stdin.")) -> None:
    """Đặt mật khẩu mới cho người dùng (chính họ hoặc quản trị viên, theo mã API trong LUUTRU_TOKEN);
    mọi phiên đang mở của họ kết thúc."""
    from api import accounts
    from archive.errors import Forbidden
    who = caller(None, False)
    if who.role != "admin" and who.user != username:
        raise Forbidden(f"{who.user} may not set {username}'s password", actor=who.user,
                        message_vi="Chỉ chính người dùng hoặc quản trị viên được đổi mật khẩu.")
    new = _read_password(password_stdin)
    accounts.set_password(username, new, actor=who.user)
    typer.echo(f"Đã đổi mật khẩu của {username}.")
