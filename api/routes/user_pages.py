"""/users (administrators): the users of every agency, their grants and API tokens; add a
user, deactivate one (with confirmation), set a new password, issue a token (shown once, on
this page only) or revoke one, grant or revoke a restricted dossier.
The same api.accounts calls as /api/v1/users and ``luutru user``, each audited there."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api import accounts
from api.deps import DbDep, check_csrf
from api.routes.pages import PageCaller, confirmed, render, submit_form
from archive.access import require
from archive.errors import InvalidRequest, LuuTruError
from archive.access import ROLES

router = APIRouter(prefix="/users", include_in_schema=False)
Token = Annotated[str, Form(alias="csrf_token")]
Field = Annotated[str, Form(max_length=1024)]


def _page(request: Request, caller, db, status_code: int = 200, **context) -> HTMLResponse:
    require(caller.principal, ("admin",), action="manage users")
    users = list(db.scalars(select(accounts.User).order_by(accounts.User.username)))
    grants: dict[int, list] = {}
    for g in db.scalars(select(accounts.Grant).order_by(accounts.Grant.dossier_code)):
        grants.setdefault(g.user_id, []).append(g)
    tokens: dict[int, list] = {}
    for t in db.scalars(select(accounts.ApiToken).order_by(accounts.ApiToken.id)):
        tokens.setdefault(t.user_id, []).append(t)
    return render(request, "users.html", caller, status_code=status_code, users=users, grants=grants, tokens=tokens,
                  roles=ROLES, **context)


def _admin_form(request: Request, caller, db, token: str, what: str, action) -> HTMLResponse:
    """An administrator's form: refused to anyone else, its result or the page again with the message."""
    def checked() -> str:
        require(caller.principal, ("admin",), action=what)
        return action()
    return submit_form(request, token, checked, lambda **kw: _page(request, caller, db, **kw), "/users")


@router.get("", response_class=HTMLResponse)
def users_page(request: Request, caller: PageCaller, db: DbDep):
    return _page(request, caller, db)


@router.post("")
def add_user(request: Request, caller: PageCaller, db: DbDep, csrf_token_: Token = "", username: Field = "",
             role: Field = "", organ_id: Field = "", password: Field = ""):
    def action() -> str:
        require(caller.principal, ("admin",), action="add a user")
        if password and len(password) < 8:
            raise InvalidRequest("password shorter than 8 characters",
                                          message_vi="Mật khẩu phải có ít nhất 8 ký tự.")
        user = accounts.create_user(username, role, organ_id.strip() or None, password or None, actor=caller.name)
        return f"Đã tạo người dùng {user.username}."
    return submit_form(request, csrf_token_, action,
                       lambda **kw: _page(request, caller, db, form={"username": username, "role": role,
                                                                     "organ_id": organ_id}, **kw), "/users")


@router.post("/grants")
def add_grant(request: Request, caller: PageCaller, db: DbDep, csrf_token_: Token = "", username: Field = "",
              dossier_code: Field = ""):
    def action() -> str:
        require(caller.principal, ("admin",), action="grant a dossier")
        accounts.grant(username.strip(), dossier_code.strip(), actor=caller.name)
        return f"Đã cấp cho {username} quyền khai thác hồ sơ {dossier_code}."
    return _admin_form(request, caller, db, csrf_token_, "add a user", action)


@router.post("/grants/revoke")
def revoke_grant(request: Request, caller: PageCaller, db: DbDep, csrf_token_: Token = "", username: Field = "",
                 dossier_code: Field = ""):
    def action() -> str:
        accounts.revoke(username, dossier_code, actor=caller.name)
        return f"Đã thu hồi quyền khai thác hồ sơ {dossier_code} của {username}."
    return _admin_form(request, caller, db, csrf_token_, "revoke a grant", action)


@router.post("/tokens")
def issue_token(request: Request, caller: PageCaller, db: DbDep, csrf_token_: Token = "", username: Field = "",
                name: Field = ""):
    """The token is shown in this response only (never kept in the session cookie)."""
    check_csrf(request, csrf_token_)
    require(caller.principal, ("admin",), action="issue an API token")
    try:
        if not name.strip():
            raise InvalidRequest("a token needs a name", message_vi="Hãy đặt tên cho mã truy cập (hệ thống dùng nó).")
        user = accounts.find_user(db, username)
        db.commit()
        secret = accounts.issue_token(user.id, name.strip(), actor=caller.name)
    except LuuTruError as exc:
        return _page(request, caller, db, status_code=exc.http_status, problem=exc.message_vi)
    return _page(request, caller, db, new_token={"username": username, "name": name.strip(), "secret": secret})


@router.post("/{username}/deactivate")
def deactivate(request: Request, username: str, caller: PageCaller, db: DbDep, csrf_token_: Token = "",
               confirm: Annotated[str, Form(max_length=3)] = ""):
    def action() -> str:
        confirmed(f"khóa tài khoản {username}", confirm)
        accounts.deactivate_user(username, actor=caller.name)
        return f"Đã khóa tài khoản {username}: các phiên đăng nhập đã kết thúc, mọi mã truy cập đã bị thu hồi."
    return _admin_form(request, caller, db, csrf_token_, "deactivate a user", action)


@router.post("/{username}/password")
def reset_password(request: Request, username: str, caller: PageCaller, db: DbDep, csrf_token_: Token = "",
                   password: Field = ""):
    def action() -> str:
        accounts.set_password(username, password, actor=caller.name)
        return f"Đã đặt mật khẩu mới cho {username}; các phiên đăng nhập cũ đã kết thúc."
    return _admin_form(request, caller, db, csrf_token_, "reset a password", action)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=2**62)], caller: PageCaller, db: DbDep,
                 csrf_token_: Token = ""):
    def action() -> str:
        accounts.revoke_token(token_id, actor=caller.name, owner_id=None)
        return "Đã thu hồi mã truy cập."
    return _admin_form(request, caller, db, csrf_token_, "revoke an API token", action)
