"""The fields Appendix VI marks "auto": computed by the archive, never trusted from the manifest.

OrganId comes from the agency's configuration, FileCatalog from the year of EndDate,
DocTotal from the documents, PageAmount from the main file's real page count, PageTotal
from their sum, DocOrdinal from date order. ``compute`` gives the values; the validator
compares given ones with them and ``autofill`` writes them into the dossier.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.models import Dossier


@dataclass(frozen=True)
class Computed:
    organ_id: str
    organ_known: bool                       # the submitting agency is known: a given OrganId must agree
    file_catalog: int | None
    doc_total: int
    page_amounts: tuple[int | None, ...]    # per document; None = unknown until conversion
    ordinals: tuple[int, ...]               # per document, by IssuedDate (stable)

    @property
    def page_total(self) -> int | None:
        return None if None in self.page_amounts else sum(self.page_amounts)


def compute(dossier: Dossier, organ_id: str, page_counts: list[int | None] | None = None,
            check_organ: bool = False) -> Computed:
    """``page_counts``: the main file's pages per document, or None when there are no files
    (metadata only): then the given PageAmount values are the best knowledge there is."""
    docs = dossier.Documents
    amounts = tuple(page_counts) if page_counts is not None else tuple(d.PageAmount for d in docs)
    by_date = sorted(range(len(docs)), key=lambda i: docs[i].IssuedDate or date.max)
    ordinals = [0] * len(docs)
    for ordinal, i in enumerate(by_date, 1):
        ordinals[i] = ordinal
    return Computed(organ_id=organ_id, organ_known=check_organ,
                    file_catalog=dossier.EndDate.year if dossier.EndDate else None,
                    doc_total=len(docs), page_amounts=amounts, ordinals=tuple(ordinals))


def autofill(dossier: Dossier, computed: Computed) -> Dossier:
    """A copy of ``dossier`` with every auto-field that was left out filled in."""
    code = dossier.FileCode.model_copy(update={
        "OrganId": dossier.FileCode.OrganId or computed.organ_id,
        "FileCatalog": dossier.FileCode.FileCatalog or computed.file_catalog})
    documents = [d.model_copy(update={"DocOrdinal": d.DocOrdinal or computed.ordinals[i],
                                      "PageAmount": computed.page_amounts[i] if computed.page_amounts[i] is not None
                                      else d.PageAmount})
                 for i, d in enumerate(dossier.Documents)]
    return dossier.model_copy(update={
        "FileCode": code, "Documents": documents,
        "DocTotal": computed.doc_total,
        "PageTotal": computed.page_total if computed.page_total is not None else dossier.PageTotal})
