"""Login and logout (session cookie), the current user, API tokens for agency systems."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from api import accounts
from api.deps import CallerDep, DbDep, csrf_token
from api.schemas import Me, TokenInfo, TokenOut
from archive import audit

router = APIRouter(prefix="/auth", tags=["auth"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What system the token is for.")


def start_session(request: Request, user: accounts.User) -> str:
    """A fresh session for the user (a new CSRF token too, so a pre-login one cannot be reused)."""
    request.session.clear()
    request.session["sid"] = accounts.open_session(user)
    audit.record("login", actor=user.username, agency=user.organ_id)
    return csrf_token(request)


def end_session(request: Request, username: str, organ_id: str | None) -> None:
    """Ends the session on the server: the cookie, even kept by someone, opens nothing again."""
    accounts.end_session(request.session.get("sid"), "logout")
    request.session.clear()
    audit.record("logout", actor=username, agency=organ_id)


@router.post("/login", response_model=Me, summary="Đăng nhập (phiên làm việc bằng cookie)")
def login(body: Credentials, request: Request, db: DbDep) -> Me:
    user = accounts.authenticate(db, body.username, body.password)
    db.commit()                 # release the connection: start_session audits with its own
    token = start_session(request, user)
    return Me(username=user.username, role=user.role, organ_id=user.organ_id, csrf_token=token)


@router.post("/logout", status_code=204, summary="Đăng xuất")
def logout(request: Request, caller: CallerDep) -> None:
    end_session(request, caller.name, caller.user.organ_id)


@router.get("/me", response_model=Me, summary="Người dùng hiện tại")
def me(request: Request, caller: CallerDep) -> Me:
    token = csrf_token(request) if caller.via == "session" else None
    return Me(username=caller.name, role=caller.user.role, organ_id=caller.user.organ_id, csrf_token=token)


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="Tạo mã truy cập API (hiện một lần)")
def create_token(body: TokenRequest, caller: CallerDep) -> TokenOut:
    return TokenOut(token=accounts.issue_token(caller.user.id, body.name, actor=caller.name), name=body.name)


@router.get("/tokens", response_model=list[TokenInfo], summary="Các mã truy cập API của tôi")
def list_tokens(caller: CallerDep, db: DbDep) -> list[accounts.ApiToken]:
    return accounts.tokens_of(db, caller.user.id)


@router.delete("/tokens/{token_id}", status_code=204, summary="Thu hồi mã truy cập API")
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**62)], caller: CallerDep) -> None:
    accounts.revoke_token(token_id, actor=caller.name, owner_id=None if caller.user.role == "admin" else caller.user.id)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=8, max_length=1024)


@router.post("/password", status_code=204, summary="Đổi mật khẩu (các phiên khác kết thúc)")
def change_password(body: PasswordChange, request: Request, caller: CallerDep, db: DbDep) -> None:
    accounts.authenticate(db, caller.name, body.current_password)      # counted like a login
    db.commit()
    accounts.set_password(caller.name, body.new_password, actor=caller.name, keep_session=request.session.get("sid"))
