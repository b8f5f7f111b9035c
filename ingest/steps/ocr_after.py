"""OCR after archiving (``LUUTRU_OCR_MODE=after``): the dossier was archived, verified and
indexed without waiting for its scans' OCR; now the scans are OCR'd and the package with
their searchable PDF/A copies becomes the dossier's next version, stored, verified, recorded
and indexed again. In ``inline`` mode (or with no scan) there is nothing to do.

The next version is made by the same steps as the first (validate_pdfa, checksum, package,
store, verify, index), run on a view of the job whose results live in ``ocr-version/``, so
the first version's results stay as they were. Each phase is recorded as done before the
next starts (and staged, where Celery workers run the steps): a run killed half-way
continues where it stopped, and the store accepts the objects an earlier attempt wrote only
if their bytes are the package's.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, PackageVersion
from ingest import staging
from ingest.job import IngestJob
from ingest.steps import checksum, index, package, store, validate_pdfa, verify
from ingest.steps.normalise import convert, copy_key, originals

RESULTS = "ocr-version"
# The next version's steps after its OCR'd copies are made, in order.
PHASES = {"validate_pdfa": validate_pdfa.run, "checksum": checksum.run, "package": package.run,
          "store": store.run, "verify": verify.run, "index": index.run}


class NextVersion(IngestJob):
    """The job, with its step results read and written in ``ocr-version/``."""
    def result_path(self, step: str) -> Path:
        return self.workdir / RESULTS / f"{step}.json"


def deferred(job: IngestJob) -> list[str]:
    """Copy keys of the scans the first version was archived without."""
    return [key for key, doc in job.result("normalise")["documents"].items() if doc.get("ocr_deferred")]


def run(job: IngestJob) -> None:
    keys = deferred(job)
    if not keys:
        job.save("ocr", {"deferred": []})
        return
    version = NextVersion(job.id, job.workdir)
    done = version.result("phases")["done"] if version.result_path("phases").exists() else []
    if "normalise" not in done:
        _inherit(job, version, keys)
        _ocr(job, version, keys)
        done = _phase_done(version, done, "normalise")
    for phase, step in PHASES.items():
        if phase not in done:
            if phase == "store":    # nothing written to the write-once store for a superseded version
                _refuse_if_superseded(job, version.result("validate")["amendment"]["version"])
            step(version)
            done = _phase_done(version, done, phase)
    job.save("ocr", {"deferred": keys, "package_id": version.result("package")["package_id"],
                     "version": version.result("validate")["amendment"]["version"] + 1})


def _phase_done(version: NextVersion, done: list[str], phase: str) -> list[str]:
    done = [*done, phase]
    version.save("phases", {"done": done})
    if staging.enabled():   # a worker killed in a later phase resumes from this one on any host
        staging.open_staging().push(version.id, version.workdir)
    return done


def _inherit(job: IngestJob, version: NextVersion, keys: list[str]) -> None:
    """What the next version shares with the first: the request, the submission as received,
    validated and identified, and the verdicts on the copies it already has."""
    for step in ("job", "receive", "identify"):
        version.save(step, job.result(step))
    with session_scope() as session:
        number = session.execute(select(PackageVersion.version).where(
            PackageVersion.package_id == job.result("package")["package_id"])).scalar_one()
    _refuse_if_superseded(job, number)
    # verify.py: a preservation version of ``number``, refused if another version came meanwhile
    version.save("validate", {**job.result("validate"),
                              "amendment": {"kind": "ocr", "version": number, "changes": {"ocr_copies": keys}}})
    checked = job.result("validate_pdfa")
    version.save("validate_pdfa", {"attempts": checked["attempts"], "events": checked["events"]})


def _refuse_if_superseded(job: IngestJob, number: int) -> None:
    """Before the OCR and before storing; verify.py checks again under the dossier's lock."""
    with session_scope() as session:
        current = session.execute(select(DossierRecord.current_version).where(
            DossierRecord.code == job.dossier().code)).scalar_one()
    if current != number:
        raise verify.superseded(job.dossier().code, number)


def _ocr(job: IngestJob, version: NextVersion, keys: list[str]) -> None:
    first = job.result("normalise")
    items = [item for item in originals(job) if copy_key(item[0].DocOrdinal, item[1], item[2].role == "main") in keys]
    documents, events = convert(job, items, ocr=True)
    version.save("normalise", {"documents": {**first["documents"], **documents}, "events": first["events"] + events})
