"""Hash bytes on their way into the store (streamed hashing itself lives in archive.checksums)."""
from __future__ import annotations

import hashlib
from typing import BinaryIO

from archive.checksums import CHUNK, sha256_stream

__all__ = ["CHUNK", "HashingReader", "sha256_stream"]


class HashingReader:
    """Wraps a readable stream and hashes what passes through it (used while uploading)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self._digest.update(data)
        self.size += len(data)
        return data

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()
