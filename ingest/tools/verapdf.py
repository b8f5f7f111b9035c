"""veraPDF: the reference PDF/A validator, used when ``Settings.verapdf_path`` is set."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from archive.errors import ToolFailed
from archive.settings import get_settings

from . import _process

NAME = "veraPDF"


def _program() -> str:
    path = get_settings().verapdf_path
    if not path:
        raise ToolFailed("veraPDF is not configured (LUUTRU_VERAPDF_PATH)", tool=NAME)
    return path


def version() -> str:
    return _process.version(_program(), "--version")


def validate_command(path: Path, flavour: str) -> list[str]:
    return [_program(), "--format", "mrr", "--flavour", flavour, str(path)]


def validate(path: Path, level: str | None = None, *, timeout: float | None = None):
    """Run veraPDF on ``path`` and return its parsed report (ingest.pdfa_check.PdfaValidation)."""
    flavour = (level or get_settings().pdfa_level).lower()
    # veraPDF exits 1 for a non-compliant file: that is a result, not a tool failure.
    done = _process.run(validate_command(path, flavour), tool=NAME, timeout=timeout, ok_returncodes=(0, 1))
    return parse_report(done.stdout.encode(), flavour=flavour, validator_version=version())


def parse_report(xml: bytes, *, flavour: str, validator_version: str | None = None):
    """Parse a veraPDF machine-readable report (MRR, ``--format mrr``/``xml``) of one job."""
    from ingest.pdfa_check import FailedRule, PdfaValidation  # result types live with the fallback

    try:
        root = etree.fromstring(xml.strip(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ToolFailed(f"unreadable veraPDF report: {exc}", tool=NAME) from exc
    report = root.find(".//validationReport")
    if report is None:
        # veraPDF reports parse failures and encrypted files without a validationReport.
        problem = root.findtext(".//taskException/exceptionMessage") or "no validationReport in the veraPDF output"
        raise ToolFailed(problem, tool=NAME)
    rules = [
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
    core = root.find("buildInformation/releaseDetails[@id='core']")
    return PdfaValidation(
        validator=NAME,
        validator_version=validator_version or (core.get("version") if core is not None else ""),
        flavour=flavour,
        compliant=report.get("isCompliant") == "true",
        failed_rules=rules,
        note=report.get("profileName", ""),
    )
