"""What the index holds: one record per document and one per dossier.

A record is flat on purpose (every backend stores it as one document): every Appendix VI
field of the document and of its dossier, the agency (OrganId), retention, rights, status,
and for a document the full text of its preservation copy (OCR text for scans). A dossier
record carries its own metadata and its documents' subjects and numbers, never their full
text: one huge index entry per dossier is what breaks large archives.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, field_validator

from archive.catalog.models import DossierStatus
from schemas.models import Document, Dossier
from archive.text import key, nfc

RecordKind = Literal["document", "dossier"]

# Texts a record is found by without reading its content (what an auditor may search).
METADATA_FIELDS = (
    "title", "dossier_title", "type_name", "number_notation", "organ_name", "signer",
    "recipients", "to_places", "trace_header_list", "description", "creator", "document_list",
    "dossier_code", "document_code",
)


class Record(BaseModel):
    id: str                              # document archival code, or dossier code
    kind: RecordKind
    dossier_code: str
    document_code: str | None = None
    organ_id: str                        # the agency (OrganId) whose records these are
    status: str = DossierStatus.ARCHIVED
    # dossier (hồ sơ)
    dossier_title: str | None = None
    file_catalog: int | None = None
    file_notation: str | None = None
    maintenance: str | None = None       # retention (thời hạn bảo quản)
    rights: str | None = None            # Công khai | Hạn chế
    creator: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    doc_total: int | None = None
    page_total: int | None = None
    # document (văn bản); for a dossier record ``title`` is the dossier title
    title: str | None = None
    direction: str | None = None
    doc_ordinal: int | None = None
    type_name: str | None = None
    code_number: str | None = None
    code_notation: str | None = None
    number_notation: str | None = None   # as printed after "Số:", e.g. 04/2021/QĐ-UBND
    issued_date: date | None = None
    organ_name: str | None = None
    language: str | None = None
    page_amount: int | None = None
    description: str | None = None
    signer: str | None = None
    priority: int | None = None
    due_date: date | None = None
    recipients: list[str] = []
    issued_amount: int | None = None
    arrival_date: date | None = None
    arrival_number: int | None = None
    to_places: str | None = None
    trace_header_list: str | None = None
    document_list: str | None = None     # dossier record: its documents' numbers and subjects
    text: str = ""                       # full text of the preservation copy

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value):
        """One Unicode form for every text, so facets, keys and every backend agree."""
        if isinstance(value, str):
            return nfc(value)
        if isinstance(value, list):
            return [nfc(v) if isinstance(v, str) else v for v in value]
        return value

    @property
    def sort_date(self) -> date | None:
        """The date a record is sorted and filtered by."""
        return self.issued_date or self.end_date or self.start_date

    @property
    def year(self) -> int | None:
        return self.sort_date.year if self.sort_date else self.file_catalog

    def metadata_text(self) -> str:
        parts: list[str] = []
        for name in METADATA_FIELDS:
            value = getattr(self, name)
            parts.extend(value if isinstance(value, list) else [value] if value else [])
        return "\n".join(str(p) for p in parts)

    def own_keys(self) -> list[str]:
        """Identifiers a lookup finds this very record by."""
        ids = [self.document_code, self.number_notation] if self.kind == "document" else [self.dossier_code]
        return [key(i) for i in ids if i]

    def dossier_keys(self) -> list[str]:
        """Identifiers a lookup finds this record by as part of its dossier."""
        return [key(self.dossier_code)]


def _signer(doc: Document) -> str | None:
    if not doc.SignerInfo:
        return None
    return " ".join(p for p in (doc.SignerInfo.Position, doc.SignerInfo.FullName) if p) or None


def _document_record(dossier: Dossier, doc: Document, text: str, common: dict) -> Record:
    return Record(
        id=dossier.document_code(doc), kind="document", document_code=dossier.document_code(doc),
        title=doc.Subject, direction=doc.direction, doc_ordinal=doc.DocOrdinal, type_name=doc.TypeName,
        code_number=doc.CodeNumber, code_notation=doc.CodeNotation,
        number_notation=doc.number_and_notation or None, issued_date=doc.IssuedDate,
        organ_name=doc.OrganName, language=doc.Language or dossier.Language, page_amount=doc.PageAmount,
        description=doc.Description, signer=_signer(doc), priority=doc.Priority, due_date=doc.DueDate,
        recipients=[r.OrganName or r.OrganId for r in doc.To if r.OrganName or r.OrganId],
        issued_amount=doc.IssuedAmount, arrival_date=doc.ArrivalDate, arrival_number=doc.ArrivalNumber,
        to_places=doc.ToPlaces, trace_header_list=doc.TraceHeaderList, text=text, **common,
    )


def records_for_dossier(dossier: Dossier, texts: dict[int, str], *, status: str = DossierStatus.ARCHIVED) -> list[Record]:
    """The dossier's record followed by one record per document.

    ``texts`` maps DocOrdinal to the full text of that document's preservation copy;
    a document without text is still indexed by its metadata.
    """
    code = dossier.code
    common = dict(
        dossier_code=code, organ_id=dossier.FileCode.OrganId or "", status=status,
        dossier_title=dossier.Title, file_catalog=dossier.FileCode.FileCatalog,
        file_notation=dossier.FileCode.FileNotation, maintenance=dossier.Maintenance, rights=dossier.Rights,
        creator=dossier.Creator, start_date=dossier.StartDate, end_date=dossier.EndDate,
        doc_total=dossier.DocTotal, page_total=dossier.PageTotal,
    )
    documents = [_document_record(dossier, d, texts.get(d.DocOrdinal, ""), common) for d in dossier.Documents]
    listing = "\n".join(" ".join(p for p in (d.number_notation, d.title) if p) for d in documents)
    head = Record(id=code, kind="dossier", title=dossier.Title, language=dossier.Language,
                  description=dossier.Description, document_list=listing or None, **common)
    return [head, *documents]
