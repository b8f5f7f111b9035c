"""``luutru reindex`` rebuilds the index from the catalog and the stored packages: the texts
come back from the PDF/A copies in the store, so a lost index answers as before."""
from __future__ import annotations

import shutil

from typer.testing import CliRunner

from api.cli import search as _commands  # noqa: F401  (registers the commands)
from api.cli.app import app
from archive.errors import NotFound
from archive.settings import get_settings
from ingest import pipeline
from archive.access import Principal
from search.base import open_index
from search.query import SearchQuery

runner = CliRunner()
# a phrase from the body of the decision (document 4), not from any metadata field
QUERIES = [SearchQuery(text="van ban dien tu"), SearchQuery(text='"trao đổi, lưu trữ"', per_page=20)]


def answers() -> list[list[tuple]]:
    with open_index(get_settings()) as index:
        found = [index.search(q, Principal("reader", "researcher", None)) for q in QUERIES]
    return [[r.total, *((h.record.id, h.record.kind, h.snippet) for h in r.hits)] for r in found]


def test_index_deleted_and_reindexed_from_the_store_answers_the_same(archive_home, born_digital_sample):
    code = pipeline.submit(born_digital_sample).dossier().code
    before = answers()
    assert all(a[0] > 0 for a in before)
    shutil.rmtree(archive_home / "search")
    assert answers() != before  # nothing is found in the new, empty index

    result = runner.invoke(app, ["reindex", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 hồ sơ (5 bản ghi)" in result.output
    assert answers() == before

    result = runner.invoke(app, ["reindex", code])  # one dossier: replaced, not doubled
    assert result.exit_code == 0, result.output
    assert answers() == before


def test_reindex_of_an_unknown_dossier_is_refused(archive_home):
    result = runner.invoke(app, ["reindex", "000.00.00.H41.2021.99.XX"])
    assert isinstance(result.exception, NotFound)
