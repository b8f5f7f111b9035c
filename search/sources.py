"""Where a reindex reads from: the catalog for which dossiers exist and their state, the
stored package for each dossier's metadata and the text of its preservation copies.

The text is read back from the PDF/A copies (their text layer, OCR text for scans), so the
index can be rebuilt from storage alone, as the packages are self-describing.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalog.models import DossierRecord, DossierStatus
from archive.errors import NotFound
from archive.package.layout import ORIGINAL_REP, PRESERVATION_REP
from archive.package.read import PackageDescription, read_package
from archive.storage import ObjectStore
from archive import poppler
from schemas.models import Dossier
from search.reindex import IndexSource

PDF = "application/pdf"


def package_texts(package: PackageDescription, prefix: str, store: ObjectStore) -> dict[int, str]:
    """Text of each document as ingest indexed it, by DocOrdinal: its preservation copies
    (its original PDFs when it has none, e.g. a signed one), main file first, then its
    attachments, in package order."""
    chosen: dict[int, list[str]] = {}
    for rep in (ORIGINAL_REP, PRESERVATION_REP):    # the preservation copies win where both exist
        found: dict[int, list[str]] = {}
        for f in package.files:
            if f.representation == rep and f.ordinal and f.mime == PDF:
                found.setdefault(f.ordinal, []).append(f.path)
        chosen.update(found)
    texts: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="luutru-reindex-") as tmp:
        for ordinal, paths in chosen.items():
            parts = [poppler.text(store.get_to_file(f"{prefix}/{rel}", Path(tmp) / f"{ordinal:03d}-{i}.pdf"))
                     for i, rel in enumerate(paths)]
            texts[ordinal] = "\n\n".join(p for p in parts if p)
    return texts


def catalog_sources(session: Session, store: ObjectStore, dossier_code: str | None = None) -> Iterator[IndexSource]:
    """(dossier, texts, status) for every catalogued dossier, or the one named."""
    query = select(DossierRecord).order_by(DossierRecord.code)
    if dossier_code:
        query = query.where(DossierRecord.code == dossier_code)
    found = False
    for record in session.scalars(query):
        found = True
        version = next((v for v in record.versions if v.version == record.current_version), None)
        if record.status not in DossierStatus.in_custody() or version is None:
            yield Dossier.model_validate(record.metadata_json), {}, record.status
            continue
        package = read_package(version.object_prefix, store)
        yield package.dossier, package_texts(package, version.object_prefix, store), record.status
    if dossier_code and not found:
        raise NotFound(f"no dossier {dossier_code} in the catalog", message_vi=f"Không có hồ sơ {dossier_code}.")
