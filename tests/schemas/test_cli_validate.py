"""``luutru validate``: a Vietnamese report per submission; exit 0 valid, 1 invalid, 2 unreadable."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import api.cli.schema  # noqa: F401  (two commands: typer then dispatches by name)
import api.cli.validate  # noqa: F401
from api.cli.app import app
from tests.schemas.builders import example_xml, write_submission


@pytest.fixture
def runner():
    return CliRunner()


def test_valid_submission_exits_0_with_a_vietnamese_report(runner, example_folder):
    result = runner.invoke(app, ["validate", str(example_folder)])
    assert result.exit_code == 0, result.output
    assert "HỢP LỆ" in result.output and "000.00.00.H41.2021.01.VP" in result.output


def test_invalid_submission_exits_1_and_lists_every_problem(runner, tmp_path):
    folder = write_submission(tmp_path / "hoso", example_xml(StartDate="2022-01-01", Rights="Mở"))
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "KHÔNG HỢP LỆ" in result.output and "date_order" in result.output and "code_list" in result.output


def test_unreadable_submission_exits_2(runner, tmp_path, example_folder):
    (tmp_path / "not-a-zip.zip").write_bytes(b"PK but not really")
    result = runner.invoke(app, ["validate", str(example_folder), str(tmp_path / "not-a-zip.zip")])
    assert result.exit_code == 2
    assert "not_a_submission" in result.output


def test_json_output_gives_codes_per_submission(runner, tmp_path, example_folder):
    bad = write_submission(tmp_path / "bad", example_xml(Maintenance="15 năm"))
    result = runner.invoke(app, ["validate", "--format", "json", str(example_folder), str(bad)])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["valid"] for r in reports] == [True, False]
    [error] = reports[1]["errors"]
    assert error["code"] == "code_list" and error["path"] == "Maintenance" and error["message_vi"]
