"""Who a ``luutru`` command acts for, from credentials only: an API token in ``LUUTRU_TOKEN``
(``luutru user token NAME``), or ``--user NAME`` with the password typed at a prompt or read
from stdin (``--password-stdin``). Role and agency are the account's; nothing a caller
declares on the command line counts. Commands acting on no one's behalf (rebuild-catalog,
fixity, audit verify, doctor) do not use this."""
from __future__ import annotations

import getpass
import os
import sys
from typing import Optional

import typer

from archive.access import Principal

TOKEN_VARIABLE = "LUUTRU_TOKEN"
USER = typer.Option(None, "--user", help="Tên đăng nhập của người thực hiện (mật khẩu hỏi khi chạy, "
                                         "hoặc --password-stdin). Mặc định: mã API trong LUUTRU_TOKEN.")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Đọc mật khẩu của --user từ stdin (một dòng).")


def read_secret(from_stdin: bool, prompt: str = "Mật khẩu: ") -> str:
    return sys.stdin.readline().rstrip("\r\n") if from_stdin else getpass.getpass(prompt)


def caller(user: Optional[str], password_stdin: bool, *, required: bool = True) -> Principal | None:
    """The authenticated caller; NotAuthenticated (or InvalidCredentials, audited) otherwise.
    With ``required`` False, None when no credential at all is given."""
    from api import accounts
    from archive.catalog import init_catalog, session_scope
    from archive.errors import NotAuthenticated
    init_catalog()
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not user and not token:
        if not required:
            return None
        raise NotAuthenticated("this command acts for a person: set LUUTRU_TOKEN to an API token or give --user NAME",
                               message_vi="Lệnh này cần biết ai thực hiện: đặt LUUTRU_TOKEN (mã API) "
                                          "hoặc dùng --user TÊN (kèm mật khẩu).")
    with session_scope() as session:
        if user:
            account = accounts.authenticate(session, user, read_secret(password_stdin))
        else:
            account = accounts.user_for_token(session, token)
            if account is None:
                raise NotAuthenticated("LUUTRU_TOKEN is not a valid API token (unknown, revoked or expired)",
                                       message_vi="Mã API trong LUUTRU_TOKEN không hợp lệ, đã bị thu hồi hoặc hết hạn.")
        return accounts.principal_of(session, account)
