"""``luutru search``: readable results, facets, and clear errors for bad filters."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import search as _commands  # noqa: F401  (registers the commands)
from api.cli.app import app
from archive.errors import InvalidSearchQuery
from search.backends.embedded import EmbeddedIndex
from tests.search.conftest import all_records

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LUUTRU_SEARCH_BACKEND", "embedded")
    EmbeddedIndex(tmp_path / "search").index(all_records())
    yield tmp_path


def test_search_prints_hits_with_snippets_and_facet_counts(data_dir):
    result = runner.invoke(app, ["search", "ban dau gia", "--type", "Thông báo"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "1 kết quả" in result.output and "45/TB-STC" in result.output
    assert "Thông báo bán đấu giá tài sản" in result.output
    assert "Loại văn bản: Thông báo (1)" in result.output


def test_kind_filter_lists_dossiers_only(data_dir):
    result = runner.invoke(app, ["search", "--kind", "dossier", "--sort", "date"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "2 kết quả" in result.output and "Loại bản ghi: dossier (2)" in result.output


def test_search_as_researcher_by_default_hides_restricted_records(data_dir):
    hidden = runner.invoke(app, ["search", "thanh tra"], env={"COLUMNS": "120"})
    shown = runner.invoke(app, ["search", "thanh tra", "--as-role", "archivist", "--as-agency", "000.00.00.K26"],
                          env={"COLUMNS": "120"})
    assert "0 kết quả" in hidden.output
    assert "Hồ sơ thanh tra nội bộ" in shown.output


def test_bad_date_filter_is_refused_with_its_code(data_dir):
    result = runner.invoke(app, ["search", "x", "--from", "2021-13-01"])
    assert isinstance(result.exception, InvalidSearchQuery)
    assert (result.exception.code, result.exception.exit_code) == ("invalid_search_query", 2)
    assert "2021-13-01" in result.exception.detail


def test_reversed_date_range_is_refused(data_dir):
    result = runner.invoke(app, ["search", "x", "--from", "2022-01-01", "--to", "2021-01-01"])
    assert isinstance(result.exception, InvalidSearchQuery)
    assert "after" in result.exception.detail


def test_unknown_role_is_refused(data_dir):
    result = runner.invoke(app, ["search", "x", "--as-role", "king"])
    assert isinstance(result.exception, InvalidSearchQuery) and "king" in result.exception.detail
