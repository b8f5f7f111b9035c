"""The catalog rebuilt from the packages in the store alone is the catalog ingest wrote:
same dossiers, documents, package versions linked in order, stored objects and files; and
the search index rebuilt after it answers as before."""
from __future__ import annotations

import io
import shutil
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased
from typer.testing import CliRunner

from api.cli import rebuild as _rebuild_commands, search as _search_commands  # noqa: F401  (register commands)
from api.cli.app import app
from archive.catalog.db import dispose_engine, session_scope
from archive.catalog.models import (Agency, AuditEntry, DocumentRecord, DossierRecord, FileRecord, PackageVersion,
                                    PreservationEvent, StoredObjectRecord)
from archive.errors import UnreadablePackage
from archive.lifecycle.rebuild import find_packages, rebuild_catalog
from archive.settings import get_settings
from archive.storage import ObjectStore, open_store, public_url
from ingest import pipeline
from archive.access import Principal
from search.base import open_index
from search.query import SearchQuery
from tests.fixtures.agencies import register_agencies
from tests.fixtures.archives import copy_sample, slow_fixture, use_embedded_archive

SAMPLE = "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt"
QUERY = SearchQuery(text="van ban dien tu")
runner = CliRunner()


def catalog_snapshot(url: str | None = None) -> dict[str, list]:
    """The meaningful columns of every rebuildable table, keyed by natural identifiers
    (codes, package ids, keys), never by autoincrement ids or timestamps."""
    previous = aliased(PackageVersion)
    with session_scope(url) as s:
        def rows(query):
            return sorted(tuple(r) for r in s.execute(query))
        return {
            "agencies": rows(select(Agency.organ_id, Agency.name)),
            "dossiers": rows(select(DossierRecord.code, DossierRecord.organ_id, DossierRecord.title,
                                    DossierRecord.maintenance, DossierRecord.rights, DossierRecord.start_date,
                                    DossierRecord.end_date, DossierRecord.retention_expiry, DossierRecord.status,
                                    DossierRecord.current_version, DossierRecord.metadata_json)),
            "documents": rows(select(DossierRecord.code, DocumentRecord.ordinal, DocumentRecord.code,
                                     DocumentRecord.direction, DocumentRecord.fields).join(DocumentRecord.dossier)),
            "versions": rows(select(DossierRecord.code, PackageVersion.version, PackageVersion.package_id,
                                    PackageVersion.object_prefix, PackageVersion.store_url,
                                    PackageVersion.manifest_sha256, previous.package_id)
                             .join(PackageVersion.dossier).outerjoin(previous, PackageVersion.previous)),
            "objects": rows(select(PackageVersion.package_id, StoredObjectRecord.key, StoredObjectRecord.sha256,
                                   StoredObjectRecord.size).join(StoredObjectRecord.package_version)),
            "files": rows(select(PackageVersion.package_id, DocumentRecord.code, FileRecord.role, FileRecord.path,
                                 FileRecord.sha256, FileRecord.size, FileRecord.puid, FileRecord.mime)
                          .join(PackageVersion, FileRecord.package_version_id == PackageVersion.id)
                          .join(FileRecord.document)),
        }


def search_answer() -> list[tuple]:
    with open_index(get_settings()) as index:
        results = index.search(QUERY, Principal("reader", "researcher", None))
    return [results.total, *((h.record.id, h.record.kind) for h in results.hits)]


@slow_fixture(scope="module")
def archived_twice(tmp_path_factory):
    """A dossier ingested on the embedded defaults, then again with a corrected title (its
    second package version); the catalog and a search answer as ingest left them."""
    work = tmp_path_factory.mktemp("rebuild")
    with pytest.MonkeyPatch.context() as env:
        use_embedded_archive(env, work / "archive")
        register_agencies("000.00.00.H41")          # the sample's: a rebuild restores it and no other
        sample = copy_sample(SAMPLE, work / SAMPLE)
        first = pipeline.submit(sample)
        manifest = sample / "hoso.xml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "<Title>Hồ sơ xây dựng", "<Title>Hồ sơ (bổ sung) xây dựng"), encoding="utf-8")
        second = pipeline.submit(sample)
        yield SimpleNamespace(home=work / "archive", code=first.dossier().code, snapshot=catalog_snapshot(),
                              answer=search_answer(), packages=[first.result("package")["package_id"],
                                                                second.result("package")["package_id"]])
        dispose_engine(get_settings().catalog_url)


def _forget_catalog_and_index(home) -> None:
    dispose_engine(get_settings().catalog_url)
    for leftover in home.glob("catalog.db*"):  # the database and its WAL files
        leftover.unlink()
    shutil.rmtree(home / "search")


def test_ingest_left_two_linked_versions_of_the_dossier(archived_twice):
    versions = [v for v in archived_twice.snapshot["versions"] if v[0] == archived_twice.code]
    assert [(v[1], v[2], v[6]) for v in versions] == [(1, archived_twice.packages[0], None),
                                                       (2, archived_twice.packages[1], archived_twice.packages[0])]
    assert "(bổ sung)" in archived_twice.snapshot["dossiers"][0][2]
    # each version: 5 originals (4 documents, one with an attachment) and a PDF/A copy of each
    assert archived_twice.answer[0] > 0 and len(archived_twice.snapshot["files"]) == 2 * 10


def test_catalog_rebuilt_from_storage_alone_is_the_catalog_ingest_wrote(archived_twice):
    _forget_catalog_and_index(archived_twice.home)
    result = runner.invoke(app, ["rebuild-catalog"])
    assert result.exit_code == 0, result.output
    assert "ghi vào danh mục 2 gói" in result.output
    assert "Đã đăng ký lại cơ quan 000.00.00.H41" in result.output       # said, and in the trail:
    with session_scope() as s:
        [restored] = s.scalars(select(AuditEntry).where(AuditEntry.object == "agency:000.00.00.H41")).all()
        assert (restored.actor, restored.detail["restored_by"]) == ("luutru-rebuild", "rebuild")
    assert catalog_snapshot() == archived_twice.snapshot
    with session_scope() as s:
        events = {(e.event_type, e.object_ref) for e in s.scalars(select(PreservationEvent))}
    for package_id in archived_twice.packages:  # the PREMIS story of each package is back
        assert {("ingestion", package_id), ("migration", package_id), ("fixity check", package_id)} <= events
    assert search_answer() == archived_twice.answer


def test_rebuild_run_again_adds_nothing(archived_twice):
    report = rebuild_catalog(open_store())
    assert (report.found, report.recorded, report.already, report.problems) == (2, 0, 2, {})
    assert catalog_snapshot() == archived_twice.snapshot


@pytest.mark.services
def test_catalog_rebuilds_into_an_empty_postgresql_database(archived_twice, postgres_url):
    report = rebuild_catalog(open_store(), catalog_url=postgres_url)
    assert (report.recorded, report.problems, report.unlinked) == (2, {}, [])
    assert catalog_snapshot(postgres_url) == archived_twice.snapshot


@pytest.mark.services
def test_catalog_rebuilds_from_packages_in_an_s3_store(archived_twice, seaweedfs, tmp_path):
    s3 = open_store(seaweedfs.s3_url("luutru-tests", uuid.uuid4().hex))
    _copy_packages(find_packages(open_store()), s3)
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    report = rebuild_catalog(s3, catalog_url=url)
    assert (report.found, report.recorded, report.problems) == (2, 2, {})
    rebuilt, expected = catalog_snapshot(url), archived_twice.snapshot
    assert {v[4] for v in rebuilt["versions"]} == {public_url(s3.url)}  # no credentials kept
    assert [v[:4] + v[5:] for v in rebuilt["versions"]] == [v[:4] + v[5:] for v in expected["versions"]]
    assert {k: v for k, v in rebuilt.items() if k != "versions"} == {
        k: v for k, v in expected.items() if k != "versions"}
    dispose_engine(url)


def _copy_packages(prefixes: list[str], to: ObjectStore) -> ObjectStore:
    """``to`` with a copy of the given packages of the archive's store."""
    store = open_store()
    for key in (k for prefix in prefixes for k in store.list(f"{prefix}/")):
        with store.open(key) as data:
            to.put_file(key, data)
    return to


def _store_with(prefixes: list[str], tmp_path) -> ObjectStore:
    return _copy_packages(prefixes, open_store(f"file://{tmp_path / 'store'}"))


def test_a_version_whose_predecessor_is_lost_is_still_recorded(archived_twice, tmp_path):
    second = archived_twice.snapshot["versions"][1][3]  # its object prefix
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    report = rebuild_catalog(_store_with([second], tmp_path), catalog_url=url)
    assert (report.recorded, report.unlinked, report.problems) == (1, [second], {})
    dispose_engine(url)


@pytest.fixture
def store_with_a_broken_package(archived_twice, tmp_path) -> ObjectStore:
    """The archive's two packages and a third whose METS.xml is not XML."""
    store = _store_with(find_packages(open_store()), tmp_path)
    store.put_file("urn_uuid_broken/METS.xml", io.BytesIO(b"<not-mets"))
    return store


def test_an_unreadable_package_is_reported_and_the_others_recorded(store_with_a_broken_package, tmp_path):
    store = store_with_a_broken_package
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    report = rebuild_catalog(store, catalog_url=url)
    assert report.recorded == 2 and list(report.problems) == ["urn_uuid_broken"]
    assert "METS.xml is not well-formed" in report.problems["urn_uuid_broken"]
    dispose_engine(url)


def test_rebuild_command_names_the_unreadable_package_and_fails(store_with_a_broken_package, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("LUUTRU_STORAGE_URL", store_with_a_broken_package.url)
    monkeypatch.setenv("LUUTRU_DATABASE_URL", url := f"sqlite:///{tmp_path / 'catalog.db'}")
    try:
        result = runner.invoke(app, ["rebuild-catalog", "--no-reindex"])
    finally:
        dispose_engine(url)
    assert isinstance(result.exception, UnreadablePackage)
    assert "ghi vào danh mục 2 gói" in result.output and "LỖI urn_uuid_broken" in result.output


def test_an_event_date_recorded_for_a_dossier_survives_its_next_version(archived_twice, tmp_path):
    first, second = (v[3] for v in archived_twice.snapshot["versions"])  # object prefixes
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    rebuild_catalog(_store_with([first], tmp_path / "one"), catalog_url=url)
    with session_scope(url) as s:
        s.scalars(select(DossierRecord)).one().event_trigger_date = date(2024, 5, 1)
    report = rebuild_catalog(_store_with([first, second], tmp_path / "both"), catalog_url=url)
    assert (report.recorded, report.already) == (1, 1)
    with session_scope(url) as s:
        record = s.scalars(select(DossierRecord)).one()
        assert (record.current_version, record.event_trigger_date) == (2, date(2024, 5, 1))
    dispose_engine(url)
