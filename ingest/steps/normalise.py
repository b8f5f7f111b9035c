"""Normalise: a PDF/A preservation copy of every original of every document (the main file
and each attachment), or the recorded reason why not.

Originals are never touched. A signed PDF keeps its original as the authentic copy (its
signatures are validated and recorded); what cannot be converted is kept and reported.
Copies are keyed by document: "4" is document 4's main file, "4.2" its second original.
"""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

from ingest import normalise as preservation
from ingest.job import IngestJob, event
from ingest.steps.identify import identification
from ingest.tools.cores import ingest_workers

DOCUMENT_THREADS_PER_CORE = 4


def copy_key(ordinal: int, index: int, main: bool) -> str:
    return str(ordinal) if main else f"{ordinal}.{index}"


def run(job: IngestJob) -> None:
    out_root = job.workdir / "normalised"
    shutil.rmtree(out_root, ignore_errors=True)
    (job.workdir / "text").mkdir(parents=True, exist_ok=True)
    documents, events = {}, []
    # Main file first: its text opens the document's text for the index.
    originals = [(doc, index, f) for doc in job.dossier().Documents
                 for index, f in sorted(enumerate(doc.files, 1), key=lambda item: item[1].role != "main")]

    def convert(item):  # identified by the identify step, validated by validate_pdfa: neither done twice
        doc, index, f = item
        folder = f"{doc.DocOrdinal:03d}" if f.role == "main" else f"{doc.DocOrdinal:03d}-{index:02d}"
        return preservation.normalise(job.submission_dir / f.path, out_root / folder,
                                      identification=identification(job, f.path), validate=False)

    # More threads than cores: the converters share the core budget (ingest.tools.cores), and
    # office files waiting for a core are converted together in one LibreOffice run.
    with ThreadPoolExecutor(max(1, min(len(originals), DOCUMENT_THREADS_PER_CORE * ingest_workers()))) as pool:
        results = list(pool.map(convert, originals))
    texts: dict[int, list[str]] = {}
    for (doc, index, f), result in zip(originals, results):
        key = copy_key(doc.DocOrdinal, index, f.role == "main")
        texts.setdefault(doc.DocOrdinal, []).append(result.text or "")
        documents[key] = {
            "source": f.path, "role": f.role, "index": index, "action": result.action, "reason": result.reason,
            "output": str(result.output.relative_to(job.workdir)) if result.output else None,
            "tool": result.tool, "tool_version": result.tool_version, "page_count": result.page_count,
            "original_is_authentic": result.original_is_authentic,
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
        else:
            events.append({**event("migration", outcome="warning", detail=result.reason), "file": f.path})
    for ordinal, parts in texts.items():
        # The document's text for the index: its main file, then its attachments.
        (job.workdir / "text" / f"{ordinal:03d}.txt").write_text("\n\n".join(p for p in parts if p), encoding="utf-8")
    job.save("normalise", {"documents": documents, "events": events})
