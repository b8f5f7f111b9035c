"""Submissions and job artefacts staged in the object store, so that a Celery worker on any
host can take any step of any job: no folder is shared between the API and the workers.

A job's staging area is ``jobs/<id>/`` in the staging store (``Settings.staging_store_url``,
a bucket without Object Lock: its objects are removed). Files are content-addressed blobs,
``files/<sha256>``; a manifest, ``manifest/<seq>.json``, maps each path of the job's folder to
its blob. A worker's local work folder is a cache of the latest manifest:

- ``pull`` makes the folder exactly the manifest (missing or changed files downloaded and
  checked against their sha256, files the manifest does not have removed);
- ``push`` uploads the blobs the manifest does not have yet (each checked by the S3 server
  against the sha256 already computed, not read back: staging is a transient copy, not the
  archive), then writes the next manifest, then removes the older ones. A crash at any
  point leaves the previous manifest whole, and the step that was running is run again from it.

Unchanged files are neither hashed nor uploaded twice (the package's copies of the originals
are the submission's blobs). Once the package is archived, or a failed job is older than
``failed_job_days``, ``remove`` deletes the artefacts and keeps the step results (``*.json``,
a few KB: who submitted, the validator's report, where the package went) as the job's record,
as a local work folder keeps them. A staging area that belongs to no job of the catalog (the
submitting process died during its first push, before the job existed) is removed whole by
the sweep (ingest.recovery) once ``idle_since`` says nothing was written to it for a while.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from archive.checksums import sha256_file
from archive.errors import ChecksumMismatch, ObjectExists, ObjectMissing
from archive.settings import Settings, get_settings
from archive.storage import ObjectStore, open_store
from archive.storage.base import validate_key
from archive.storage.hashing import CHUNK, HashingReader

_READ: dict[tuple[str, str], bytes] = {}   # (store, key) → bytes of the manifests and results read
_READ_LOCK = threading.Lock()
CACHE = ".staged.json"          # the local folder's (size, mtime) → sha256 of what it last pulled or pushed
LOCAL_ONLY = {CACHE, "running.json"}
PARTIAL = ".staging-"           # a download in progress


def enabled(settings: Settings | None = None) -> bool:
    """Jobs are staged where their steps run on Celery workers (a broker is configured)."""
    return bool((settings or get_settings()).broker_url)


def open_staging(settings: Settings | None = None) -> "Staging":
    return _staging_at((settings or get_settings()).staging_store_url)


@lru_cache(maxsize=8)
def _staging_at(url: str) -> "Staging":
    """One client per staging store (opening one checks its bucket: three requests)."""
    return Staging(open_store(url, object_lock=False))


@dataclass(frozen=True)
class Staging:
    store: ObjectStore

    # -- the manifest ------------------------------------------------------------------------
    def _manifests(self, job_id: str) -> list[str]:
        return sorted(self.store.list(f"jobs/{job_id}/manifest/"))

    def manifest(self, job_id: str) -> dict[str, dict] | None:
        """path → {sha256, size} of the job's latest staged state; None if it was never staged."""
        for _ in range(5):          # a push may replace the latest between the listing and the read
            keys = self._manifests(job_id)
            if not keys:
                return None
            try:
                return json.loads(self._immutable(keys[-1]))
            except ObjectMissing:
                continue
        raise ObjectMissing(f"jobs/{job_id}/manifest", key=f"jobs/{job_id}/manifest")

    def jobs(self) -> set[str]:
        return {key.split("/")[1] for key in self.store.list("jobs/") if key.count("/") >= 3}

    def idle_since(self) -> dict[str, datetime]:
        """Each staged job → when the last of its objects was written (the store's time, UTC)."""
        last: dict[str, datetime] = {}
        for key, written in self.store.list_modified("jobs/"):
            if key.count("/") >= 3:
                job_id = key.split("/")[1]
                last[job_id] = max(written, last.get(job_id, written))
        return last

    def _blob(self, job_id: str, sha256: str) -> str:
        return f"jobs/{job_id}/files/{sha256}"

    def read(self, job_id: str, path: str) -> bytes | None:
        """One staged file's bytes, checked; None when the job has no such file."""
        entry = (self.manifest(job_id) or {}).get(path)
        if entry is None:
            return None
        data = self._immutable(self._blob(job_id, entry["sha256"]))
        _check(path, hashlib.sha256(data).hexdigest(), entry["sha256"])
        return data

    def _immutable(self, key: str) -> bytes:
        """A manifest or a small blob: neither changes under its key (a new manifest has a new
        sequence number, a blob is named by its sha256), so this process keeps the last few
        read (the api shows a job's results on every poll)."""
        cached = _READ.get((self.store.url, key))
        if cached is None:
            with self.store.open(key) as stream:
                cached = stream.read()
            with _READ_LOCK:
                _READ[(self.store.url, key)] = cached
                while len(_READ) > 1024:
                    _READ.pop(next(iter(_READ)))
        return cached

    def _write_manifest(self, job_id: str, files: dict[str, dict], previous: list[str]) -> None:
        seq = int(previous[-1].rsplit("/", 1)[1].split(".")[0]) + 1 if previous else 1
        body = json.dumps(files, sort_keys=True).encode()
        self.store.put_file(f"jobs/{job_id}/manifest/{seq:08d}.json", io.BytesIO(body),
                            hashlib.sha256(body).hexdigest(), read_back=False)
        for key in previous:                    # only once the new one is whole
            _delete(self.store, key)

    # -- moving files ------------------------------------------------------------------------
    def push(self, job_id: str, workdir: Path, extra: dict[str, Path] | None = None) -> dict[str, dict]:
        """Stage ``workdir`` (and ``extra``: staged path → a local file or folder elsewhere)."""
        previous = self._manifests(job_id)
        old = self.manifest(job_id) or {}
        cache = _Cache(workdir)
        sources = dict(_walk(workdir))
        files = {rel: cache.entry(rel, path) for rel, path in sources.items()}
        for rel, source in (extra or {}).items():
            inside = {f"{rel}/{r}": p for r, p in _walk(source)} if source.is_dir() else {rel: source}
            sources.update(inside)
            files.update({r: cache.entry(None, p) for r, p in inside.items()})
        known = {e["sha256"] for e in old.values()}
        for rel, entry in files.items():
            if entry["sha256"] in known:
                continue
            try:
                self.store.put_file(self._blob(job_id, entry["sha256"]), sources[rel], entry["sha256"],
                                    read_back=False)
            except ObjectExists:            # staged by an earlier, interrupted push
                pass
            known.add(entry["sha256"])
        if files != old or not previous:
            self._write_manifest(job_id, files, previous)
        cache.save()
        return files

    def pull(self, job_id: str, workdir: Path) -> bool:
        """Make ``workdir`` the latest staged state; False (and nothing touched) if none."""
        files = self.manifest(job_id)
        if files is None:
            return False
        for rel in files:                   # the paths come from the store: none may leave the folder
            validate_key(rel)
        workdir.mkdir(parents=True, exist_ok=True)
        cache = _Cache(workdir)
        local = dict(_walk(workdir))
        for rel, path in local.items():
            if rel not in files:
                path.unlink()
        for rel, entry in files.items():
            path = workdir / rel
            if rel in local and cache.entry(rel, path)["sha256"] == entry["sha256"]:
                continue
            self._download(job_id, entry["sha256"], path)
            cache.entry(rel, path, entry["sha256"])
        cache.save()
        return True

    def _download(self, job_id: str, sha256: str, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(PARTIAL + dest.name)
        try:
            with self.store.open(self._blob(job_id, sha256)) as stream, open(partial, "wb") as out:
                reader = HashingReader(stream)
                while data := reader.read(CHUNK):
                    out.write(data)
            _check(str(dest), reader.sha256, sha256)
            os.replace(partial, dest)
        finally:
            partial.unlink(missing_ok=True)

    # -- removing ----------------------------------------------------------------------------
    def keys(self, job_id: str) -> list[str]:
        """Every object of the job's staging area (what an erasure must leave none of)."""
        return list(self.store.list(f"jobs/{job_id}/"))

    def remove(self, job_id: str, *, keep_results: bool = True) -> int:
        """Delete the job's artefacts (everything, without ``keep_results``: the blobs of a push
        cut off before its first manifest too); returns how many objects went. The results'
        manifest is written before any blob is deleted, the manifests go last."""
        previous = self._manifests(job_id)
        if not keep_results:
            gone = [key for key in self.keys(job_id) if key not in previous] + previous
            for key in gone:
                _delete(self.store, key)
            return len(gone)
        if not previous:
            return 0
        old = self.manifest(job_id) or {}
        kept = {rel: e for rel, e in old.items() if "/" not in rel and rel.endswith(".json")}
        if kept != old:
            self._write_manifest(job_id, kept, previous)
        needed = {self._blob(job_id, e["sha256"]) for e in kept.values()}
        gone = [key for key in self.store.list(f"jobs/{job_id}/files/") if key not in needed]
        for key in gone:
            _delete(self.store, key)
        return len(gone)

    def has_artefacts(self, job_id: str) -> bool:
        """Anything staged beyond the step results (a removal stopped half-way included)."""
        files = self.manifest(job_id) or {}
        if any("/" in rel or not rel.endswith(".json") for rel in files):
            return True
        needed = {self._blob(job_id, e["sha256"]) for e in files.values()}
        return any(key not in needed for key in self.store.list(f"jobs/{job_id}/files/"))


# -- helpers ---------------------------------------------------------------------------------

class _Cache:
    """sha256 of the local files, remembered by (size, mtime): an unchanged file is not hashed again."""

    def __init__(self, workdir: Path):
        self.path = workdir / CACHE
        try:
            self.known = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, list] = {}

    def entry(self, rel: str | None, path: Path, sha256: str | None = None) -> dict:
        st = path.stat()
        cached = self.known.get(rel) if rel else None
        if sha256 is None and cached and cached[:2] == [st.st_size, st.st_mtime_ns]:
            sha256 = cached[2]
        if sha256 is None:
            sha256 = sha256_file(path)[0]
        if rel:
            self.seen[rel] = [st.st_size, st.st_mtime_ns, sha256]
        return {"sha256": sha256, "size": st.st_size}

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.seen))
        os.replace(tmp, self.path)


def _walk(root: Path) -> Iterable[tuple[str, Path]]:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel in LOCAL_ONLY or name.startswith(PARTIAL) or name.endswith(".tmp") or path.is_symlink():
                continue
            yield rel, path


def _check(what: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise ChecksumMismatch(f"staged {what}: expected sha256 {expected}, got {actual}", key=what,
                               expected=expected, actual=actual)


def _delete(store: ObjectStore, key: str) -> None:
    try:
        store.delete(key)
    except ObjectMissing:
        pass

