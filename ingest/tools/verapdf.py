"""veraPDF: the reference PDF/A validator (``Settings.verapdf_path``; scripts/verapdf/install.sh).

A Java start-up costs seconds, so files are validated in batches: ``validate_many`` passes
every file of a dossier to one veraPDF run and reads the one multi-job report it writes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from archive.errors import ToolFailed
from archive.settings import get_settings

from archive import process as _process

NAME = "veraPDF"
# veraPDF's exit statuses that still come with a report: 0 all compliant, 1 some not,
# 7 some file could not be parsed, 8 some file is encrypted (CliConstants.ExitCodes).
_REPORT_STATUSES = (0, 1, 7, 8)
# Paths per run, in characters: well inside Linux's 128 KiB limit for one argument list.
_MAX_ARGS_CHARS = 100_000


def _program() -> str:
    path = get_settings().verapdf_path
    if not path:
        raise ToolFailed("veraPDF is not configured (LUUTRU_VERAPDF_PATH)", tool=NAME)
    return path


def version() -> str:
    return _process.version(_program(), "--version")


def validate_command(paths: Iterable[Path], flavour: str) -> list[str]:
    return [_program(), "--format", "xml", "--flavour", flavour, *(str(p) for p in paths)]


def validate(path: Path, level: str | None = None, *, timeout: float | None = None):
    """Run veraPDF on ``path`` and return its parsed report (ingest.pdfa_check.PdfaValidation)."""
    return validate_many([path], level, timeout=timeout)[Path(path)]


def validate_many(paths: Iterable[Path], level: str | None = None, *, timeout: float | None = None) -> dict:
    """Validate every file of ``paths`` in one veraPDF run: {path as given: PdfaValidation}."""
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    flavour = (level or get_settings().pdfa_level).lower()
    results = {}
    for chunk in _chunks(paths):
        absolute = {str(p.absolute()): p for p in chunk}
        # A non-compliant or unreadable file is a result, not a tool failure: see _REPORT_STATUSES.
        done = _process.run(validate_command(absolute, flavour), tool=NAME, timeout=timeout,
                            ok_returncodes=_REPORT_STATUSES)
        root = _parse_xml(done.stdout.encode())
        for job in root.iterfind("jobs/job"):
            given = absolute.get(job.findtext("item/name") or "")
            if given is not None:
                results[given] = _job_result(root, job, flavour)
        missing = [p.name for p in chunk if p not in results]
        if missing:
            raise ToolFailed(f"veraPDF reported nothing for {', '.join(missing)}: {done.stderr.strip()[-500:]}",
                             tool=NAME)
    return results


def _chunks(paths: list[Path]) -> Iterator[list[Path]]:
    """As few runs as the command-line length limit allows (veraPDF reads no file list)."""
    chunk, size = [], 0
    for path in paths:
        length = len(str(path.absolute())) + 1
        if chunk and size + length > _MAX_ARGS_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(path)
        size += length
    if chunk:
        yield chunk


def parse_report(xml: bytes, *, flavour: str, validator_version: str | None = None):
    """Parse a veraPDF machine-readable report (MRR, ``--format xml``) of one job."""
    root = _parse_xml(xml)
    job = root.find("jobs/job")
    if job is None or job.find("validationReport") is None:
        # veraPDF reports parse failures and encrypted files without a validationReport.
        problem = root.findtext(".//taskException/exceptionMessage") or "no validationReport in the veraPDF output"
        raise ToolFailed(problem, tool=NAME)
    result = _job_result(root, job, flavour)
    if validator_version:
        result.validator_version = validator_version
    return result


def _parse_xml(xml: bytes):
    try:
        return etree.fromstring(xml.strip(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ToolFailed(f"unreadable veraPDF report: {exc}", tool=NAME) from exc


def _job_result(root, job, flavour: str):
    from ingest.pdfa_check import FailedRule, PdfaValidation  # result types live with the fallback

    core = root.find("buildInformation/releaseDetails[@id='core']")
    result = PdfaValidation(validator=NAME, validator_version=core.get("version", "") if core is not None else "",
                            flavour=flavour, compliant=False)
    report = job.find("validationReport")
    if report is None:
        # Not parsed or encrypted: nothing was judged, so the file is not compliant and
        # the check is incomplete.
        problem = job.findtext("taskException/exceptionMessage") or "veraPDF did not validate the file"
        result.unchecked, result.note = [problem], problem
        return result
    result.failed_rules = [
        FailedRule(
            specification=rule.get("specification", ""),
            clause=rule.get("clause", ""),
            test_number=int(rule.get("testNumber", "0")),
            description=" ".join((rule.findtext("description") or "").split()),
            failed_checks=int(rule.get("failedChecks", "0")),
            contexts=[check.findtext("context") or "" for check in rule.iterfind("check[@status='failed']")],
        )
        for rule in report.iterfind("details/rule[@status='failed']")
    ]
    result.compliant = report.get("isCompliant") == "true"
    result.note = report.get("profileName", "")
    if report.get("jobEndStatus", "normal") != "normal":  # e.g. cancelled at the time limit
        result.compliant, result.unchecked = False, [f"veraPDF job ended: {report.get('jobEndStatus')}"]
    return result
