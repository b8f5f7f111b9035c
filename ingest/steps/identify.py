"""Identify: the PRONOM format (PUID, MIME type) of every file, flagging content that
contradicts its extension."""
from __future__ import annotations

from dataclasses import asdict

from ingest import identify as fido
from ingest.job import IngestJob, event


def run(job: IngestJob) -> None:
    dossier = job.dossier()
    files, events = {}, []
    for doc in dossier.Documents:
        for f in doc.files:
            ident = fido.identify(job.submission_dir / f.path)
            files[f.path] = asdict(ident)
            detail = f"{f.path}: {ident.puid or 'unknown'} {ident.mime_type or ''}".strip()
            if ident.extension_mismatch:
                detail += " (nội dung không khớp phần mở rộng / content contradicts extension)"
            events.append({**event("format identification", tool=ident.tool.split(" ")[0],
                                   tool_version=ident.tool.split(" ")[-1], detail=detail,
                                   outcome="warning" if ident.extension_mismatch or not ident.identified
                                   else "success"), "file": f.path})
    job.save("identify", {"files": files, "events": events})


def identification(job: IngestJob, path: str) -> fido.FormatIdentification:
    """What this step found for one submitted file."""
    found = dict(job.result("identify")["files"][path])
    found["expected_extensions"] = tuple(found["expected_extensions"])
    return fido.FormatIdentification(**found)
