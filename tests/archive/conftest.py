"""Stores and catalogs for the archive tests: every storage behaviour runs on the filesystem
backend and on a real S3 server (SeaweedFS) with Object Lock."""
from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass

import pytest

from archive.catalog import session_scope
from archive.catalog.packages import add_package_version, upsert_dossier
from tests.fixtures.agencies import register_agencies
from tests.fixtures.archives import copy_catalog
from archive.storage import ObjectStore, open_store
from archive.storage.filesystem import FilesystemStore
from schemas.models import Document, Dossier, DossierCode

STORES = ["filesystem", pytest.param("s3", marks=pytest.mark.services("seaweedfs"))]


def _new_store(kind: str, request, tmp_path_factory, bucket: str = "luutru-tests") -> ObjectStore:
    """An empty store: a new folder, or a new key prefix in a shared bucket (a bucket per test
    would make SeaweedFS grow volumes for each)."""
    if kind == "filesystem":
        store = open_store(f"file://{tmp_path_factory.mktemp('store')}")
        store.test_url = store.url
        return store
    seaweedfs = request.getfixturevalue("seaweedfs")
    store = open_store(seaweedfs.s3_url(bucket, uuid.uuid4().hex))
    store.test_url = seaweedfs.s3_url(bucket, store.prefix.rstrip("/"))
    store.seaweedfs = seaweedfs  # so damage() can reach the volume files
    return store


@pytest.fixture(params=STORES)
def store(request, tmp_path_factory) -> ObjectStore:
    return _new_store(request.param, request, tmp_path_factory)


@pytest.fixture
def replica(request, store, tmp_path_factory) -> ObjectStore:
    """A second store of the same kind as ``store``."""
    if isinstance(store, FilesystemStore):
        return _new_store("filesystem", request, tmp_path_factory)
    # another bucket, so that damaging the primary's volume files cannot touch the replica's copy
    return _new_store("s3", request, tmp_path_factory, bucket="luutru-tests-replica")


def damage(store: ObjectStore, key: str, data: bytes, *, silent: bool = False) -> None:
    """Flip one byte of the stored copy of ``data`` behind the store's back. SeaweedFS's own CRC
    then refuses to serve it (500, after 13 s of its retries) unless ``silent``, which rewrites
    that CRC too (tests/services.py): only LuuTru's SHA-256 catches it, as on a filesystem."""
    if isinstance(store, FilesystemStore):
        path = store.physical_path(key)
        os.chmod(path, 0o600)
        with open(path, "r+b") as fh:
            fh.seek(len(data) // 2)
            byte = fh.read(1)
            fh.seek(len(data) // 2)
            fh.write(bytes([byte[0] ^ 0x01]))
        return
    probe = data[1000:1064]
    flipped = store.seaweedfs.damage(probe, collection=store.bucket, silent=silent)
    assert flipped, "the object's bytes were not found in the SeaweedFS volume files"


@pytest.fixture
def catalog(tmp_path, migrated_catalog) -> str:
    """A new SQLite catalog at the latest revision."""
    return copy_catalog(migrated_catalog, tmp_path / "catalog.db")


def sample_dossier(notation: str = "01.VP", documents: int = 2) -> Dossier:
    return Dossier(
        FileCode=DossierCode(OrganId="000.00.00.H41", FileCatalog=2021, FileNotation=notation),
        Title="Hồ sơ ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", Maintenance="Vĩnh viễn",
        Rights="Công khai", Creator="Nguyễn Thị Lan", Language="vie",
        Documents=[Document(direction="internal", DocOrdinal=i, TypeName="Tờ trình", Subject=f"Văn bản {i}")
                   for i in range(1, documents + 1)])


@dataclass
class Archived:
    code: str
    contents: dict[str, bytes]


def archive_dossier(catalog: str, store: ObjectStore, notation: str = "01.VP", sizes=(300_000, 200_000)) -> Archived:
    """Store random objects for a dossier and record them in the catalog as one package version."""
    dossier = sample_dossier(notation)
    prefix = f"packages/{dossier.code}/v1/"
    contents = {f"{prefix}obj{i}.bin": os.urandom(size) for i, size in enumerate(sizes)}
    stored = [store.put_file(key, io.BytesIO(data)) for key, data in contents.items()]
    register_agencies(dossier.FileCode.OrganId, url=catalog)
    with session_scope(catalog) as session:
        record = upsert_dossier(session, dossier, status="archived")
        add_package_version(session, record, package_id=f"urn:uuid:{uuid.uuid4()}", object_prefix=prefix,
                            store_url=store.url, objects=stored)
    return Archived(dossier.code, contents)
