"""The veraPDF MRR parser, on reports veraPDF really produced (tests/ingest/recorded/README.md),
and the real veraPDF configured by default."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.errors import ToolFailed
from ingest.tools.verapdf import parse_report

RECORDED = Path(__file__).parent / "recorded"
REPO_ROOT = Path(__file__).resolve().parents[2]
# The version scripts/verapdf/pom.xml pins.
VERAPDF_VERSION = re.search(r"<verapdf.version>([^<]+)<", (REPO_ROOT / "scripts/verapdf/pom.xml").read_text()).group(1)


def _parse(name: str):
    return parse_report((RECORDED / name).read_bytes(), flavour="1b")


def test_compliant_report_has_no_failed_rules():
    result = _parse("verapdf-docs-pdfa1b-compliant.xml")
    assert result.compliant and result.failed_rules == []
    assert result.validator == "veraPDF" and result.note == "PDF/A-1B validation profile"


def test_non_compliant_report_lists_every_failed_rule_with_clause_and_test_number():
    result = _parse("verapdf-1.28.2-pdfa1b-noncompliant.xml")
    assert not result.compliant and result.validator_version == "1.28.2"
    assert [rule.rule_id for rule in result.failed_rules] == [
        "6.3.4-1", "6.7.2-1", "6.1.3-1", "6.1.2-1", "6.1.8-1", "6.1.7-1", "6.2.3.3-3",
    ]
    spacing = result.failed_rules[4]
    assert spacing.specification == "ISO 19005-1:2005"
    assert spacing.failed_checks == 5 and len(spacing.contexts) == 5
    assert spacing.description.startswith("The object number and generation number shall be separated")
    assert result.fails_clause("6.1.2") and not result.fails_clause("6.5")


def test_launch_action_report_names_the_action_rule():
    [rule] = _parse("verapdf-docs-pdfa1b-launch-action.xml").failed_rules
    assert (rule.clause, rule.test_number, rule.failed_checks) == ("6.6.1", 1, 1)
    assert rule.contexts == ["root/document[0]/OpenAction[0](5 0 obj PDAction)"]
    assert "Launch" in rule.description and "\n" not in rule.description


def test_output_that_is_not_a_report_is_a_tool_failure():
    with pytest.raises(ToolFailed):
        parse_report(b"Exception in thread main java.lang.OutOfMemoryError", flavour="2b")
    with pytest.raises(ToolFailed):
        parse_report(b"<report><jobs><job/></jobs></report>", flavour="2b")


def test_configured_verapdf_is_used_and_its_non_compliance_is_a_result(verapdf, text_pdf):
    """A ReportLab PDF is no PDF/A: the real veraPDF says so, rule by rule."""
    from ingest.normalise import validate_pdfa

    result = validate_pdfa(text_pdf)
    assert result.validator == "veraPDF" and result.validator_version == VERAPDF_VERSION
    assert not result.compliant and result.complete
    assert "6.6.2.1-1" in {rule.rule_id for rule in result.failed_rules}  # no XMP metadata
    assert result.clauses_checked is None  # veraPDF checks the whole profile
