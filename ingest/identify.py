"""Format identification with FIDO (PRONOM PUID + MIME), in-process.

FIDO's signature tables are loaded once per process (``identifier()``); identifying a file
is then a pure-Python match with no process start-up, which matters for dossiers with
thousands of files.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fido import __version__ as FIDO_VERSION
from fido.fido import Fido
from fido.versions import get_local_versions

TOOL = f"fido {FIDO_VERSION}"


@dataclass(frozen=True)
class FormatIdentification:
    puid: str | None
    mime_type: str | None
    format_name: str | None
    format_version: str | None
    method: str  # signature | container | extension | fail
    extension_mismatch: bool  # the content contradicts the file's extension
    expected_extensions: tuple[str, ...] = ()
    tool: str = TOOL

    @property
    def identified(self) -> bool:
        return self.puid is not None


class _Identifier:
    """One FIDO instance; its match callback stores results, so calls are serialised."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._matches: list = []
        self._method = "fail"
        # The signature files FIDO's own command line would load (PRONOM + FIDO extensions).
        versions = get_local_versions()
        self._fido = Fido(
            quiet=True, handle_matches=self._collect,
            format_files=[versions.pronom_signature, versions.fido_extension_signature],
        )
        # Fido.__init__ ignores its containersignature_file argument; set it as main() does.
        self._fido.containersignature_file = versions.pronom_container_signature
        self.signature_version = versions.pronom_signature

    def _collect(self, fullname, matches, delta_t, matchtype=""):
        self._matches, self._method = list(matches), matchtype or "fail"

    def identify(self, path: Path) -> FormatIdentification:
        with self._lock:
            self._matches, self._method = [], "fail"
            # Content first; the extension is only a last resort, never a verdict on content.
            self._fido.identify_file(str(path), extension=False)
            matches, method = self._matches, self._method if self._matches else "fail"
            if not matches:
                self._fido.identify_file(str(path), extension=True)
                matches, method = self._matches, ("extension" if self._matches else "fail")
        if not matches:
            return FormatIdentification(None, None, None, None, "fail", False)
        fmt = matches[0][0]
        extensions = tuple(sorted({e.text.lower() for f, _ in matches for e in f.findall("extension") if e.text}))
        suffix = path.suffix.lower().lstrip(".")
        mismatch = method in ("signature", "container") and bool(extensions) and suffix not in extensions
        return FormatIdentification(
            puid=self._fido.get_puid(fmt),
            mime_type=fmt.findtext("mime"),
            format_name=fmt.findtext("name"),
            format_version=fmt.findtext("version"),
            method=method,
            extension_mismatch=mismatch,
            expected_extensions=extensions,
        )


@lru_cache(maxsize=1)
def identifier() -> _Identifier:
    return _Identifier()


def identify(path: Path) -> FormatIdentification:
    """PRONOM identification of ``path``; ``extension_mismatch`` flags e.g. a PNG named .pdf."""
    return identifier().identify(Path(path))
