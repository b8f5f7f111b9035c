"""PDF/A validation results, and the fallback checker used when veraPDF is not configured.

The fallback is **not veraPDF**. It runs pikepdf's allowlist PDF/A validator
(``pikepdf.pdfa``: it approves a file only when every construct it meets is known to
conform) plus LuuTru checks for what pikepdf leaves "unsupported" or cannot see because
qpdf repairs it while reading: file header, trailer /ID, data after %%EOF, xref and
stream framing, encryption, forbidden actions (JavaScript, Launch, …), additional
actions, form and permission dictionaries, external stream data and LZW. Fonts that are
not embedded count as failures. Its result names the validator ``luutru-pdfa-fallback``
and lists only the clauses whose checks agree with the veraPDF test corpus on every file
(tests/ingest/test_pdfa_check.py, bench/pdfa_agreement.py); findings in other clauses
are still reported as failures, and what pikepdf could not judge is listed as unchecked.
"""
from __future__ import annotations

import logging
import mmap
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pikepdf
import pikepdf.pdfa

from archive.settings import get_settings

# pikepdf.pdfa reads embedded fonts with fontTools, which logs a warning for every subset
# font whose 'head' dates are 0 (Ghostscript writes them so): noise, not a PDF/A finding.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

VALIDATOR = "luutru-pdfa-fallback"
NOT_VERAPDF = "Kiểm tra thay thế (không phải veraPDF): chỉ các điều khoản liệt kê được kiểm tra."
SPECIFICATION = {"1": "ISO 19005-1:2005", "2": "ISO 19005-2:2011", "3": "ISO 19005-3:2012"}

# ISO 19005-2 clauses where this checker agrees with the veraPDF corpus on every file of
# the clause's folder (pass and fail). Keep in step with bench/pdfa_agreement.py.
# Also checked but not claimed, because the corpus shows gaps: font embedding (6.2.11.4.1:
# multiple-master and glyph-coverage cases), additional actions (6.5.2: widget /AA is
# reported under 6.4.1), output intents and colour spaces (6.2.3, 6.2.4.x), LZW (6.1.7.2
# has no corpus folder).
CLAUSES_CHECKED: tuple[str, ...] = (
    "6.1.2", "6.1.3", "6.1.4", "6.1.6", "6.1.7.1", "6.1.10", "6.1.12",
    "6.2.6", "6.2.9.1", "6.2.9.2", "6.2.9.3",
    "6.2.11.3.1", "6.2.11.3.2", "6.2.11.3.3", "6.2.11.6",
    "6.3.1", "6.4.1", "6.4.2", "6.5.1",
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

    def fail(clause: str, test: int, message: str, where: str, specification: str = SPECIFICATION[part]) -> None:
        rule = rules.setdefault((clause, test), FailedRule(specification, clause, test, message, 0))
        rule.failed_checks += 1
        rule.contexts.append(where)

    for finding in report.findings:
        match = _RULE_ID.fullmatch(finding.rule)
        # pikepdf leaves a non-embedded font "unsupported" (it might be used only for
        # invisible text); an archive copy needs its fonts, so it counts as a failure here.
        if finding.kind == "violation" or (match and match.group(2) == "6.2.11.4.1"):
            if match:
                fail(match.group(2), int(match.group(3)), finding.message, finding.where)
            else:  # a pikepdf policy or schema rule (e.g. pikepdf:schema-OutputIntents)
                fail(finding.rule, 0, finding.message, finding.where, specification="pikepdf.pdfa")
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
    if path.stat().st_size == 0:
        yield "6.1.2", 1, "the file is empty", "file"
        return
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        # Mapped, not read: the byte-level rules scan the whole file, however large.
        yield from _file_structure(data)
        try:
            pdf = pikepdf.open(path)
        except pikepdf.PasswordError:
            yield "6.1.3", 2, "the file is encrypted", "trailer /Encrypt"
            return
        except pikepdf.PdfError as exc:
            yield "6.1.2", 1, f"not a readable PDF: {exc}", "file"
            return
        with pdf:
            yield from _document_level(pdf)
            yield from _stream_framing(pdf, data)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                yield from _object_level(obj, f"obj {obj.objgen[0]} {obj.objgen[1]}")


_HEADER = re.compile(rb"%PDF-1\.[0-7](\r\n|\r|\n)%([\x80-\xff]{4})")
_XREF = re.compile(rb"(?<![A-Za-z])xref")
_XREF_SUBSECTION = re.compile(rb"xref(\r\n|\r|\n)\d+ \d+")
_EOF_TAIL = re.compile(rb"%%EOF(\r\n|\r|\n)?\Z")


def _file_structure(data: mmap.mmap) -> Iterator[tuple[str, int, str, str]]:
    """Byte-level rules qpdf silently repairs, so they must be read from the file itself."""
    if not re.match(rb"%PDF-1\.[0-7](\r\n|\r|\n)", data):
        yield "6.1.2", 1, "the header is not %PDF-1.n at byte 0 followed by one EOL", "header"
    elif not _HEADER.match(data):
        yield "6.1.2", 2, "the header line is not followed by a binary comment of four bytes > 127", "header"
    if not _EOF_TAIL.search(data[-1024:]):  # slicing a map copies only the slice
        yield "6.1.3", 3, "data follows the last %%EOF marker", "end of file"
    for match in _XREF.finditer(data):
        if not _XREF_SUBSECTION.match(data, match.start()):
            yield "6.1.4", 2, "xref keyword not followed by one EOL and a subsection header", f"offset {match.start()}"


_OBJ_HEADER = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")
_STREAM_KEYWORD = re.compile(rb"(?<!end)stream(\r\n|\n|\r|\s)?")
_STREAM_END = re.compile(rb"(\r\n|\r|\n)endstream")


def _stream_framing(pdf: pikepdf.Pdf, data: mmap.mmap) -> Iterator[tuple[str, int, str, str]]:
    """6.1.7 tests 1-2: the Length of every stream and the EOLs around its data.

    qpdf reads through both problems, so object headers are located in the raw bytes and
    checked against the object qpdf parsed with that number (headers that do not name a
    stream object, e.g. text inside compressed data, are ignored).
    """
    for header in _OBJ_HEADER.finditer(data):
        number, generation = int(header.group(1)), int(header.group(2))
        try:
            obj = pdf.get_object((number, generation))
        except (ValueError, pikepdf.PdfError):
            continue
        if not isinstance(obj, pikepdf.Stream):
            continue
        end_obj = data.find(b"endobj", header.end())
        keyword = _STREAM_KEYWORD.search(data, header.end(), end_obj if end_obj != -1 else len(data))
        if keyword is None:
            continue
        where = f"obj {number} {generation}"
        if keyword.group(1) not in (b"\r\n", b"\n"):
            yield "6.1.7", 2, "the stream keyword is not followed by CRLF or LF", where
            continue
        length = obj.stream_dict.get("/Length")
        if not isinstance(length, int) or not _STREAM_END.match(data, keyword.end() + int(length)):
            yield "6.1.7", 1, "Length does not match the stream data, or endstream lacks its EOL", where


_PERMS_ALLOWED = {"/UR3", "/DocMDP"}
_NAMED_ALLOWED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}


def _document_level(pdf: pikepdf.Pdf) -> Iterator[tuple[str, int, str, str]]:
    if pdf.is_encrypted:
        yield "6.1.3", 2, "the file is encrypted", "trailer /Encrypt"
    file_id = pdf.trailer.get("/ID")
    if not isinstance(file_id, pikepdf.Array) or not all(len(bytes(part)) for part in file_id):
        yield "6.1.3", 1, "the trailer has no (or an empty) file identifier /ID", "trailer"
    root = pdf.Root
    perms = root.get("/Perms")
    if isinstance(perms, pikepdf.Dictionary):
        if set(perms.keys()) - _PERMS_ALLOWED:
            yield "6.1.12", 1, "the permissions dictionary has keys other than UR3 and DocMDP", "Catalog /Perms"
        doc_mdp = perms.get("/DocMDP")
        references = doc_mdp.get("/Reference", pikepdf.Array()) if isinstance(doc_mdp, pikepdf.Dictionary) else ()
        for reference in references:
            if any(key in reference for key in ("/DigestLocation", "/DigestMethod", "/DigestValue")):
                yield "6.1.12", 2, "a signature reference carries digest keys under DocMDP", "Perms /DocMDP"
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        if form.get("/NeedAppearances") is True:
            yield "6.4.1", 3, "NeedAppearances is true", "AcroForm"
        if "/XFA" in form:
            yield "6.4.2", 1, "the interactive form contains XFA", "AcroForm /XFA"
    if root.get("/NeedsRendering") is True:
        yield "6.4.2", 2, "the catalog asks for NeedsRendering", "Catalog"


def _object_level(obj, where: str) -> Iterator[tuple[str, int, str, str]]:
    kind, subtype, action_type = obj.get("/Type"), obj.get("/Subtype"), obj.get("/S")
    if action_type is not None and kind in (None, "/Action"):
        if action_type in FORBIDDEN_ACTIONS:
            yield "6.5.1", 1, f"{action_type} action is not permitted", where
        elif action_type == "/Named" and obj.get("/N") not in _NAMED_ALLOWED:
            yield "6.5.1", 2, f"named action {obj.get('/N')} is not permitted", where
    if "/AA" in obj and kind in ("/Catalog", "/Page"):
        yield "6.5.2", 1 if kind == "/Catalog" else 2, "additional actions (/AA) are not permitted", where
    if subtype == "/Widget" and ("/A" in obj or "/AA" in obj):
        yield "6.4.1", 1, "a widget annotation carries /A or /AA", where
    elif "/FT" in obj and "/AA" in obj:
        yield "6.4.1", 2, "a form field carries /AA", where
    if isinstance(obj, pikepdf.Stream):
        if any(key in obj for key in ("/F", "/FFilter", "/FDecodeParms")):
            yield "6.1.7", 3, "a stream refers to external data (/F, /FFilter or /FDecodeParms)", where
        if "/LZWDecode" in _filters(obj):
            yield "6.1.7", 4, "LZW compression is not permitted", where


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
