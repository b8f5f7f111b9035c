"""Checksum: SHA-256 of every original and every preservation copy, streamed."""
from __future__ import annotations

from archive.checksums import sha256_file
from ingest.job import IngestJob, event
from ingest.steps.validate_pdfa import copies as pdfa_copies


def run(job: IngestJob) -> None:
    originals = {f.path: sha256_file(job.submission_dir / f.path)
                 for doc in job.dossier().Documents for f in doc.files}
    copies = {ordinal: sha256_file(job.workdir / copy["output"]) for ordinal, copy in pdfa_copies(job).items()}
    job.save("checksum", {
        "originals": {p: {"sha256": h, "size": n} for p, (h, n) in originals.items()},
        "copies": {o: {"sha256": h, "size": n} for o, (h, n) in copies.items()},
        "events": [event("message digest calculation", tool="hashlib", tool_version="SHA-256",
                         detail=f"{len(originals)} bản gốc, {len(copies)} bản PDF/A")]})
