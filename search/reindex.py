"""Rebuild the index from dossiers and their texts (the catalog and stored packages are
the source of truth: the index can always be thrown away and rebuilt)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from archive.catalog.models import DossierStatus
from schemas.models import Dossier
from search.base import SearchIndex
from search.records import Record, records_for_dossier

# (dossier, texts by DocOrdinal) or (dossier, texts, catalog status)
IndexSource = tuple[Dossier, dict[int, str]] | tuple[Dossier, dict[int, str], str]
BATCH_RECORDS = 5_000


@dataclass
class ReindexReport:
    dossiers: int = 0
    records: int = 0
    removed: int = 0      # dossiers taken out because they are no longer searchable (e.g. destroyed)


def reindex(index: SearchIndex, dossiers: Iterable[IndexSource], *, full: bool = False) -> ReindexReport:
    """Index every given dossier, replacing what the index held for it.

    ``full=True`` (``luutru reindex --all``) rebuilds the whole index from the sources:
    whatever they no longer list, destroyed dossiers included, is gone afterwards, and
    searches see the previous index until the new one is complete.
    """
    report = ReindexReport()

    def records() -> Iterator[Record]:
        for source in dossiers:
            dossier, texts, status = (*source, DossierStatus.ARCHIVED) if len(source) == 2 else source
            if not full:
                index.delete_dossier(dossier.code)   # a new version may have fewer documents
            if status not in DossierStatus.in_custody():   # only what the archive holds is found
                report.removed += 1
                continue
            report.dossiers += 1
            yield from records_for_dossier(dossier, texts, status=status)

    if full:
        report.records = index.rebuild(records())
        return report
    pending = records()
    while batch := list(islice(pending, BATCH_RECORDS)):
        report.records += index.index(batch)
    return report
