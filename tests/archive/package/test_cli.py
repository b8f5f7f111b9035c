"""``luutru check-package``: a sound package passes, a damaged one fails with a stable code."""
from __future__ import annotations

from typer.testing import CliRunner

import api.cli.package  # noqa: F401
import api.cli.validate  # noqa: F401  (two commands: typer then dispatches by name)
from api.cli.app import app
from archive.errors import PackageCheckFailed


def test_a_sound_package_passes_the_check(aip):
    result = CliRunner().invoke(app, ["check-package", str(aip.path)])
    assert result.exit_code == 0, result.output
    assert "HỢP LỆ" in result.output and aip.package_id in result.output


def test_a_damaged_package_fails_the_check_naming_the_file(fresh_aip):
    (fresh_aip.path / "representations/rep0/data/001/01.pdf").write_bytes(b"%PDF-1.4 replaced")
    result = CliRunner().invoke(app, ["check-package", str(fresh_aip.path)])
    assert isinstance(result.exception, PackageCheckFailed)
    assert "representations/rep0/data/001/01.pdf: sai mã SHA-256" in result.output
