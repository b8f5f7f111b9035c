"""``luutru transfer``: nộp lưu hồ sơ vĩnh viễn vào Lưu trữ lịch sử.

``prepare`` and ``acknowledge`` run at the sending agency, ``receive`` at the historical
archive; ``keygen`` makes a key and self-signed certificate for an archive instance.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from api.cli.app import app
from api.cli.credentials import PASSWORD_STDIN, USER, caller

transfer_app = typer.Typer(help="Nộp lưu hồ sơ vào Lưu trữ lịch sử.", no_args_is_help=True)
app.add_typer(transfer_app, name="transfer")



def _size(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@transfer_app.command("prepare")
def prepare(dossiers: List[str] = typer.Argument(..., help="Mã hồ sơ (vĩnh viễn) cần nộp lưu."),
            out: Path = typer.Option(..., "--out", help="Thư mục đặt bộ hồ sơ nộp lưu."),
            user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Lập bộ hồ sơ nộp lưu (văn thư, lưu trữ của cơ quan): gói SIP mỗi hồ sơ, mục lục hồ sơ nộp lưu,
    biên bản giao nhận."""
    from archive.access import require
    from archive.lifecycle.transfer import prepare_transfer
    who = caller(user, password_stdin)
    require(who, ("archivist",), action="prepare a transfer to the historical archive")
    prepared = prepare_transfer(dossiers, out, organ_id=who.organ_id, actor=who.user)
    m = prepared.manifest
    typer.echo(f"Đợt nộp lưu {prepared.reference}: {len(m.packages)} hồ sơ, {m.total_files} tệp, "
               f"{_size(m.total_size)} byte")
    typer.echo(f"Thư mục: {prepared.folder}")
    typer.echo("Hồ sơ chỉ được đánh dấu đã nộp lưu sau khi nhập văn bản xác nhận của Lưu trữ lịch sử "
               "(luutru transfer acknowledge).")


@transfer_app.command("receive")
def receive(path: Path = typer.Argument(..., help="Thư mục bộ hồ sơ nộp lưu."),
            out: Optional[Path] = typer.Option(None, "--out", help="Nơi ghi văn bản xác nhận (mặc định: cạnh thư mục)."),
            user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Tiếp nhận hồ sơ nộp lưu (tại Lưu trữ lịch sử): kiểm tra mọi gói tin, lưu trữ và ký văn bản xác nhận."""
    from api.routes.received_transfers import RECEIVERS
    from archive.access import require
    from archive.lifecycle.transfer import receive_transfer
    who = caller(user, password_stdin)
    require(who, RECEIVERS, action="receive a transfer")
    received = receive_transfer(path, out_dir=out, actor=who.user)
    typer.echo(f"Đã tiếp nhận đợt nộp lưu {received.reference}: {len(received.dossiers)} hồ sơ")
    for code in received.dossiers:
        typer.echo(f"  {code}")
    typer.echo(f"Văn bản xác nhận: {received.acknowledgement} (chữ ký: {received.acknowledgement}.sig)")


@transfer_app.command("acknowledge")
def acknowledge(ack_path: Path = typer.Argument(..., help="Văn bản xác nhận (JSON) kèm tệp chữ ký .sig."),
                user: Optional[str] = USER, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Nhập văn bản xác nhận của Lưu trữ lịch sử: đánh dấu đã nộp lưu và xóa bản lưu tại cơ quan."""
    from archive.lifecycle.transfer import acknowledge_transfer
    done = acknowledge_transfer(ack_path, caller(user, password_stdin))
    typer.echo(f"Đợt nộp lưu {done.reference} đã được {done.receiver} xác nhận: {len(done.dossiers)} hồ sơ "
               f"chuyển trạng thái 'đã nộp lưu', {done.objects_removed} đối tượng đã xóa khỏi kho")


@transfer_app.command("keygen")
def keygen(key: Path = typer.Option(..., "--key", help="Tệp khóa bí mật (PEM) sẽ tạo."),
           cert: Path = typer.Option(..., "--cert", help="Tệp chứng thư số (PEM) sẽ tạo."),
           name: str = typer.Option(..., "--name", help="Tên lưu trữ (Common Name).")) -> None:
    """Tạo khóa và chứng thư tự ký để ký văn bản xác nhận nộp lưu."""
    from archive.lifecycle.transfer.signing import generate_identity
    generate_identity(name, key, cert)
    typer.echo(f"Khóa: {key}\nChứng thư: {cert}")
