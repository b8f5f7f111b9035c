"""Validate: the Appendix VI rules (ingest.validation); a dossier with errors is refused
with every problem listed, and nothing of it is stored."""
from __future__ import annotations

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord
from archive.catalog.packages import upsert_dossier
from archive.errors import InvalidDossier
from ingest.job import IngestJob, event
from ingest.submission import open_submission
from ingest.validation import validate


def run(job: IngestJob) -> None:
    organ_id = job.result("job").get("organ_id")
    with open_submission(job.submission_dir) as submission:
        report = validate(submission, organ_id=organ_id)
    result = {"report": report.to_dict(), "dossier": None}
    if not report.valid:
        job.save("validate", result)
        raise InvalidDossier(report)
    dossier = report.dossier
    result["dossier"] = dossier.model_dump(mode="json", exclude_none=True)
    result["events"] = [event("metadata validation", tool="luutru validator",
                              detail=f"{len(report.warnings)} warning(s)",
                              outcome="warning" if report.warnings else "success")]
    job.save("validate", result)
    with session_scope() as session:
        if not _already_archived(session, dossier.code):
            upsert_dossier(session, dossier, status="ingesting")


def _already_archived(session, code: str) -> bool:
    """A new version of an archived dossier leaves the archived one visible until it is verified."""
    status = session.execute(select(DossierRecord.status).where(DossierRecord.code == code)).scalar_one_or_none()
    return status == "archived"
