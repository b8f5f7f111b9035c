"""``luutru search``: readable results, facets, and clear errors for bad filters; what is
found is what the account in LUUTRU_TOKEN may see, never a role declared on the command line."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import search as _commands  # noqa: F401  (registers the commands)
from api.cli.app import app
from archive.access import Principal
from archive.errors import InvalidSearchQuery, NotAuthenticated
from search.backends.embedded import EmbeddedIndex
from tests.archive.lifecycle.conftest import token_for
from tests.search.conftest import all_records

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LUUTRU_SEARCH_BACKEND", "embedded")
    EmbeddedIndex(tmp_path / "search").index(all_records())
    yield tmp_path


@pytest.fixture
def reader(data_dir) -> dict[str, str]:
    """The environment of a researcher's ``luutru search``."""
    return {"COLUMNS": "120", "LUUTRU_TOKEN": token_for(Principal("doc.gia", "researcher"))}


def test_search_prints_hits_with_snippets_and_facet_counts(reader):
    result = runner.invoke(app, ["search", "ban dau gia", "--type", "Thông báo"], env=reader)
    assert result.exit_code == 0, result.output
    assert "1 kết quả" in result.output and "45/TB-STC" in result.output
    assert "Thông báo bán đấu giá tài sản" in result.output
    assert "Loại văn bản: Thông báo (1)" in result.output


def test_kind_filter_lists_dossiers_only(reader):
    result = runner.invoke(app, ["search", "--kind", "dossier", "--sort", "date"], env=reader)
    assert result.exit_code == 0, result.output
    assert "2 kết quả" in result.output and "Loại bản ghi: dossier (2)" in result.output


def test_what_is_found_is_what_the_caller_s_account_may_see(reader):
    hidden = runner.invoke(app, ["search", "thanh tra"], env=reader)
    staff = {"COLUMNS": "120", "LUUTRU_TOKEN": token_for(Principal("lan.vt", "archivist", "000.00.00.K26"))}
    shown = runner.invoke(app, ["search", "thanh tra"], env=staff)
    assert "0 kết quả" in hidden.output
    assert "Hồ sơ thanh tra nội bộ" in shown.output and "lan.vt" in shown.output
    # a declared role is no option: the researcher stays a researcher
    forged = runner.invoke(app, ["search", "thanh tra", "--as-role", "archivist", "--as-agency", "000.00.00.K26"],
                           env=reader)
    assert forged.exit_code == 2 and "Hồ sơ thanh tra nội bộ" not in forged.output


def test_no_credential_finds_nothing(data_dir):
    result = runner.invoke(app, ["search", "ban dau gia"], env={"LUUTRU_TOKEN": ""})
    assert isinstance(result.exception, NotAuthenticated) and "45/TB-STC" not in result.output
    forged = runner.invoke(app, ["search", "ban dau gia"], env={"LUUTRU_TOKEN": "lt_forged"})
    assert isinstance(forged.exception, NotAuthenticated) and "45/TB-STC" not in forged.output


def test_bad_date_filter_is_refused_with_its_code(reader):
    result = runner.invoke(app, ["search", "x", "--from", "2021-13-01"], env=reader)
    assert isinstance(result.exception, InvalidSearchQuery)
    assert (result.exception.code, result.exception.exit_code) == ("invalid_search_query", 2)
    assert "2021-13-01" in result.exception.detail


def test_reversed_date_range_is_refused(reader):
    result = runner.invoke(app, ["search", "x", "--from", "2022-01-01", "--to", "2021-01-01"], env=reader)
    assert isinstance(result.exception, InvalidSearchQuery)
    assert "after" in result.exception.detail
