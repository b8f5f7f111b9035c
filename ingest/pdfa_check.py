"""PDF/A validation results, and the fallback checker used when veraPDF is not configured.

The fallback is **not veraPDF**. It runs pikepdf's allowlist PDF/A validator
(``pikepdf.pdfa``: it approves a file only when every construct it meets is known to
conform) plus a few LuuTru checks for what pikepdf leaves "unsupported" but an archive
must refuse (JavaScript/Launch actions, non-embedded fonts, encryption, LZW). Its result
names the validator ``luutru-pdfa-fallback`` and lists only the clauses whose checks
agree with the veraPDF test corpus on every file (tests/ingest/test_pdfa_check.py,
bench/pdfa_agreement.py); findings in other clauses are still reported as failures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pikepdf
import pikepdf.pdfa

from archive.settings import get_settings

VALIDATOR = "luutru-pdfa-fallback"
NOT_VERAPDF = "Kiểm tra thay thế (không phải veraPDF): chỉ các điều khoản liệt kê được kiểm tra."
SPECIFICATION = {"1": "ISO 19005-1:2005", "2": "ISO 19005-2:2011", "3": "ISO 19005-3:2012"}

# ISO 19005-2 clauses where this checker agrees with the veraPDF corpus on every file of
# the clause's folder (pass and fail). Keep in step with bench/pdfa_agreement.py.
# Font embedding is checked (6.2.11.4.1 test 1) but the clause is not claimed: its test 2
# (every glyph used is in the embedded program) is beyond this checker.
CLAUSES_CHECKED: tuple[str, ...] = (
    "6.1.6", "6.1.10",
    "6.2.6", "6.2.9.1", "6.2.9.2", "6.2.9.3",
    "6.2.11.3.1", "6.2.11.3.2", "6.2.11.3.3", "6.2.11.6",
    "6.3.1", "6.5.1", "6.5.2",
    "6.6.2.1", "6.6.4", "6.6.6",
)

# ISO 19005-2 6.5.1: action types a conforming file shall not contain.
FORBIDDEN_ACTIONS = frozenset({
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState",
    "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript",
})
_RULE_ID = re.compile(r"ISO_19005_(\d):([\d.]+)-(\d+)")


@dataclass
class FailedRule:
    """One failed rule, in veraPDF's terms (specification, clause, test number)."""
    specification: str
    clause: str
    test_number: int
    description: str
    failed_checks: int = 1
    contexts: list[str] = field(default_factory=list)

    @property
    def rule_id(self) -> str:
        return f"{self.clause}-{self.test_number}"


@dataclass
class PdfaValidation:
    validator: str
    validator_version: str
    flavour: str
    compliant: bool  # no failed rule (for the fallback: none among what it can judge)
    failed_rules: list[FailedRule] = field(default_factory=list)
    clauses_checked: tuple[str, ...] | None = None  # None: the validator checks the whole profile
    unchecked: list[str] = field(default_factory=list)  # constructs the fallback could not judge

    @property
    def complete(self) -> bool:
        """True if nothing was left unjudged (always True for veraPDF)."""
        return not self.unchecked
    note: str = ""

    def fails_clause(self, clause: str) -> bool:
        """True if a failed rule lies in ``clause``, one of its subclauses or its parent clause."""
        return any(_related(rule.clause, clause) for rule in self.failed_rules)

    def as_dict(self) -> dict:
        return {
            "validator": self.validator, "validator_version": self.validator_version, "flavour": self.flavour,
            "compliant": self.compliant, "complete": self.complete, "clauses_checked": self.clauses_checked, "note": self.note,
            "unchecked": self.unchecked,
            "failed_rules": [{**rule.__dict__, "rule_id": rule.rule_id} for rule in self.failed_rules],
        }


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def check(path: Path, level: str | None = None) -> PdfaValidation:
    """Validate ``path`` against PDF/A ``level`` (default Settings.pdfa_level) without veraPDF."""
    flavour = (level or get_settings().pdfa_level).lower()
    part = flavour[0]
    report = pikepdf.pdfa.validate_written(path, flavour)
    rules: dict[tuple[str, int], FailedRule] = {}
    unchecked: list[str] = []

    def fail(clause: str, test: int, message: str, where: str) -> None:
        rule = rules.setdefault((clause, test), FailedRule(SPECIFICATION[part], clause, test, message, 0))
        rule.failed_checks += 1
        rule.contexts.append(where)

    for finding in report.findings:
        match = _RULE_ID.fullmatch(finding.rule)
        if finding.kind == "violation":
            clause, test = (match.group(2), int(match.group(3))) if match else ("pikepdf", 0)
            fail(clause, test, finding.message, finding.where)
        else:
            unchecked.append(str(finding))
    for clause, test, message, where in _archive_checks(path):
        fail(clause, test, message, where)
    return PdfaValidation(
        validator=VALIDATOR, validator_version=f"pikepdf {pikepdf.__version__}", flavour=flavour,
        # What pikepdf could not judge is listed in ``unchecked`` (see ``complete``), not guessed.
        compliant=not rules,
        failed_rules=list(rules.values()), clauses_checked=CLAUSES_CHECKED, unchecked=unchecked,
        note=NOT_VERAPDF,
    )


def _archive_checks(path: Path) -> Iterator[tuple[str, int, str, str]]:
    """What an archive must refuse even where pikepdf only says 'not supported'."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        yield "6.1.3", 2, "the file is encrypted", "trailer /Encrypt"
        return
    except pikepdf.PdfError as exc:
        yield "6.1.2", 1, f"not a readable PDF: {exc}", "file"
        return
    with pdf:
        if pdf.is_encrypted:
            yield "6.1.3", 2, "the file is encrypted", "trailer /Encrypt"
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            where = f"obj {obj.objgen[0]} {obj.objgen[1]}"
            action_type = obj.get("/S")
            if action_type in FORBIDDEN_ACTIONS and ("/Type" not in obj or obj.Type == "/Action"):
                yield "6.5.1", 1, f"{action_type} action is not permitted", where
            if "/AA" in obj and _may_not_have_additional_actions(obj):
                yield "6.5.2", 1, "additional actions (/AA) are not permitted", where
            if obj.get("/Type") == "/Font" and _font_not_embedded(obj):
                yield "6.2.11.4.1", 1, f"font {obj.get('/BaseFont')} is not embedded", where
            if isinstance(obj, pikepdf.Stream) and "/LZWDecode" in _filters(obj):
                yield "6.1.7.2", 1, "LZW compression is not permitted", where


def _may_not_have_additional_actions(obj: pikepdf.Dictionary) -> bool:
    # 6.5.2: the catalog, pages, form fields and widget annotations shall not carry /AA.
    return obj.get("/Type") in ("/Catalog", "/Page") or obj.get("/Subtype") == "/Widget" or "/FT" in obj


def _font_not_embedded(font: pikepdf.Dictionary) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return False
    if subtype == "/Type0":
        return False  # judged on its descendant CIDFont, itself a /Font object
    descriptor = font.get("/FontDescriptor")
    if not isinstance(descriptor, pikepdf.Dictionary):
        return True
    return not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _filters(stream: pikepdf.Stream) -> list:
    value = stream.get("/Filter")
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def iter_corpus(root: Path) -> Iterator[tuple[str, Path, bool]]:
    """(clause, file, must_fail) for every file of the veraPDF corpus folder ``root``.

    The clause is the number that starts the file's folder name; ``-fail-`` in the file
    name means a conforming validator must reject it (corpus README).
    """
    for path in sorted(root.rglob("*.pdf")):
        yield path.parent.name.split(" ")[0], path, "-fail-" in path.name
