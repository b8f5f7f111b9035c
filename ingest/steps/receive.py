"""Receive: copy the submission (folder or ZIP) into the job, unpacked through the safe reader."""
from __future__ import annotations

import shutil
from pathlib import Path

from archive import audit
from archive.checksums import sha256_file
from ingest.job import IngestJob, event, now
from ingest.submission import open_submission


def run(job: IngestJob) -> None:
    request = job.result("job")
    source = Path(request["source"])    # as the submitter named it, on the host that took it
    # Staged (ingest.staging): the bytes are in the job's folder, wherever the job was created.
    here = job.workdir / request["input"] if request.get("input") else source
    partial = job.submission_dir.with_name("submission.partial")
    shutil.rmtree(partial, ignore_errors=True)
    with open_submission(here, work_dir=job.workdir) as submission:  # refuses hostile ZIPs and paths
        shutil.copytree(submission.root, partial, symlinks=False)
        origin = submission.origin
    shutil.rmtree(job.submission_dir, ignore_errors=True)
    partial.rename(job.submission_dir)
    received = {"source": str(source), "received_at": now().isoformat(),
                "source_sha256": sha256_file(here)[0] if here.is_file() else None}
    job.save("receive", {**received, "origin": origin,
                         "events": [event("ingestion start", detail=f"received {source.name}"), *_origin_events(origin)]})
    audit.record("submit", actor=request.get("actor", "system"), agency=request.get("organ_id"),
                 object=str(source), detail={"job": job.id})


def _origin_events(origin: dict) -> list[dict]:
    """The package it came in, kept in the AIP's PREMIS: a bag's bag-info fields, an E-ARK SIP's check."""
    out = []
    if "bagit" in origin:
        bag = origin["bagit"]
        fields = "; ".join(f"{k}: {v}" for k, v in sorted(bag["info"].items()))
        out.append(event("validation", tool="bagit", detail=f"BagIt {bag['version']} bag valid "
                                                            f"({', '.join(bag['algorithms'])}); bag-info: {fields}"))
    if "eark" in origin:
        out.append(event("validation", tool="eark-validator",
                         detail=f"E-ARK SIP conformant; Appendix VI manifest {origin['eark']['manifest']}"))
    return out
