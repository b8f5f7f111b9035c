"""Object storage for archived packages: ``open_store(url)`` picks the backend."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from archive.errors import StorageError
from archive.storage.base import ObjectStore, Retention, StoredObject
from archive.storage.verified import check_stored, repair_verified, store_verified

__all__ = ["ObjectStore", "Retention", "StoredObject", "check_stored", "open_store", "public_url", "repair_verified",
           "store_verified"]


def open_store(url: str | None = None, *, object_lock: bool = True) -> ObjectStore:
    """``file:///path`` or ``s3://key:secret@host:port/bucket[/prefix]``; default Settings.store_url.
    ``object_lock=False``: a bucket created here has no Object Lock (staging, whose objects are removed)."""
    if url is None:
        from archive.settings import get_settings
        url = get_settings().store_url
    scheme = urlsplit(url).scheme
    if scheme == "file":
        from archive.storage.filesystem import FilesystemStore
        return FilesystemStore(unquote(urlsplit(url).path))
    if scheme in ("s3", "s3s"):
        from archive.storage.s3 import S3Store
        return S3Store(url, object_lock=object_lock)
    raise StorageError(f"unsupported storage URL scheme {scheme!r} (use file:// or s3://)")


def public_url(url: str) -> str:
    """A store URL without its credentials, fit for the catalog and the package's events."""
    parts = urlsplit(url)
    host = parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else parts.netloc
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
