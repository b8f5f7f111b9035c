import os

import pytest

from search.records import records_for_dossier
from tests.search.corpus import dossiers

BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.services("elasticsearch_server"))]


def all_records():
    return [r for dossier, texts in dossiers() for r in records_for_dossier(dossier, texts)]


def elasticsearch_url(request) -> str:
    """LUUTRU_ELASTICSEARCH_URL when set (a server of your own), else the session's node."""
    return os.environ.get("LUUTRU_ELASTICSEARCH_URL") or request.getfixturevalue("elasticsearch_server").url


def open_elasticsearch(request, tmp_path_factory, **kw):
    """An index of the test's own on the Elasticsearch node."""
    from search.backends.elasticsearch import ElasticsearchIndex
    return ElasticsearchIndex(elasticsearch_url(request),
                              index_name=f"luutru-test-{os.getpid()}-{tmp_path_factory.mktemp('es').name}", **kw)


def _open_backend(request, tmp_path_factory):
    if request.param == "embedded":
        from search.backends.embedded import EmbeddedIndex
        return EmbeddedIndex(tmp_path_factory.mktemp("search"))
    return open_elasticsearch(request, tmp_path_factory)


def _dispose(index):
    if hasattr(index, "drop"):       # Elasticsearch: drop the test's own index
        index.drop()
    index.close()


@pytest.fixture(scope="module", params=BACKENDS)
def archive_index(request, tmp_path_factory):
    """The test archive indexed once per module and backend; tests must not change it."""
    index = _open_backend(request, tmp_path_factory)
    index.index(all_records())
    yield index
    _dispose(index)


@pytest.fixture(params=BACKENDS)
def fresh_index(request, tmp_path_factory):
    """The test archive in an index of its own, for tests that change it."""
    index = _open_backend(request, tmp_path_factory)
    index.index(all_records())
    yield index
    _dispose(index)
