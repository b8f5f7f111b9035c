import os

import pytest

from search.records import records_for_dossier
from tests.search.corpus import dossiers

ES_URL = os.environ.get("LUUTRU_ELASTICSEARCH_URL")
BACKENDS = [
    "embedded",
    pytest.param("elasticsearch", marks=pytest.mark.skipif(
        not ES_URL, reason="LUUTRU_ELASTICSEARCH_URL is not set: no Elasticsearch server on this machine")),
]


def all_records():
    return [r for dossier, texts in dossiers() for r in records_for_dossier(dossier, texts)]


def _open_backend(name, tmp_path_factory):
    if name == "embedded":
        from search.backends.embedded import EmbeddedIndex
        return EmbeddedIndex(tmp_path_factory.mktemp("search"))
    from search.backends.elasticsearch import ElasticsearchIndex
    from archive.settings import Settings
    return ElasticsearchIndex(ES_URL, index_name=f"luutru-test-{os.getpid()}-{tmp_path_factory.mktemp('es').name}",
                              compatible_with=Settings().elasticsearch_compatible_with)


def _dispose(index):
    if hasattr(index, "client"):       # Elasticsearch: drop the test's own index
        index.client.indices.delete(index=index.index_name, ignore_unavailable=True)
    index.close()


@pytest.fixture(scope="module", params=BACKENDS)
def archive_index(request, tmp_path_factory):
    """The test archive indexed once per module and backend; tests must not change it."""
    index = _open_backend(request.param, tmp_path_factory)
    index.index(all_records())
    yield index
    _dispose(index)


@pytest.fixture(params=BACKENDS)
def fresh_index(request, tmp_path_factory):
    """The test archive in an index of its own, for tests that change it."""
    index = _open_backend(request.param, tmp_path_factory)
    index.index(all_records())
    yield index
    _dispose(index)
