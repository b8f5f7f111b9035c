"""Validate: the Appendix VI rules (schemas.validator); a dossier with errors is refused
with every problem listed, and nothing of it is stored; so is one of an agency that is not
registered (``unknown_agency``, audited). A dossier code already archived makes
the submission an amendment, judged by archive.versions: refused, identical (nothing more to
do), an update that goes through, or a change held until the agency head approves it."""
from __future__ import annotations

from sqlalchemy import select

from archive import audit
from archive.agencies import require_registered
from archive.catalog.amendments import AmendmentStage, PendingChange
from archive.catalog.locking import locked_session
from archive.catalog.models import DossierRecord, DossierStatus
from archive.catalog.packages import upsert_dossier
from archive.errors import AgencyNotRegistered, AmendmentPending, AmendmentRefused, InvalidDossier
from archive.versions import Resubmission, judge
from ingest.job import IngestJob, event
from ingest.submission import open_submission
from ingest.validation import validate


def run(job: IngestJob) -> None:
    request = job.result("job")
    organ_id = request.get("organ_id")
    with open_submission(job.submission_dir) as submission:
        report = validate(submission, organ_id=organ_id)
        result = {"report": report.to_dict(), "dossier": None}
        if not report.valid:
            job.save("validate", result)
            raise InvalidDossier(report)
        dossier = report.dossier
        with locked_session() as session:
            try:
                require_registered(session, dossier.FileCode.OrganId)     # ingest never adds an agency
                verdict = judge(session, dossier, lambda path: submission.sha256(path)[0], submitter_organ=organ_id)
            except (AgencyNotRegistered, AmendmentRefused) as exc:
                session.rollback()
                audit.record_refusal(exc, actor=request.get("actor", "system"), via="ingest",
                                     attempted=f"submit {dossier.code}")
                raise
            amendment = _gate(session, job, request, dossier.code, verdict)
            if verdict.kind == "new" and not _already_archived(session, dossier.code):
                upsert_dossier(session, dossier, status=DossierStatus.INGESTING)
    result["dossier"] = dossier.model_dump(mode="json", exclude_none=True)
    result["amendment"] = amendment
    result["events"] = [event("metadata validation", tool="luutru validator",
                              detail=f"{len(report.warnings)} warning(s)",
                              outcome="warning" if report.warnings else "success")]
    job.save("validate", result)


def _gate(session, job: IngestJob, request: dict, code: str, verdict: Resubmission) -> dict:
    """What the later steps need to know of the amendment; AmendmentPending (after recording
    the pending change) while the agency head has not approved a change."""
    facts = {"kind": verdict.kind, "version": verdict.version, "changes": verdict.changes}
    if verdict.kind != "change":
        return facts
    change = session.execute(select(PendingChange).where(PendingChange.job_id == job.id)).scalar_one_or_none()
    if change is None:
        record = session.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()
        change = PendingChange(dossier_code=code, organ_id=record.organ_id, job_id=job.id, stage=AmendmentStage.PENDING,
                               submitted_by=request.get("actor", "system"), changes=verdict.audit_detail())
        session.add(change)
        session.flush()
        audit.record("submit", actor=change.submitted_by, agency=change.organ_id, object=code, session=session,
                     outcome="pending", detail={"amendment": change.id, "job": job.id, **verdict.audit_detail()})
        session.commit()
    if change.stage == AmendmentStage.REJECTED:
        raise AmendmentRefused(f"amendment {change.id} of {code} was rejected by {change.decided_by}",
                               dossier=code, reason="rejected", amendment=change.id,
                               message_vi=f"Thay đổi hồ sơ {code} đã bị lãnh đạo cơ quan từ chối.")
    if change.stage != AmendmentStage.APPROVED:
        raise AmendmentPending(f"amendment {change.id} of {code} waits for the agency head's approval",
                               dossier=code, amendment=change.id)
    return {**facts, "amendment": change.id}


def _already_archived(session, code: str) -> bool:
    """A new version of an archived dossier (needing attention or not) leaves the archived one visible
    until it is verified."""
    status = session.execute(select(DossierRecord.status).where(DossierRecord.code == code)).scalar_one_or_none()
    return status in DossierStatus.in_custody()
