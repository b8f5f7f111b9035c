"""One behavioural suite for every object store backend (filesystem and S3 on SeaweedFS)."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from archive.errors import (ChecksumMismatch, ObjectExists, ObjectLocked, ObjectMissing, StoredOtherBytes,
                            StoreUnreadable)
from archive.storage import Retention, check_stored, store_verified
from archive.storage.filesystem import FilesystemStore
from tests.archive.conftest import damage


class DyingStream(io.RawIOBase):
    """A source whose writer fails after sending some data."""

    def __init__(self, good_chunks: int, chunk: int = 1_000_000):
        self.left, self.chunk = good_chunks, chunk

    def readable(self):
        return True

    def read(self, n=-1):
        if self.left == 0:
            raise OSError("writer died mid-stream")
        self.left -= 1
        return b"x" * self.chunk


def visible_keys(store, prefix=""):
    return sorted(store.list(prefix))


def test_stored_object_reads_back_with_the_same_sha256(store, tmp_path):
    data = os.urandom(6 * 1024 * 1024 + 17)  # more than one upload part
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    obj = store.put_file("pkg/rep1/doc.pdf", source, hashlib.sha256(data).hexdigest())
    assert obj.sha256 == hashlib.sha256(data).hexdigest() and obj.size == len(data)
    assert store.hash("pkg/rep1/doc.pdf") == (obj.sha256, len(data))
    assert store.stat("pkg/rep1/doc.pdf").size == len(data)
    assert visible_keys(store, "pkg/") == ["pkg/rep1/doc.pdf"]


def test_write_with_wrong_expected_checksum_is_refused_and_leaves_nothing(store):
    with pytest.raises(ChecksumMismatch):
        store.put_file("pkg/METS.xml", io.BytesIO(b"<mets/>"), "0" * 64)
    assert not store.exists("pkg/METS.xml")
    assert visible_keys(store) == []


def test_writer_failing_mid_stream_leaves_no_partial_object(store):
    with pytest.raises(OSError, match="mid-stream"):
        store.put_file("pkg/big.bin", DyingStream(good_chunks=7))
    assert not store.exists("pkg/big.bin")
    assert visible_keys(store) == []
    if isinstance(store, FilesystemStore):
        assert not any(p.is_file() for p in store.root.rglob("*")), "a temporary file was left behind"


WRITER = """
import sys, time
from archive.storage import open_store
class Slow:
    sent = 0
    def read(self, n=-1):
        if self.sent == 40:  # beyond the first 16 MiB upload part
            open(sys.argv[2], "w").close()  # tell the test we are mid-stream
            time.sleep(60)
        self.sent += 1
        return b"y" * 1_000_000
open_store(sys.argv[1]).put_file("pkg/killed.bin", Slow())
"""


def test_writer_killed_mid_stream_leaves_no_visible_object(store, tmp_path):
    url = store.test_url
    flag = tmp_path / "midway"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url, str(flag)], cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert proc.poll() is None, "writer exited early"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not store.exists("pkg/killed.bin")
    assert visible_keys(store) == []


def test_archived_object_is_never_overwritten(store):
    store.put_file("pkg/METS.xml", io.BytesIO(b"first"))
    with pytest.raises(ObjectExists):
        store.put_file("pkg/METS.xml", io.BytesIO(b"second"))
    with store.open("pkg/METS.xml") as stream:
        assert stream.read() == b"first"


def test_missing_object_is_reported_as_missing(store):
    with pytest.raises(ObjectMissing):
        store.stat("pkg/nothing")
    with pytest.raises(ObjectMissing):
        store.hash("pkg/nothing")
    assert not store.exists("pkg/nothing")


def test_repair_replaces_only_with_bytes_matching_the_catalog_checksum(store):
    good = b"good bytes" * 1000
    store.put_file("pkg/a.bin", io.BytesIO(good))
    with pytest.raises(ChecksumMismatch):
        store.repair("pkg/a.bin", io.BytesIO(b"other bytes"), hashlib.sha256(good).hexdigest())
    store.repair("pkg/a.bin", io.BytesIO(good), hashlib.sha256(good).hexdigest())
    assert store.hash("pkg/a.bin")[0] == hashlib.sha256(good).hexdigest()


def test_deleting_removes_every_version(store):
    store.put_file("pkg/a.bin", io.BytesIO(b"a"))
    store.delete("pkg/a.bin")
    assert not store.exists("pkg/a.bin")
    assert visible_keys(store) == []
    assert list(store.versions("pkg/")) == []        # no version or delete marker left either


def test_versions_lists_every_stored_version_under_a_prefix(store):
    store.put_file("pkg/a.bin", io.BytesIO(b"a"))
    store.repair("pkg/a.bin", io.BytesIO(b"a"), hashlib.sha256(b"a").hexdigest())
    store.put_file("other/b.bin", io.BytesIO(b"b"))
    found = list(store.versions("pkg/"))
    assert {key for key, _ in found} == {"pkg/a.bin"}
    if type(store).__name__ == "S3Store":      # a repair is a new version on a versioned bucket
        assert len(found) == 2 and all(version for _, version in found)
    else:
        assert found == [("pkg/a.bin", None)]


# -- Object Lock ----------------------------------------------------------------------------

@pytest.fixture
def locking_store(store):
    if not store.supports_object_lock:
        pytest.skip(f"{type(store).__name__} has no Object Lock: deletion is prevented by the catalog's "
                    "retention rules only")
    return store


def test_fixed_term_dossier_is_locked_in_compliance_mode_until_it_expires(locking_store):
    expiry = date(date.today().year + 10, 12, 31)
    obj = locking_store.put_file("pkg/a.bin", io.BytesIO(b"fixed term"), retention=Retention.for_dossier(expiry))
    lock = locking_store.retention(obj.key)
    assert lock.mode == "COMPLIANCE" and lock.until.date() > expiry
    with pytest.raises(ObjectLocked):
        locking_store.delete(obj.key)
    with pytest.raises(ObjectLocked):
        locking_store.delete(obj.key, bypass_governance=True)  # compliance admits no bypass
    assert locking_store.exists(obj.key)


def test_permanent_dossier_is_locked_in_governance_mode_and_only_a_bypass_removes_it(locking_store):
    obj = locking_store.put_file("pkg/b.bin", io.BytesIO(b"permanent"), retention=Retention.for_dossier(None))
    assert locking_store.retention(obj.key).mode == "GOVERNANCE"
    with pytest.raises(ObjectLocked):
        locking_store.delete(obj.key)
    assert locking_store.exists(obj.key)
    locking_store.delete(obj.key, bypass_governance=True)  # after an acknowledged transfer
    assert not locking_store.exists(obj.key)


# -- write-then-verify (store_verified, check_stored) -----------------------------------------

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_store_verified_retried_after_a_crash_accepts_the_object_already_written(store):
    data = os.urandom(100_000)
    first = store_verified(store, "pkg/a.bin", io.BytesIO(data), _sha(data))
    again = store_verified(store, "pkg/a.bin", io.BytesIO(data), _sha(data).upper())
    assert (again.key, again.size, again.sha256, again.version_id) == \
        (first.key, len(data), _sha(data), first.version_id)
    assert len(list(store.versions("pkg/"))) == 1, "the retry wrote nothing"


def test_store_verified_refuses_a_key_holding_other_bytes_and_leaves_them(store):
    store.put_file("pkg/a.bin", io.BytesIO(b"first"))
    with pytest.raises(StoredOtherBytes) as refused:
        store_verified(store, "pkg/a.bin", io.BytesIO(b"second"), _sha(b"second"))
    assert refused.value.code == "checksum_mismatch" and refused.value.context["actual"] == _sha(b"first")
    with store.open("pkg/a.bin") as stream:
        assert stream.read() == b"first"


def test_store_verified_write_not_matching_its_checksum_leaves_nothing(store):
    with pytest.raises(ChecksumMismatch):
        store_verified(store, "pkg/a.bin", io.BytesIO(b"bytes"), _sha(b"other bytes"))
    assert visible_keys(store) == [] and list(store.versions("pkg/")) == []


def test_check_stored_names_missing_objects_then_damaged_ones(store):
    data = os.urandom(200_000)
    store_verified(store, "pkg/a.bin", io.BytesIO(data), _sha(data))
    assert check_stored(store, "pkg", {"pkg/a.bin": _sha(data)}) == 1
    with pytest.raises(ObjectMissing) as missing:
        check_stored(store, "pkg", {"pkg/a.bin": _sha(data), "pkg/b.bin": _sha(b"b")})
    assert missing.value.context["missing"] == ["pkg/b.bin"]
    damage(store, "pkg/a.bin", data)
    with pytest.raises((ChecksumMismatch, StoreUnreadable)) as damaged:   # SeaweedFS answers 500 for it
        check_stored(store, "pkg", {"pkg/a.bin": _sha(data)})
    assert damaged.value.context["key"] == "pkg/a.bin"


def test_store_verified_locks_an_object_a_crash_left_unlocked_and_keeps_an_existing_lock(locking_store):
    lock = Retention.for_dossier(date(date.today().year + 10, 12, 31))
    locking_store.put_file("pkg/a.bin", io.BytesIO(b"written, then the process died"))    # before its lock
    assert locking_store.retention("pkg/a.bin") is None
    store_verified(locking_store, "pkg/a.bin", io.BytesIO(b"written, then the process died"),
                   _sha(b"written, then the process died"), lock)
    assert locking_store.retention("pkg/a.bin") == lock
    with pytest.raises(ObjectLocked):
        locking_store.delete("pkg/a.bin")
    store_verified(locking_store, "pkg/a.bin", io.BytesIO(b"written, then the process died"),
                   _sha(b"written, then the process died"), Retention.for_dossier(date.today()))
    assert locking_store.retention("pkg/a.bin") == lock, "a lock is never shortened"


def test_list_modified_gives_each_key_when_it_was_last_written(store):
    from datetime import timedelta

    from archive.clock import utcnow
    before = utcnow() - timedelta(minutes=2)        # the store's clock, near the archive's
    store.put_file("m/a.bin", io.BytesIO(b"a"))
    store.put_file("m/b/c.bin", io.BytesIO(b"c"))
    store.put_file("n/other.bin", io.BytesIO(b"n"))
    listed = dict(store.list_modified("m/"))
    assert set(listed) == {"m/a.bin", "m/b/c.bin"}
    assert all(before < written < utcnow() + timedelta(minutes=2) for written in listed.values()), listed


# -- transient copies (staging): checked by the S3 server, not read back ------------------------

@pytest.fixture
def staging_store(seaweedfs):
    """A bucket without Object Lock, as a job's staging area is."""
    from archive.storage import open_store
    return open_store(seaweedfs.s3_url("luutru-tests-staging", uuid.uuid4().hex), object_lock=False)


def _checksum(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.mark.services
def test_seaweedfs_refuses_a_put_whose_body_does_not_match_its_sha256_checksum(staging_store):
    """What ``read_back=False`` relies on, asked of the server itself."""
    from minio.error import S3Error
    from archive.storage.s3 import CHECKSUM_HEADER, CHECKSUM_REFUSED
    data, name = b"ban goc " * 1000, staging_store._name("jobs/j/files/a")
    with pytest.raises(S3Error) as refused:
        staging_store.client.put_object(staging_store.bucket, name, io.BytesIO(data), len(data),
                                        metadata={CHECKSUM_HEADER: _checksum(b"ban khac")})
    assert refused.value.code in CHECKSUM_REFUSED
    assert not staging_store.exists("jobs/j/files/a")
    result = staging_store.client.put_object(staging_store.bucket, name, io.BytesIO(data), len(data),
                                             metadata={CHECKSUM_HEADER: _checksum(data)})
    assert result.http_headers[CHECKSUM_HEADER] == _checksum(data)      # echoed: what put_file checks


@pytest.mark.services
def test_a_transient_copy_is_checked_by_the_server_and_never_read_back(staging_store, monkeypatch):
    data = os.urandom(6 * 1024 * 1024 + 17)      # above minio's part size: still one checked PUT
    sha = hashlib.sha256(data).hexdigest()

    def no_read_back(*args, **kwargs):
        raise AssertionError("read back")
    monkeypatch.setattr(staging_store.client, "get_object", no_read_back)
    obj = staging_store.put_file("jobs/j/files/a", io.BytesIO(data), sha, read_back=False)
    monkeypatch.undo()
    assert (obj.sha256, obj.size) == (sha, len(data))
    assert staging_store.hash("jobs/j/files/a") == (sha, len(data))


@pytest.mark.services
def test_a_transient_copy_not_matching_its_sha256_is_refused_by_the_server_and_leaves_nothing(staging_store):
    from minio.error import S3Error
    with pytest.raises(ChecksumMismatch) as refused:
        staging_store.put_file("jobs/j/files/a", io.BytesIO(b"bytes changed on the way"),
                               hashlib.sha256(b"the bytes hashed").hexdigest(), read_back=False)
    assert isinstance(refused.value.__cause__, S3Error)         # the server's refusal, not our own check
    assert visible_keys(staging_store) == []


@pytest.mark.services
def test_a_transient_copy_too_large_for_one_checked_put_is_read_back(staging_store, monkeypatch):
    from archive.storage import s3
    monkeypatch.setattr(s3, "CHECKED_PUT_MAX", 1024)
    reads, get_object = [], staging_store.client.get_object

    def counted(bucket, name, **kwargs):
        reads.append(name)
        return get_object(bucket, name, **kwargs)
    monkeypatch.setattr(staging_store.client, "get_object", counted)
    data = os.urandom(6 * 1024 * 1024 + 17)
    obj = staging_store.put_file("jobs/j/files/b", io.BytesIO(data), hashlib.sha256(data).hexdigest(),
                                 read_back=False)
    assert obj.sha256 == hashlib.sha256(data).hexdigest() and reads == [staging_store._name("jobs/j/files/b")]
