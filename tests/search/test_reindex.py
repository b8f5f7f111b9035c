"""Rebuilding the index: what the sources list is what the index holds afterwards."""
from __future__ import annotations

import pytest

from archive.errors import SearchUnavailable
from archive.access import Principal
from search.backends.embedded import EmbeddedIndex
from search.query import SearchQuery
from search.records import records_for_dossier
from search.reindex import reindex
from tests.search.corpus import OPEN_A, OPEN_B, dossiers

ADMIN = Principal("root", "admin")


def codes(index) -> set[str]:
    return {h.record.dossier_code for h in index.search(SearchQuery(per_page=100), ADMIN).hits}


def test_full_reindex_holds_exactly_the_listed_dossiers(tmp_path):
    index = EmbeddedIndex(tmp_path)
    report = reindex(index, dossiers())
    assert (report.dossiers, report.records) == (4, 10)
    reindex(index, [d for d in dossiers() if d[0].code == OPEN_A], full=True)
    assert codes(index) == {OPEN_A}


def test_destroyed_dossier_is_taken_out_on_reindex(tmp_path):
    index = EmbeddedIndex(tmp_path)
    reindex(index, dossiers())
    dossier, texts = next(d for d in dossiers() if d[0].code == OPEN_B)
    report = reindex(index, [(dossier, texts, "destroyed")])
    assert report.removed == 1 and OPEN_B not in codes(index)


def test_new_version_with_fewer_documents_leaves_no_stale_document(tmp_path):
    index = EmbeddedIndex(tmp_path)
    reindex(index, dossiers())
    dossier, texts = next(d for d in dossiers() if d[0].code == OPEN_B)
    shorter = dossier.model_copy(update={"Documents": dossier.Documents[:1]})
    reindex(index, [(shorter, texts)])
    found = index.search(SearchQuery(text=OPEN_B, per_page=100), ADMIN)
    assert {h.record.id for h in found.hits} == {OPEN_B, f"{OPEN_B}.001"}


def test_index_of_another_layout_is_refused_until_a_full_reindex(tmp_path):
    EmbeddedIndex(tmp_path).index([])
    (tmp_path / "LUUTRU_INDEX_LAYOUT").write_text("0")
    with pytest.raises(SearchUnavailable, match="reindex --all"):
        EmbeddedIndex(tmp_path)
    index = EmbeddedIndex(tmp_path, recreate=True)
    reindex(index, dossiers(), full=True)
    assert codes(index) == {d.code for d, _ in dossiers()}


def test_replacing_a_dossier_swaps_its_records_in_one_change(tmp_path):
    index = EmbeddedIndex(tmp_path)
    reindex(index, dossiers())
    dossier, texts = next(d for d in dossiers() if d[0].code == OPEN_B)
    shorter = dossier.model_copy(update={"Documents": dossier.Documents[:1]})
    assert index.replace_dossier(OPEN_B, records_for_dossier(shorter, texts)) == 2
    found = index.search(SearchQuery(text=OPEN_B, per_page=100), ADMIN)
    assert {h.record.id for h in found.hits} == {OPEN_B, f"{OPEN_B}.001"}
