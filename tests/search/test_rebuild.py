"""A full rebuild on every backend: searches see the old index until the new one is complete,
never an empty one, and afterwards exactly what the sources list."""
from __future__ import annotations

import pytest

from archive.access import Principal
from search.query import SearchQuery
from search.records import records_for_dossier
from search.reindex import reindex
from tests.search.corpus import OPEN_A, OPEN_B, dossiers

ADMIN = Principal("root", "admin")


def codes(index) -> set[str]:
    return {h.record.dossier_code for h in index.search(SearchQuery(per_page=100), ADMIN).hits}


def test_searches_see_the_old_index_until_the_rebuild_is_complete(fresh_index):
    before = codes(fresh_index)
    assert OPEN_B in before
    seen_during = []

    def sources():
        for source in dossiers():
            if source[0].code != OPEN_B:     # OPEN_B is no longer listed: gone after the rebuild
                yield source
            seen_during.append(codes(fresh_index))   # searched while the new index is being filled
    report = reindex(fresh_index, sources(), full=True)
    assert seen_during and all(seen == before for seen in seen_during)
    assert codes(fresh_index) == before - {OPEN_B}
    assert report.dossiers == len(before) - 1


@pytest.mark.services("elasticsearch_server")
def test_elasticsearch_rebuild_moves_the_alias_and_drops_the_old_index(request, tmp_path_factory):
    from tests.search.conftest import open_elasticsearch
    index = open_elasticsearch(request, tmp_path_factory)
    try:
        index.index(r for d in dossiers() for r in records_for_dossier(*d))
        [old] = index.concrete_indices()
        assert old != index.index_name and old.startswith(index.index_name)   # an alias over one index
        reindex(index, [d for d in dossiers() if d[0].code == OPEN_A], full=True)
        [new] = index.concrete_indices()
        assert new != old
        assert not index.client.indices.exists(index=old)
        assert codes(index) == {OPEN_A}
        index.index([])   # writes go through the alias to the new index
    finally:
        index.drop()
