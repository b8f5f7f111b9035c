"""``luutru doctor`` names, in Vietnamese with a stable code, each thing that is wrong with a
configuration: each case below breaks one thing on real servers and expects that finding."""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from api.doctor import diagnose
from archive.settings import get_settings
from tests.fixtures.archives import LUUTRU


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """Set LUUTRU_* variables for this test (embedded defaults under a fresh folder otherwise)."""
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "var"))
    for name in ("LUUTRU_DATABASE_URL", "LUUTRU_STORAGE_URL", "LUUTRU_BROKER_URL", "LUUTRU_SEARCH_BACKEND",
                 "LUUTRU_ELASTICSEARCH_URL", "LUUTRU_STAGING_URL"):
        monkeypatch.delenv(name, raising=False)

    def configure(**variables: str) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(f"LUUTRU_{name.upper()}", value)
        return {f.what: f for f in diagnose()}
    yield configure


def test_an_unmigrated_database_is_named_then_passes_once_migrated(configured):
    from archive.catalog.db import init_catalog
    found = configured()
    assert found["Cơ sở dữ liệu"].code == "database_not_migrated"
    assert "lược đồ chưa cập nhật" in found["Cơ sở dữ liệu"].detail
    init_catalog()
    assert configured()["Cơ sở dữ liệu"].ok


def test_the_cli_prints_every_finding_and_fails_when_one_is_wrong(configured):
    configured(verapdf_path="/nonexistent/verapdf")
    result = subprocess.run([LUUTRU, "doctor"], capture_output=True, text=True,
                            env=dict(os.environ), timeout=300)
    assert result.returncode == 1
    assert "✗ veraPDF: không chạy được" in result.stdout and "[verapdf_missing]" in result.stdout
    assert "✓ Ghostscript: phiên bản" in result.stdout and "vấn đề cần xử lý" in result.stdout


def test_unreachable_database_is_named(configured):
    found = configured(database_url="postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert found["Cơ sở dữ liệu"].code == "database_unreachable"


@pytest.mark.services
def test_bucket_without_object_lock_is_named(configured, seaweedfs):
    from minio import Minio
    from tests.services import S3_ACCESS_KEY, S3_SECRET_KEY
    bucket = f"no-lock-{uuid.uuid4().hex[:8]}"
    Minio(f"127.0.0.1:{seaweedfs.s3_port}", S3_ACCESS_KEY, S3_SECRET_KEY, secure=False).make_bucket(bucket)
    found = configured(storage_url=seaweedfs.s3_url(bucket))
    assert found["Kho lưu trữ"].code == "object_lock_missing" and "Object Lock" in found["Kho lưu trữ"].detail
    assert configured(storage_url=seaweedfs.s3_url(f"locked-{uuid.uuid4().hex[:8]}"))["Kho lưu trữ"].ok


@pytest.mark.services
def test_staging_must_be_writable_deletable_and_unlocked(configured, seaweedfs, redis_server, monkeypatch):
    from minio import Minio
    from api.doctor import _staging
    from tests.services import S3_ACCESS_KEY, S3_SECRET_KEY

    def staging(**variables: str):          # this one check: the others start veraPDF, LibreOffice…
        for name in ("LUUTRU_STORAGE_URL", "LUUTRU_BROKER_URL", "LUUTRU_STAGING_URL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(f"LUUTRU_{name.upper()}", value)
        return _staging(get_settings())

    assert configured()["Kho tạm (hồ sơ đang xử lý)"].ok       # embedded: nothing staged
    assert "không dùng" in staging().detail
    main = f"archive-{uuid.uuid4().hex[:8]}"
    staged = {"storage_url": seaweedfs.s3_url(main), "broker_url": redis_server.url}
    finding = staging(**staged)                 # default: bucket <main>-staging, made without a lock
    assert finding.ok and f"{main}-staging" in finding.detail, finding
    Minio(f"127.0.0.1:{seaweedfs.s3_port}", S3_ACCESS_KEY, S3_SECRET_KEY, secure=False).make_bucket(
        f"locked-staging-{main}", object_lock=True)
    assert staging(**staged, staging_url=seaweedfs.s3_url(f"locked-staging-{main}")).code == "staging_object_lock"
    assert staging(**staged, staging_url=seaweedfs.s3_url(main)).code == "staging_is_archive_store"
    assert staging(**staged, staging_url="s3://nobody:x@127.0.0.1:9/tam").code == "staging_unreachable"


@pytest.mark.services
def test_broker_without_workers_is_named(configured, redis_server):
    import api.worker
    api.worker.app.conf.broker_url = redis_server.url
    try:
        found = configured(broker_url=redis_server.url)
    finally:
        api.worker.app.conf.broker_url = get_settings().broker_url or "memory://"
    assert found["Hàng đợi và tiến trình xử lý"].code == "no_workers"
    gone = configured(broker_url="redis://127.0.0.1:9/0")
    assert gone["Hàng đợi và tiến trình xử lý"].code in ("broker_unreachable", "no_workers")


@pytest.mark.services
def test_outdated_elasticsearch_mapping_is_named(configured, elasticsearch_server):
    from search.backends.elasticsearch import ElasticsearchIndex, mapping
    name = f"luutru-doctor-{uuid.uuid4().hex[:8]}"
    index = ElasticsearchIndex(elasticsearch_server.url, index_name=name)
    settings = {"search_backend": "elasticsearch", "elasticsearch_url": elasticsearch_server.url,
                "elasticsearch_index": name}
    try:
        assert configured(**settings)["Chỉ mục tìm kiếm"].ok
        # the index as an older version made it: no sort_date field
        old = {"properties": {k: v for k, v in mapping()["mappings"]["properties"].items() if k != "sort_date"}}
        [concrete] = index.concrete_indices()
        index.client.indices.delete(index=concrete)
        index.client.indices.create(index=concrete, settings=mapping()["settings"], mappings=old, aliases={name: {}})
        finding = configured(**settings)["Chỉ mục tìm kiếm"]
        assert finding.code == "index_mapping_outdated" and "sort_date" in finding.detail
    finally:
        index.drop()
