"""The object store every archived package is written to.

Archived objects are write-once: ``put_file`` refuses an existing key, and the only
overwrite is ``repair``, which fixity uses to put verified bytes back from a replica.
Every write is streamed, atomic (a failed or interrupted write leaves nothing visible)
and verified by reading the object back and hashing it before the call returns.
"""
from __future__ import annotations

import contextlib
import io
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from archive.clock import utcnow
from archive.errors import ChecksumMismatch, StorageError
from archive.storage.hashing import sha256_stream

Source = Union[str, os.PathLike, BinaryIO]


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str | None = None
    version_id: str | None = None


@dataclass(frozen=True)
class Retention:
    """How long the store itself must refuse deletion (S3 Object Lock).

    Fixed-term dossiers are locked in COMPLIANCE mode until their retention expiry: nobody,
    not even an administrator, can delete them early. Permanent dossiers are locked in
    GOVERNANCE mode, which a privileged caller may bypass only for a completed and
    acknowledged transfer to the historical archive.
    """
    until: datetime
    mode: str  # "COMPLIANCE" | "GOVERNANCE"

    @classmethod
    def for_dossier(cls, expiry: date | None, permanent_lock_years: int = 100) -> "Retention":
        if expiry is None:
            until = utcnow() + timedelta(days=365 * permanent_lock_years)
            return cls(until.replace(microsecond=0), "GOVERNANCE")
        return cls(datetime.combine(expiry, time.min, tzinfo=timezone.utc) + timedelta(days=1), "COMPLIANCE")


@contextlib.contextmanager
def open_source(source: Source) -> Iterator[BinaryIO]:
    """A path is opened (and closed) here; a stream is used as given."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            yield fh
    else:
        yield source


def source_length(source: Source) -> int | None:
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    if isinstance(source, io.BytesIO):
        return len(source.getbuffer()) - source.tell()
    return None


def check_expected(key: str, actual: str, expected: str | None) -> None:
    if expected is not None and actual.lower() != expected.lower():
        raise ChecksumMismatch(f"{key}: expected sha256 {expected}, got {actual}", key=key,
                               expected=expected, actual=actual)


def validate_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in key:
        raise StorageError(f"invalid object key {key!r}", key=key)
    return key


class ObjectStore(ABC):
    """Operations the archive needs from a store; backends: filesystem, S3 (MinIO, SeaweedFS)."""

    url: str
    supports_object_lock: bool = False

    @abstractmethod
    def put_file(self, key: str, source: Source, sha256_expected: str | None = None,
                 retention: Retention | None = None, *, read_back: bool = True) -> StoredObject:
        """Write a new object; ObjectExists if the key is taken, ChecksumMismatch if the bytes differ.
        ``read_back=False`` (transient copies, never the archive): where the server itself checks
        the bytes against ``sha256_expected`` (S3 checksums), they are not read back."""

    @abstractmethod
    def repair(self, key: str, source: Source, sha256_expected: str,
               retention: Retention | None = None) -> StoredObject:
        """Replace a damaged or lost object with verified bytes (the only overwrite path);
        ``retention`` locks the new copy (default: the lock the damaged copy had)."""

    @abstractmethod
    def open(self, key: str, version_id: str | None = None) -> contextlib.AbstractContextManager[BinaryIO]:
        """A readable stream of the object; ObjectMissing if there is none."""

    @abstractmethod
    def stat(self, key: str) -> StoredObject:
        """Size and version of the object (sha256 is not computed); ObjectMissing if absent."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix``, in no particular order."""

    @abstractmethod
    def list_modified(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """(key, when it was last written, UTC) of the keys starting with ``prefix``."""

    def versions(self, prefix: str = "") -> Iterator[tuple[str, str | None]]:
        """(key, version id) of every stored version under ``prefix``, delete markers included:
        what an erasure must leave nothing of. A store without versions yields its keys."""
        return ((key, None) for key in self.list(prefix))

    @abstractmethod
    def delete(self, key: str, all_versions: bool = True, bypass_governance: bool = False) -> None:
        """Remove an object; ObjectLocked where retention forbids it."""

    def retention(self, key: str, version_id: str | None = None) -> Retention | None:
        """The lock currently protecting the object, if the store supports locks."""
        return None

    def lock(self, key: str, retention: Retention, version_id: str | None = None) -> None:
        """Lock an object written unlocked (a crash came between its write and its lock); a lock
        already there is left as it is, since a lock is never shortened. No-op without Object Lock."""

    def exists(self, key: str) -> bool:
        from archive.errors import ObjectMissing
        try:
            self.stat(key)
        except ObjectMissing:
            return False
        return True

    def hash(self, key: str, version_id: str | None = None) -> tuple[str, int]:
        """Streamed (sha256, size) of the stored bytes."""
        with self.open(key, version_id) as stream:
            return sha256_stream(stream)

    def get_to_file(self, key: str, dest: str | os.PathLike) -> Path:
        import shutil
        dest = Path(dest)
        with self.open(key) as stream, open(dest, "wb") as out:
            shutil.copyfileobj(stream, out, 4 * 1024 * 1024)
        return dest
