"""Write-then-verify: the one way packages, certificates, checkpoints and repaired copies go
into a store.

``put_file`` itself streams, publishes atomically and reads the new object back before it
returns. What every caller needs on top lives here, once: a retry after a crash finds the
object its earlier attempt wrote and accepts it only if the bytes are the expected ones
(locking it if the crash came between the write and the lock), and a package written
object by object is read back as a whole before anything records it as archived.
"""
from __future__ import annotations

from collections.abc import Mapping

from archive.errors import ChecksumMismatch, ObjectExists, ObjectMissing, StoredOtherBytes
from archive.storage.base import ObjectStore, Retention, Source, StoredObject


def store_verified(store: ObjectStore, key: str, source: Source, sha256: str,
                   retention: Retention | None = None) -> StoredObject:
    """Write ``source`` under ``key``, write-once and locked with ``retention``, and return what
    the store holds, read back and matching ``sha256``. Idempotent: an object already at
    ``key`` with these bytes is accepted as written; with other bytes it is StoredOtherBytes
    and stays untouched. A write that does not read back as ``sha256`` is ChecksumMismatch
    and leaves nothing."""
    try:
        return store.put_file(key, source, sha256_expected=sha256, retention=retention)
    except ObjectExists:
        return _already_stored(store, key, sha256, retention)


def _already_stored(store: ObjectStore, key: str, sha256: str, retention: Retention | None) -> StoredObject:
    version = store.stat(key).version_id
    digest, size = store.hash(key, version)
    if digest != sha256.lower():
        raise StoredOtherBytes(f"{key} already stored with other bytes (sha256 {digest}, expected {sha256})",
                               key=key, expected=sha256, actual=digest) from None
    if retention is not None:
        store.lock(key, retention, version)
    return StoredObject(key, size, digest, version)


def repair_verified(store: ObjectStore, key: str, source: Source, sha256: str,
                    retention: Retention | None = None) -> StoredObject:
    """Replace a damaged or lost object with ``source`` (``ObjectStore.repair``, the only
    overwrite), then read the new copy back: ChecksumMismatch if it does not hash to
    ``sha256``, so a repair that did not take is never counted as one."""
    repaired = store.repair(key, source, sha256, retention)
    _read_back(store, key, sha256, repaired.version_id)
    return repaired


def _read_back(store: ObjectStore, key: str, sha256: str, version_id: str | None = None) -> str:
    digest, _ = store.hash(key, version_id)
    if digest != sha256.lower():
        raise ChecksumMismatch(f"{key}: the stored bytes read back as sha256 {digest}, expected {sha256}", key=key,
                               expected=sha256, actual=digest)
    return digest


def check_stored(store: ObjectStore, prefix: str, expected: Mapping[str, str]) -> int:
    """Read back every object ``expected`` names (key → sha256) under ``prefix``: ObjectMissing
    naming the missing keys, ChecksumMismatch for the first whose bytes differ; the number
    of objects checked otherwise."""
    present = set(store.list(prefix.rstrip("/") + "/"))
    if missing := sorted(set(expected) - present):
        raise ObjectMissing(f"{len(missing)} object(s) missing after writing: {missing[:3]}", missing=missing)
    for key, sha256 in expected.items():
        _read_back(store, key, sha256)
    return len(expected)
