"""``luutru check-package PATH…``: check archival packages (gói tin lưu trữ) offline.

For each package folder: every checksum in METS/PREMIS against the bytes, E-ARK CSIP
conformance (eark-validator, vocabularies served locally), and every XML file against the
XSDs in the package's own ``schemas/`` folder.
"""
from __future__ import annotations

from pathlib import Path

import typer

from api.cli.app import app
from archive.errors import PackageCheckFailed

KIND_VI = {"missing": "bị mất", "checksum_mismatch": "sai mã SHA-256", "size_mismatch": "sai kích thước",
           "unreferenced": "không có trong METS", "premis_mismatch": "PREMIS không khớp dữ liệu"}


@app.command("check-package")
def check_package(paths: list[Path] = typer.Argument(..., help="Thư mục gói tin lưu trữ.")) -> None:
    """Kiểm tra gói tin lưu trữ: mã kiểm tra SHA-256, chuẩn E-ARK CSIP và lược đồ XSD."""
    from archive.package import read_package, validate_package, validate_xml_against_shipped_xsds, verify_package
    failed = 0
    for path in paths:
        desc = read_package(path)
        fixity = verify_package(path)
        eark = validate_package(path)
        xsd = validate_xml_against_shipped_xsds(path)
        ok = fixity.ok and not eark.errors and not xsd
        failed += not ok
        typer.echo(f"{path}: {'HỢP LỆ' if ok else 'KHÔNG HỢP LỆ'} — {desc.package_id} ({desc.package_type}), "
                   f"hồ sơ {desc.dossier.code}, {fixity.checked} tệp đã kiểm tra")
        for p in fixity.problems:
            typer.echo(f"  LỖI {p.path}: {KIND_VI.get(p.kind, p.kind)}", err=True)
        for f in eark.errors:
            typer.echo(f"  LỖI E-ARK {f.rule_id}: {f.message}", err=True)
        for p in xsd:
            typer.echo(f"  LỖI XSD {p.file}: {p.message}", err=True)
    if failed:
        raise PackageCheckFailed(f"{failed} of {len(paths)} package(s) failed the check", failed=failed)
