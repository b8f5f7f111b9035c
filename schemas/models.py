"""Appendix VI of Decree 30/2020/NĐ-CP as Python models.

Field names are the decree's English names. Types are loose on purpose (strings and
optional numbers): the validator, not the model, judges lengths, formats and code lists,
so that it can report every problem at once with its field path instead of stopping at
the first parse error. Fields the decree marks "auto" are optional here and filled in by
``schemas.autofill``.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Direction = Literal["incoming", "outgoing", "internal"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DossierCode(_Model):
    """Mã hồ sơ: OrganId.FileCatalog.FileNotation."""
    OrganId: str | None = None          # auto: from the submitting agency's account
    FileCatalog: int | None = None      # auto: year the dossier was formed
    FileNotation: str | None = None


class Signer(_Model):
    """Chức vụ, họ tên người ký."""
    Position: str | None = None
    FullName: str | None = None


class Recipient(_Model):
    """Nơi nhận of an outgoing document."""
    OrganId: str | None = None
    OrganName: str | None = None


class DocumentFile(_Model):
    path: str
    role: Literal["main", "attachment"] = "main"


class Document(_Model):
    """Văn bản: fields 1–11 are common; the rest depend on ``direction``."""
    direction: Direction
    files: list[DocumentFile] = Field(default_factory=list)
    DocOrdinal: int | None = None       # auto
    TypeName: str | None = None
    CodeNumber: str | None = None
    CodeNotation: str | None = None
    IssuedDate: date | None = None
    OrganName: str | None = None
    Subject: str | None = None
    Language: str | None = None
    PageAmount: int | None = None       # auto: read from the main file
    Description: str | None = None
    # outgoing and incoming
    SignerInfo: Signer | None = None
    Priority: int | None = None
    DueDate: date | None = None
    # outgoing only
    To: list[Recipient] = Field(default_factory=list)
    IssuedAmount: int | None = None
    # incoming only
    ArrivalDate: date | None = None
    ArrivalNumber: int | None = None
    ToPlaces: str | None = None
    TraceHeaderList: str | None = None

    @property
    def main_file(self) -> DocumentFile | None:
        return next((f for f in self.files if f.role == "main"), None)

    @property
    def number_and_notation(self) -> str:
        """As printed after "Số:", e.g. ``04/2021/QĐ-UBND``."""
        return "/".join(p for p in (self.CodeNumber, self.CodeNotation) if p)


class Dossier(_Model):
    """Hồ sơ: the unit that is archived, retained, transferred and destroyed."""
    FileCode: DossierCode
    Title: str | None = None
    Maintenance: str | None = None
    Rights: str | None = None
    Creator: str | None = None
    Language: str | None = None
    StartDate: date | None = None
    EndDate: date | None = None
    DocTotal: int | None = None         # auto
    PageTotal: int | None = None        # auto
    Description: str | None = None
    Documents: list[Document] = Field(default_factory=list)

    @property
    def code(self) -> str:
        """Dossier code (mã hồ sơ), e.g. ``000.00.00.H41.2021.01.VP``."""
        fc = self.FileCode
        return ".".join(str(p) for p in (fc.OrganId, fc.FileCatalog, fc.FileNotation))

    def document_code(self, doc: Document) -> str:
        return f"{self.code}.{doc.DocOrdinal:03d}"
