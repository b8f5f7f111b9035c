"""The transfer's machine-readable description (transfer.json) and its folder layout.

A transfer folder is a BagIt bag (RFC 8493, the ``bagit`` library): ``manifest-sha256.txt``
lists the SHA-256 of every file under ``data/``, and ``tagmanifest-sha256.txt`` those of the
bag's own files, so the receiving archive detects any changed, missing or extra byte
before it opens a package. Under ``data/``:

    transfer.json                  this description: reference, agency, packages, checksums
    muc-luc-ho-so-nop-luu.xlsx     transfer list (mục lục hồ sơ nộp lưu), also as PDF
    muc-luc-ho-so-nop-luu.pdf
    bien-ban-giao-nhan.pdf         handover record (biên bản giao nhận)
    packages/<package folder>/     one E-ARK SIP per dossier
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel

MANIFEST_NAME = "transfer.json"
PACKAGES_DIR = "packages"
TRANSFER_LIST = "muc-luc-ho-so-nop-luu"
HANDOVER_RECORD = "bien-ban-giao-nhan.pdf"


class PackageEntry(BaseModel):
    """One dossier of the transfer and the SIP carrying it."""
    package_id: str                 # the SIP's OBJID
    folder: str                     # relative to data/, e.g. packages/urn_uuid_…
    mets_sha256: str                # of the SIP's root METS.xml, which states every other checksum
    size: int                       # bytes of every file of the SIP
    files: int
    dossier_code: str
    title: str
    maintenance: str
    start_date: date | None = None
    end_date: date | None = None
    documents: int
    pages: int | None = None


class TransferManifest(BaseModel):
    reference: str
    created: datetime
    organ_id: str                   # the sending agency
    agency_name: str
    prepared_by: str
    packages: list[PackageEntry]

    @property
    def total_size(self) -> int:
        return sum(p.size for p in self.packages)

    @property
    def total_files(self) -> int:
        return sum(p.files for p in self.packages)

    def write(self, data_dir: Path) -> Path:
        path = data_dir / MANIFEST_NAME
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return path

    @classmethod
    def read(cls, data_dir: Path) -> TransferManifest:
        return cls.model_validate_json((data_dir / MANIFEST_NAME).read_bytes())
