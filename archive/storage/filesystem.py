"""Filesystem object store (the embedded default): one file per key under a root folder.

Atomicity comes from the POSIX rules: bytes go to a hidden temporary file in the target
folder, are fsynced and verified, then ``os.link`` publishes them under the key. ``link``
fails if the name exists, so a write never replaces an archived object, even when two
writers race. Object Lock does not exist here; the files are only made read-only.
"""
from __future__ import annotations

import contextlib
import os
import stat as stat_mod
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from archive.checksums import sha256_mapped
from archive.errors import ChecksumMismatch, ObjectExists, ObjectMissing, StorageError
from archive.storage.base import (ObjectStore, Retention, Source, StoredObject, check_expected, open_source,
                                  validate_key)
from archive.storage.hashing import CHUNK, HashingReader

TEMP_PREFIX = ".tmp-"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemStore(ObjectStore):
    supports_object_lock = False

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.url = f"file://{self.root}"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _write_verified_temp(self, path: Path, source: Source, sha256_expected: str | None) -> tuple[Path, str, int]:
        """Copy ``source`` to a temp file next to ``path``; fsync; read back; check the hash."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, open_source(source) as stream:
                reader = HashingReader(stream)
                while data := reader.read(CHUNK):
                    out.write(data)
                out.flush()
                os.fsync(out.fileno())
            check_expected(str(path), reader.sha256, sha256_expected)
            with open(tmp, "rb") as back:
                written, size = sha256_mapped(back)
            if written != reader.sha256 or size != reader.size:
                raise ChecksumMismatch(f"{path.name}: read back {written}, wrote {reader.sha256}")
            os.chmod(tmp, stat_mod.S_IRUSR | stat_mod.S_IRGRP)
            return tmp, written, size
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_file(self, key: str, source: Source, sha256_expected: str | None = None,
                 retention: Retention | None = None, *, read_back: bool = True) -> StoredObject:
        # No server to check the bytes here: always read back (from the page cache).
        path = self._path(key)
        if path.exists():
            raise ObjectExists(key, key=key)
        tmp, sha, size = self._write_verified_temp(path, source, sha256_expected)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ObjectExists(key, key=key) from None
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        return StoredObject(key, size, sha)

    def repair(self, key: str, source: Source, sha256_expected: str,
               retention: Retention | None = None) -> StoredObject:
        path = self._path(key)
        tmp, sha, size = self._write_verified_temp(path, source, sha256_expected)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        return StoredObject(key, size, sha)

    @contextlib.contextmanager
    def open(self, key: str, version_id: str | None = None) -> Iterator[BinaryIO]:
        try:
            fh = open(self._path(key), "rb", buffering=0)
        except FileNotFoundError:
            raise ObjectMissing(key, key=key) from None
        with fh:
            yield fh

    def hash(self, key: str, version_id: str | None = None) -> tuple[str, int]:
        with self.open(key) as fh:
            return sha256_mapped(fh)

    def stat(self, key: str) -> StoredObject:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            raise ObjectMissing(key, key=key) from None
        return StoredObject(key, st.st_size)

    def list(self, prefix: str = "") -> Iterator[str]:
        for dirpath, _dirs, files in os.walk(self.root):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in files:
                if name.startswith(TEMP_PREFIX):
                    continue
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix):
                    yield key

    def list_modified(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        for key in self.list(prefix):
            try:
                yield key, datetime.fromtimestamp(self._path(key).stat().st_mtime, timezone.utc)
            except FileNotFoundError:       # deleted since it was listed
                continue

    def delete(self, key: str, all_versions: bool = True, bypass_governance: bool = False) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            raise ObjectMissing(key, key=key) from None
        except OSError as exc:
            raise StorageError(f"{key}: {exc}", key=key) from exc
        # drop folders the key leaves empty, up to the root
        for parent in path.parents:
            if parent == self.root or any(parent.iterdir()):
                break
            parent.rmdir()

    def physical_path(self, key: str) -> Path:
        """Where the bytes live (tests use it to damage an object on purpose)."""
        return self._path(key)
