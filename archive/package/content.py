"""What goes into an archival package (gói tin lưu trữ), as plain data.

The pipeline fills a ``PackageContent`` from its steps (identification, normalisation,
validation, checksums, signature checks); ``build_package`` turns it into the folder that
package.md describes. Checksums and sizes given here are re-checked against the bytes
while building, so a package never states a value its files do not have.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from schemas.models import Dossier

PackageType = Literal["AIP", "SIP"]
Outcome = Literal["success", "failure", "warning"]
# PRONOM keys of the PDF/A levels (as in the PRONOM signature file that opf-fido ships).
PDFA_PUIDS = {"1a": "fmt/95", "1b": "fmt/354", "2a": "fmt/476", "2b": "fmt/477", "2u": "fmt/478",
              "3a": "fmt/479", "3b": "fmt/480", "3u": "fmt/481"}
# PRONOM keys of plain PDF by version: what a copy that failed PDF/A validation really is.
PDF_PUIDS = {"1.3": "fmt/17", "1.4": "fmt/18", "1.5": "fmt/19", "1.6": "fmt/20", "1.7": "fmt/276"}


@dataclass
class PackageEvent:
    """One preservation action, recorded as a PREMIS event.

    ``type`` uses the PREMIS event type vocabulary (id.loc.gov/vocabulary/preservation/
    eventType): "ingestion", "format identification", "migration", "validation",
    "fixity check", "digital signature validation", "message digest calculation", …
    ``object_ids`` name package objects (see ``BuiltPackage.object_ids`` and
    ``original_id``/``copy_id``); events attached to a file link to it automatically.
    """
    type: str
    datetime: datetime
    outcome: Outcome = "success"
    tool_name: str | None = None
    tool_version: str | None = None
    detail: str | None = None
    outcome_detail: str | None = None
    object_ids: list[str] = field(default_factory=list)


@dataclass
class OriginalFile:
    """A file as the agency submitted it (kept bit for bit in rep0)."""
    path: Path
    name: str                      # path inside the submission, e.g. "files/qd-04-2021.docx"
    sha256: str
    size: int
    mime: str
    puid: str | None = None        # PRONOM identifier, e.g. "fmt/412"
    format_name: str | None = None
    role: Literal["main", "attachment"] = "main"
    events: list[PackageEvent] = field(default_factory=list)


@dataclass
class PreservationCopy:
    """The PDF/A rendition of one of a document's originals (rep1), by default its main file."""
    path: Path
    sha256: str
    size: int
    tool_name: str
    tool_version: str
    pdfa_valid: bool
    pdfa_level: str = "2b"
    validator: str | None = None   # e.g. "veraPDF 1.26" or "luutru fallback checker"
    validation_detail: str | None = None
    puid: str | None = None        # default: the PRONOM key of pdfa_level (PDF/A-2b: fmt/477)
    format_name: str = "Acrobat PDF/A - Portable Document Format"
    events: list[PackageEvent] = field(default_factory=list)
    original_index: int | None = None  # which original (1-based) it was made from; None: the main file

    def __post_init__(self):
        if self.puid is None:
            self.puid = PDFA_PUIDS.get(self.pdfa_level.lower())


@dataclass
class DocumentContent:
    """One document (văn bản) of the dossier: its originals and its preservation copy."""
    ordinal: int                   # DocOrdinal
    originals: list[OriginalFile]
    preservation: PreservationCopy | None = None
    attachment_copies: list[PreservationCopy] = field(default_factory=list)  # of the other originals

    @property
    def copies(self) -> list[PreservationCopy]:
        return [*([self.preservation] if self.preservation else []), *self.attachment_copies]


@dataclass
class PackageContent:
    dossier: Dossier
    organ_id: str                  # OrganId / fonds code of the creating agency
    agency_name: str
    documents: list[DocumentContent]
    package_type: PackageType = "AIP"
    events: list[PackageEvent] = field(default_factory=list)   # package-level events
    previous_package_id: str | None = None                     # OBJID of the version this one replaces
    created: datetime | None = None                             # default: now, Asia/Ho_Chi_Minh


@dataclass
class BuiltPackage:
    package_id: str                # METS OBJID, "urn:uuid:…"
    path: Path                     # the package folder
    package_type: PackageType
    previous_package_id: str | None
    files: dict[str, str]          # package-relative path -> sha256, every file written
    object_ids: dict[str, str]     # PREMIS object identifier -> package-relative path


def original_id(ordinal: int, index: int) -> str:
    """Identifier (METS file ID = PREMIS object identifier) of a document's original."""
    return f"rep0-doc{ordinal:03d}-file{index:02d}"


def copy_id(ordinal: int, index: int | None = None) -> str:
    """Identifier of a document's preservation copy (``index``: of that original, if not the main file)."""
    return f"rep1-doc{ordinal:03d}" + (f"-file{index:02d}" if index else "")
