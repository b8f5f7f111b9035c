"""Normalise: a PDF/A preservation copy of every original of every document (the main file
and each attachment), or the recorded reason why not.

Originals are never touched. A signed PDF keeps its original as the authentic copy (its
signatures are validated and recorded); what cannot be converted is kept and reported.
Copies are keyed by document: "4" is document 4's main file, "4.2" its second original.
"""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

from archive.settings import get_settings
from ingest import normalise as preservation
from ingest.job import IngestJob, event
from ingest.steps.identify import identification
from ingest.tools.cores import ingest_workers

DOCUMENT_THREADS_PER_CORE = 4


def copy_key(ordinal: int, index: int, main: bool) -> str:
    return str(ordinal) if main else f"{ordinal}.{index}"


def originals(job: IngestJob) -> list[tuple]:
    """(document, index, file) of every original; main file first: its text opens the document's text."""
    return [(doc, index, f) for doc in job.dossier().Documents
            for index, f in sorted(enumerate(doc.files, 1), key=lambda item: item[1].role != "main")]


def run(job: IngestJob) -> None:
    items = originals(job)
    # veraPDF's JVMs are closed after an idle spell: those the validate_pdfa step will use warm up
    # while the converters run (none started when they are running already)
    preservation.start_pdfa_validator(lambda: bool(items))
    shutil.rmtree(job.workdir / "normalised", ignore_errors=True)
    documents, events = convert(job, items, ocr=get_settings().ocr_mode == "inline")
    job.save("normalise", {"documents": documents, "events": events})


def convert(job: IngestJob, items: list[tuple], *, ocr: bool = True) -> tuple[dict[str, dict], list[dict]]:
    """Convert ``items`` (of ``originals``): their records by copy key, their events; each
    one's text is written for the index (``ocr=False``: scans are left for ingest/steps/ocr_after.py)."""
    out_root, parts = job.workdir / "normalised", job.workdir / "text" / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    documents, events = {}, []

    def one(item):  # identified by the identify step, validated by validate_pdfa: neither done twice
        doc, index, f = item
        folder = f"{doc.DocOrdinal:03d}" if f.role == "main" else f"{doc.DocOrdinal:03d}-{index:02d}"
        return preservation.normalise(job.submission_dir / f.path, out_root / folder,
                                      identification=identification(job, f.path), validate=False, ocr=ocr)

    # More threads than cores: the converters share the core budget (ingest.tools.cores), and
    # office files waiting for a core are converted together in one LibreOffice run.
    with ThreadPoolExecutor(max(1, min(len(items), DOCUMENT_THREADS_PER_CORE * ingest_workers()))) as pool:
        results = list(pool.map(one, items))
    for (doc, index, f), result in zip(items, results):
        key = copy_key(doc.DocOrdinal, index, f.role == "main")
        (parts / f"{key}.txt").write_text(result.text or "", encoding="utf-8")
        documents[key] = {
            "source": f.path, "role": f.role, "index": index, "action": result.action, "reason": result.reason,
            "output": str(result.output.relative_to(job.workdir)) if result.output else None,
            "tool": result.tool, "tool_version": result.tool_version, "page_count": result.page_count,
            "original_is_authentic": result.original_is_authentic, "ocr_deferred": result.ocr_deferred,
            "signatures": [s.as_dict() for s in result.signatures]}
        if result.signatures:
            ok = all(s.intact and s.valid for s in result.signatures)
            events.append({**event("digital signature validation", tool="pyHanko", outcome="success" if ok
                                   else "failure", detail="; ".join(
                                       f"{s.signer}: intact={s.intact} valid={s.valid} trusted={s.trusted}"
                                       for s in result.signatures)), "file": f.path})
        if result.converted:
            events.append({**event("migration", tool=result.tool, tool_version=result.tool_version,
                                   detail=f"{f.path} → PDF/A ({result.page_count} trang)"), "copy": key})
        elif not result.ocr_deferred:   # a deferred scan's migration event comes with its copy
            events.append({**event("migration", outcome="warning", detail=result.reason), "file": f.path})
    _join_texts(job)
    return documents, events


def _join_texts(job: IngestJob) -> None:
    """The document's text for the index: its main file, then its attachments."""
    parts = job.workdir / "text" / "parts"
    texts: dict[int, list[str]] = {}
    for doc, index, f in originals(job):
        part = parts / f"{copy_key(doc.DocOrdinal, index, f.role == 'main')}.txt"
        texts.setdefault(doc.DocOrdinal, []).append(part.read_text(encoding="utf-8") if part.exists() else "")
    for ordinal, found in texts.items():
        (job.workdir / "text" / f"{ordinal:03d}.txt").write_text("\n\n".join(p for p in found if p), encoding="utf-8")
