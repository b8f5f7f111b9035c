"""Drafting Appendix VI metadata from the documents themselves (``luutru draft``).

``layout`` reads each file into positioned lines (PDF text layer, DOCX/ODT, OCR of scans),
``regions`` finds where Decree 30 prints each part, ``fields`` has one rule per field, and
``draft_manifest`` puts the proposals into a manifest the archivist completes (title,
retention, rights, creator, file notation cannot be read off documents).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archive.settings import load_codelists
from ingest.draft.fields import RULES, Proposal
from ingest.draft.layout import Layout, read_layout
from ingest.draft.regions import find_regions
from schemas.codelists import CodeLists

# A legacy-encoded text was converted by table: right almost always, but not vouched for.
LEGACY_CAP = 0.85


@dataclass
class DocumentDraft:
    path: Path
    fields: dict[str, Proposal]
    legacy_encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    def value(self, name: str) -> Any:
        return self.fields[name].value if name in self.fields else None

    def as_dict(self) -> dict:
        out: dict[str, Any] = {}
        for name, proposal in self.fields.items():
            if name.startswith("SignerInfo."):
                continue
            out[name] = proposal.as_dict()
        parts = {k.split(".")[1]: p for k, p in self.fields.items() if k.startswith("SignerInfo.")}
        if parts:
            out["SignerInfo"] = {
                "value": {k: p.value for k, p in parts.items()},
                "confidence": round(min(p.confidence for p in parts.values()), 2),
                "parts": {k: p.as_dict() for k, p in parts.items()},
            }
        result = {"file": self.path.name, "fields": out}
        if self.legacy_encoding:
            result["legacy_encoding"] = self.legacy_encoding
        if self.notes:
            result["notes"] = self.notes
        return result


def propose(layout: Layout, lists: CodeLists | None = None) -> dict[str, Proposal]:
    lists = lists or load_codelists()
    regions = find_regions(layout)
    proposals = {name: rule(regions, lists) for name, rule in RULES.items()}
    if layout.legacy_encoding:
        proposals = {k: Proposal(p.value, min(p.confidence, LEGACY_CAP), p.where) for k, p in proposals.items()}
    return proposals


def draft_document(path: Path, lists: CodeLists | None = None, *, languages: str | None = None) -> DocumentDraft:
    layout = read_layout(path, languages=languages)
    draft = DocumentDraft(path, propose(layout, lists), layout.legacy_encoding)
    if layout.legacy_encoding:
        draft.notes.append(f"text typed in {layout.legacy_encoding}, converted to Unicode")
    if layout.pages is None:
        draft.notes.append("page count left to the archive (office file, counted when rendered)")
    return draft


def _file_path(path: Path, base: Path | None) -> str:
    """The document's path as the manifest names it: relative to the manifest when inside its
    folder, otherwise ``files/NAME`` (the archivist puts the file there)."""
    if base is not None:
        relative = os.path.relpath(path.resolve(), base.resolve())
        if not relative.startswith(".."):
            return Path(relative).as_posix()
    return f"files/{path.name}"


def _document_record(draft: DocumentDraft, base: Path | None, direction: str) -> dict:
    record: dict[str, Any] = {"direction": direction, "file": _file_path(draft.path, base)}
    for name in ("TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject", "Language",
                 "PageAmount"):
        value = draft.value(name)
        if value is not None:
            record[name] = value
    if direction != "internal" and draft.value("SignerInfo.FullName"):
        record["SignerInfo"] = {"Position": draft.value("SignerInfo.Position"),
                                "FullName": draft.value("SignerInfo.FullName")}
    return record


def draft_manifest(drafts: list[DocumentDraft], base: Path | None = None) -> dict:
    """A manifest in date order, dossier dates from the documents. The agency that issued most of
    the documents is taken as the dossier's own: its documents are outgoing, the others incoming."""
    ordered = sorted(drafts, key=lambda d: (d.value("IssuedDate") or date.max, d.path.name))
    organs = [d.value("OrganName") for d in ordered if d.value("OrganName")]
    own = max(organs, key=organs.count) if organs else None      # ties: the earliest document's
    documents = []
    for ordinal, draft in enumerate(ordered, 1):
        direction = "outgoing" if draft.value("OrganName") in (own, None) else "incoming"
        documents.append({"DocOrdinal": ordinal, **_document_record(draft, base, direction)})
    dates = [d.value("IssuedDate") for d in drafts if d.value("IssuedDate")]
    return {
        "FileCode": {"FileNotation": ""}, "Title": "", "Maintenance": "", "Rights": "", "Creator": "",
        "Language": "vie", "StartDate": min(dates) if dates else None, "EndDate": max(dates) if dates else None,
        "Documents": documents,
    }


def draft_documents(paths: list[Path], lists: CodeLists | None = None, *, languages: str | None = None,
                    progress=None) -> list[DocumentDraft]:
    lists = lists or load_codelists()
    out = []
    for index, path in enumerate(paths, 1):
        out.append(draft_document(path, lists, languages=languages))
        if progress:
            progress(index, len(paths), path)
    return out
