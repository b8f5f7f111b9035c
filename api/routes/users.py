"""Administration: users of each agency and grants of restricted dossiers (administrator only)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import accounts
from api.deps import Caller, DbDep, require_role
from api.schemas import GrantOut, UserOut
from archive.access import Role

router = APIRouter(tags=["administration"])
AdminDep = Annotated[Caller, Depends(require_role("admin"))]


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    role: Role
    organ_id: str | None = Field(None, max_length=13, description="OrganId of the user's agency.")
    password: str | None = Field(None, min_length=8, max_length=1024)


class GrantRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    dossier_code: str = Field(min_length=1, max_length=64)


@router.get("/users", response_model=list[UserOut], summary="Danh sách người dùng")
def list_users(_: AdminDep, db: DbDep) -> list[accounts.User]:
    return list(db.execute(select(accounts.User).order_by(accounts.User.username)).scalars())


@router.post("/users", response_model=UserOut, status_code=201, summary="Tạo người dùng")
def add_user(body: NewUser, caller: AdminDep) -> accounts.User:
    return accounts.create_user(body.username, body.role, body.organ_id, body.password, actor=caller.name)


@router.post("/grants", response_model=GrantOut, status_code=201, summary="Cấp quyền khai thác hồ sơ hạn chế")
def add_grant(body: GrantRequest, caller: AdminDep) -> GrantOut:
    accounts.grant(body.username, body.dossier_code, actor=caller.name)
    return GrantOut(username=body.username, dossier_code=body.dossier_code)


@router.delete("/grants/{username}/{dossier_code}", status_code=204, summary="Thu hồi quyền khai thác")
def remove_grant(username: str, dossier_code: str, caller: AdminDep) -> None:
    accounts.revoke(username, dossier_code, actor=caller.name)


@router.post("/users/{username}/deactivate", response_model=UserOut, summary="Khóa tài khoản (kết thúc mọi phiên, thu hồi mọi mã API)")
def deactivate_user(username: Annotated[str, Path(min_length=1, max_length=100)], caller: AdminDep) -> accounts.User:
    return accounts.deactivate_user(username, actor=caller.name)
