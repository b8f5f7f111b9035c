"""Validate PDF/A: every preservation copy of the dossier in one veraPDF run when veraPDF
is configured, otherwise with the pikepdf fallback checker (whose report says it is not
veraPDF)."""
from __future__ import annotations

from ingest.job import IngestJob, event
from ingest.normalise import validate_pdfa_many


def run(job: IngestJob) -> None:
    copies, events = {}, []
    outputs = {ordinal: job.workdir / doc["output"]
               for ordinal, doc in job.result("normalise")["documents"].items() if doc["output"]}
    verdicts = validate_pdfa_many(list(outputs.values()))
    for ordinal, output in outputs.items():
        v = verdicts[output]
        failed = [r.rule_id for r in v.failed_rules]
        copies[ordinal] = {"validator": v.validator, "validator_version": v.validator_version,
                           "flavour": v.flavour, "compliant": v.compliant, "failed_rules": failed,
                           "note": v.note}
        events.append({**event("validation", tool=v.validator, tool_version=v.validator_version,
                                outcome="success" if v.compliant else "failure",
                                detail=f"PDF/A-{v.flavour}: " + ("hợp lệ" if v.compliant else ", ".join(failed))
                                + (f" — {v.note}" if v.note else "")), "copy": int(ordinal)})
    job.save("validate_pdfa", {"copies": copies, "events": events})
