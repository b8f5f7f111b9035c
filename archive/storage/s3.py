"""S3 object store through the ``minio`` client (MinIO in production, SeaweedFS in tests).

URL: ``s3://ACCESS:SECRET@host:port/bucket[/prefix]`` (``s3s://`` for TLS). The bucket is
created with Object Lock enabled (which also turns on versioning) when it does not exist.

A PUT (single or multipart) becomes visible only when complete, so an interrupted upload
leaves nothing behind (minio aborts the multipart upload). The new version is then read
back and hashed; only once it is verified does it get its retention lock, so a failed
verification can still remove it. A transient copy (``read_back=False``: a job's staging
area, not the archive) is instead sent with the SHA-256 the caller already has
(``x-amz-checksum-sha256``): the server refuses a body that does not match it, and echoes
the checksum it verified, so nothing is read back.
"""
from __future__ import annotations

import base64
import contextlib
from datetime import datetime
from typing import BinaryIO, Iterator
from urllib.parse import unquote, urlsplit

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.helpers import MIN_PART_SIZE
from minio.retention import Retention as S3Retention

from archive.errors import ChecksumMismatch, ObjectExists, ObjectLocked, ObjectMissing, StorageError, StoreUnreadable
from archive.storage.base import (ObjectStore, Retention, Source, StoredObject, check_expected, open_source,
                                  source_length, validate_key)
from archive.storage.hashing import CHUNK, HashingReader

PART_SIZE = 16 * 1024 * 1024  # used when the length is unknown: bounds memory per part
# Largest object sent in one PUT checked by the server (minio holds the body in memory); a
# larger one goes in parts and is read back.
CHECKED_PUT_MAX = 64 * 1024 * 1024
CHECKSUM_HEADER = "x-amz-checksum-sha256"
MISSING_CODES = {"NoSuchKey", "NoSuchVersion", "ResourceNotFound"}
CHECKSUM_REFUSED = {"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "XAmzContentSHA256Mismatch"}
LOCKED_CODES = {"AccessDenied", "ObjectLocked", "InvalidRequest"}


def _http_client() -> urllib3.PoolManager:
    # Few retries: a damaged object answers 500 forever, and fixity must report it quickly.
    retry = urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=[502, 503, 504])
    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=10, read=300), retries=retry, maxsize=8)


class S3Store(ObjectStore):
    def __init__(self, url: str, object_lock: bool = True):
        parts = urlsplit(url)
        if parts.scheme not in ("s3", "s3s") or not parts.hostname or not parts.path.strip("/"):
            raise StorageError(f"invalid S3 storage URL (want s3://key:secret@host:port/bucket): {parts.scheme}://"
                               f"{parts.hostname}{parts.path}")
        bucket, _, prefix = parts.path.strip("/").partition("/")
        self.bucket, self.prefix = bucket, (prefix.rstrip("/") + "/" if prefix else "")
        self.url = f"{parts.scheme}://{parts.hostname}:{parts.port}/{parts.path.strip('/')}"  # no secrets
        self.client = Minio(f"{parts.hostname}:{parts.port or (443 if parts.scheme == 's3s' else 80)}",
                            access_key=unquote(parts.username or ""), secret_key=unquote(parts.password or ""),
                            secure=parts.scheme == "s3s", http_client=_http_client())
        self._ensure_bucket(object_lock)

    # -- set-up -----------------------------------------------------------------------------
    def _ensure_bucket(self, object_lock: bool) -> None:
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket, object_lock=object_lock)
        except S3Error as exc:
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise StorageError(f"cannot create bucket {self.bucket}: {exc.code}") from exc
        try:
            self.client.get_object_lock_config(self.bucket)
            self.supports_object_lock = True
        except S3Error:
            self.supports_object_lock = False
        versioning = self.client.get_bucket_versioning(self.bucket)
        self.versioned = versioning.status == "Enabled"

    def _name(self, key: str) -> str:
        return self.prefix + validate_key(key)

    # -- writing ----------------------------------------------------------------------------
    def _upload(self, key: str, source: Source, sha256_expected: str | None, read_back: bool = True) -> StoredObject:
        """PUT, then read the new version back (unless the server checked the caller's
        SHA-256 itself); a version that fails verification is removed."""
        name = self._name(key)
        length = source_length(source)
        checked = not read_back and sha256_expected is not None and length is not None and length <= CHECKED_PUT_MAX
        checksum = base64.b64encode(bytes.fromhex(sha256_expected)).decode() if checked else None
        with open_source(source) as stream:
            reader = HashingReader(stream)
            try:
                result = self.client.put_object(
                    self.bucket, name, reader, length if length is not None else -1,
                    part_size=max(length, MIN_PART_SIZE) if checked else 0 if length is not None else PART_SIZE,
                    metadata={CHECKSUM_HEADER: checksum} if checked else None)
            except S3Error as exc:
                if checked and exc.code in CHECKSUM_REFUSED:
                    raise ChecksumMismatch(f"{key}: the store refused bytes not matching sha256 {sha256_expected} "
                                           f"({exc.code})", key=key, expected=sha256_expected) from exc
                raise
        try:
            check_expected(key, reader.sha256, sha256_expected)
            if checked and result.http_headers.get(CHECKSUM_HEADER) == checksum:
                return StoredObject(key, reader.size, reader.sha256, result.version_id)
            # Not checked by the server (or it did not say so): read back.
            written, size = self.hash(key, result.version_id)
            if written != reader.sha256 or size != reader.size:
                raise ChecksumMismatch(f"{key}: read back {written}, wrote {reader.sha256}", key=key)
        except BaseException:
            self.client.remove_object(self.bucket, name, version_id=result.version_id)
            raise
        return StoredObject(key, size, written, result.version_id)

    def _versions(self, name: str) -> list:
        return [o for o in self.client.list_objects(self.bucket, prefix=name, include_version=True)
                if o.object_name == name]

    def _lock(self, obj: StoredObject, retention: Retention | None) -> None:
        if retention is None or not self.supports_object_lock:
            return
        mode = COMPLIANCE if retention.mode == "COMPLIANCE" else GOVERNANCE
        self.client.set_object_retention(self.bucket, self._name(obj.key), S3Retention(mode, retention.until),
                                         version_id=obj.version_id)

    def lock(self, key: str, retention: Retention, version_id: str | None = None) -> None:
        if self.supports_object_lock and self.retention(key, version_id) is None:
            self._lock(StoredObject(key, 0, None, version_id), retention)

    def put_file(self, key: str, source: Source, sha256_expected: str | None = None,
                 retention: Retention | None = None, *, read_back: bool = True) -> StoredObject:
        if self.exists(key):
            raise ObjectExists(key, key=key)
        obj = self._upload(key, source, sha256_expected, read_back)
        if self.versioned:
            # S3 has no portable create-only PUT; a racing writer shows up as a second version.
            others = [v for v in self._versions(self._name(key)) if v.version_id != obj.version_id]
            if others:
                self.client.remove_object(self.bucket, self._name(key), version_id=obj.version_id)
                raise ObjectExists(key, key=key)
        self._lock(obj, retention)
        return obj

    def repair(self, key: str, source: Source, sha256_expected: str,
               retention: Retention | None = None) -> StoredObject:
        # S3 keeps the damaged version (it may be locked); the verified copy becomes the latest.
        if retention is None and self.exists(key):
            retention = self.retention(key)
        obj = self._upload(key, source, sha256_expected)
        self._lock(obj, retention)
        return obj

    # -- reading ----------------------------------------------------------------------------
    def _translate(self, key: str, exc: Exception) -> Exception:
        if isinstance(exc, S3Error) and exc.code in MISSING_CODES:
            return ObjectMissing(key, key=key)
        return StoreUnreadable(f"{key}: {exc}", key=key)

    @contextlib.contextmanager
    def open(self, key: str, version_id: str | None = None) -> Iterator[BinaryIO]:
        try:
            response = self.client.get_object(self.bucket, self._name(key), version_id=version_id)
        except (S3Error, urllib3.exceptions.HTTPError) as exc:
            raise self._translate(key, exc) from exc
        try:
            yield _ResponseStream(response, key)
        finally:
            response.close()
            response.release_conn()

    def stat(self, key: str) -> StoredObject:
        try:
            st = self.client.stat_object(self.bucket, self._name(key))
        except (S3Error, urllib3.exceptions.HTTPError) as exc:
            raise self._translate(key, exc) from exc
        if st.is_delete_marker:
            raise ObjectMissing(key, key=key)
        return StoredObject(key, st.size, None, st.version_id)

    def retention(self, key: str, version_id: str | None = None) -> Retention | None:
        if not self.supports_object_lock:
            return None
        try:
            r = self.client.get_object_retention(self.bucket, self._name(key), version_id=version_id)
        except S3Error:
            return None
        if r is None or not r.mode:
            return None
        return Retention(r.retain_until_date, r.mode)

    def list(self, prefix: str = "") -> Iterator[str]:
        for obj in self.client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True):
            if not obj.is_dir:
                yield obj.object_name[len(self.prefix):]

    def list_modified(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        for obj in self.client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True):
            if not obj.is_dir:
                yield obj.object_name[len(self.prefix):], obj.last_modified

    def versions(self, prefix: str = "") -> Iterator[tuple[str, str | None]]:
        for obj in self.client.list_objects(self.bucket, prefix=self.prefix + prefix, recursive=True,
                                            include_version=True):
            yield obj.object_name[len(self.prefix):], obj.version_id

    # -- deleting ---------------------------------------------------------------------------
    def delete(self, key: str, all_versions: bool = True, bypass_governance: bool = False) -> None:
        name = self._name(key)
        if not all_versions:
            self.client.remove_object(self.bucket, name)
            return
        versions = self._versions(name)
        if not versions:
            raise ObjectMissing(key, key=key)
        errors = list(self.client.remove_objects(
            self.bucket, [DeleteObject(name, v.version_id) for v in versions],
            bypass_governance_mode=bypass_governance))
        if errors:
            raise ObjectLocked(f"{key}: {errors[0].code} {errors[0].message}", key=key)


class _ResponseStream:
    """File-like view of a GET response; server or network faults become StoreUnreadable."""

    def __init__(self, response, key: str):
        self._response, self._key = response, key

    def read(self, n: int = -1) -> bytes:
        try:
            return self._response.read(CHUNK if n is None or n < 0 else n)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnreadable(f"{self._key}: {exc}", key=self._key) from exc

    def readinto(self, buf) -> int:
        try:
            return self._response.readinto(buf)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnreadable(f"{self._key}: {exc}", key=self._key) from exc
