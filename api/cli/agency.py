"""``luutru agency add|list``: the agency registry (administrator)."""
from __future__ import annotations

from typing import Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller

agency_app = typer.Typer(help="Danh mục cơ quan (quản trị viên).", no_args_is_help=True)
app.add_typer(agency_app, name="agency")


@agency_app.command("add")
def add(organ_id: str = typer.Argument(..., help="Mã định danh cơ quan (OrganId), ví dụ 000.00.00.H41."),
        name: str = typer.Option(..., "--name", help="Tên cơ quan."),
        user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Đăng ký (hoặc đổi tên) một cơ quan; chỉ quản trị viên."""
    from archive.agencies import register_agency
    agency = register_agency(caller(user, password_stdin), organ_id, name)
    typer.echo(f"Đã đăng ký cơ quan {agency.organ_id}: {agency.name}.")


@agency_app.command("list")
def list_command() -> None:
    """Các cơ quan đã đăng ký."""
    from archive.agencies import list_agencies
    from archive.catalog import init_catalog
    init_catalog()
    for organ_id, name in list_agencies():
        typer.echo(f"{organ_id}\t{name}")
