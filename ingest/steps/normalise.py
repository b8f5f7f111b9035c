"""Normalise: a PDF/A preservation copy of every document's main file.

Originals are never touched. A signed PDF keeps its original as the authentic copy (its
signatures are validated and recorded); what cannot be converted is kept and reported.
"""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

from ingest import normalise as preservation
from ingest.job import IngestJob, event
from ingest.steps.identify import identification
from ingest.tools.cores import ingest_workers

DOCUMENT_THREADS_PER_CORE = 4


def run(job: IngestJob) -> None:
    out_root = job.workdir / "normalised"
    shutil.rmtree(out_root, ignore_errors=True)
    (job.workdir / "text").mkdir(parents=True, exist_ok=True)
    documents, events = {}, []
    docs = job.dossier().Documents

    def convert(doc):  # identified by the identify step, validated by validate_pdfa: neither done twice
        return preservation.normalise(job.submission_dir / doc.main_file.path, out_root / f"{doc.DocOrdinal:03d}",
                                      identification=identification(job, doc.main_file.path), validate=False)

    # More threads than cores: the converters share the core budget (ingest.tools.cores), and
    # office files waiting for a core are converted together in one LibreOffice run.
    with ThreadPoolExecutor(max(1, min(len(docs), DOCUMENT_THREADS_PER_CORE * ingest_workers()))) as pool:
        results = list(pool.map(convert, docs))
    for doc, result in zip(docs, results):
        main = doc.main_file
        text_path = job.workdir / "text" / f"{doc.DocOrdinal:03d}.txt"
        text_path.write_text(result.text or "", encoding="utf-8")
        documents[str(doc.DocOrdinal)] = {
            "source": main.path, "action": result.action, "reason": result.reason,
            "output": str(result.output.relative_to(job.workdir)) if result.output else None,
            "tool": result.tool, "tool_version": result.tool_version, "page_count": result.page_count,
            "original_is_authentic": result.original_is_authentic,
            "signatures": [s.as_dict() for s in result.signatures]}
        if result.signatures:
            ok = all(s.intact and s.valid for s in result.signatures)
            events.append({**event("digital signature validation", tool="pyHanko", outcome="success" if ok
                                   else "failure", detail="; ".join(
                                       f"{s.signer}: intact={s.intact} valid={s.valid} trusted={s.trusted}"
                                       for s in result.signatures)), "file": main.path})
        if result.converted:
            events.append({**event("migration", tool=result.tool, tool_version=result.tool_version,
                                   detail=f"{main.path} → PDF/A ({result.page_count} trang)"), "copy": doc.DocOrdinal})
        else:
            events.append({**event("migration", outcome="warning", detail=result.reason), "file": main.path})
    job.save("normalise", {"documents": documents, "events": events})
