"""Ghostscript: rewrite a PDF as PDF/A (level 1b, 2b or 3b) with an sRGB output intent."""
from __future__ import annotations

import base64
import contextlib
from functools import lru_cache
from pathlib import Path

import pikepdf

from archive.errors import MissingDependency, ToolFailed
from archive.settings import get_settings

from archive import process as _process
from . import cores

PROGRAM = "gs"
NAME = "Ghostscript"

# Debian's icc-profiles-free ships the standard sRGB profile; Ghostscript's own copy is
# the fallback so the conversion works wherever Ghostscript does.
SRGB_PROFILES = (
    Path("/usr/share/color/icc/sRGB.icc"),
    Path("/usr/share/color/icc/ghostscript/srgb.icc"),
)

# PDF/A-1 is based on PDF 1.4; parts 2 and 3 on PDF 1.7.
_COMPATIBILITY = {"1": "1.4", "2": "1.7", "3": "1.7"}


def version() -> str:
    return _process.version(PROGRAM, "--version")


def pdfa_part(level: str | None = None) -> str:
    """'2b' -> '2'. Only level B is produced: Ghostscript cannot tag structure (level A)."""
    level = (level or get_settings().pdfa_level).lower()
    if level not in {"1b", "2b", "3b"}:
        raise ValueError(f"unsupported PDF/A level {level!r}; use 1b, 2b or 3b")
    return level[0]


def srgb_profile() -> Path:
    for candidate in SRGB_PROFILES:
        if candidate.is_file():
            return candidate
    raise MissingDependency("no sRGB ICC profile found (install icc-profiles-free)", program="icc-profiles-free")


def write_pdfa_definition(target: Path, icc_profile: Path | None = None) -> Path:
    """Write the PDFA_def.ps prologue: an sRGB ICC stream and the GTS_PDFA1 output intent.

    The profile goes in as ASCII85 inside the PostScript, so Ghostscript needs no extra
    file-read permission under -dSAFER and the file does not depend on the working folder.
    """
    target.write_text(_pdfa_definition(icc_profile or srgb_profile()), encoding="ascii")
    return target


@lru_cache(maxsize=4)
def _pdfa_definition(icc_profile: Path) -> str:
    """The prologue's text, made once per profile (ASCII85 in pure Python: ~1 ms a file)."""
    icc_a85 = base64.a85encode(icc_profile.read_bytes(), adobe=True, wrapcol=76).decode("ascii")
    return (
        "%!\n"
        f"/LuuTruICC {icc_a85} def\n"
        "[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark\n"
        "[{icc_PDFA} << /N 3 >> /PUT pdfmark\n"
        "[{icc_PDFA} LuuTruICC /PUT pdfmark\n"
        "[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark\n"
        "[{OutputIntent_PDFA} <<\n"
        "  /Type /OutputIntent /S /GTS_PDFA1\n"
        "  /DestOutputProfile {icc_PDFA}\n"
        "  /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1)\n"
        "  /RegistryName (http://www.color.org)\n"
        ">> /PUT pdfmark\n"
        "[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark\n"
    )


def pdfa_command(
    source: Path, output: Path, definition: Path, level: str | None = None, *, legacy_interpreter: bool = False,
) -> list[str]:
    """The exact command line used for conversion (also what the benchmark runs).

    ``legacy_interpreter``: Ghostscript 10.00's new PDF interpreter drops the ToUnicode map
    of some subset TrueType fonts (e.g. ReportLab's), losing Vietnamese text; the legacy
    interpreter keeps it. It is chosen up front for producers known to lose text
    (``loses_text_with_new_interpreter``), and retried when text did not survive otherwise.
    """
    part = pdfa_part(level)
    return [
        PROGRAM, "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dQUIET",
        "-sDEVICE=pdfwrite",
        f"-dPDFA={part}",
        # 1 = drop what PDF/A forbids and carry on; the validator judges the result.
        "-dPDFACompatibilityPolicy=1",
        f"-dCompatibilityLevel={_COMPATIBILITY[part]}",
        "-sColorConversionStrategy=RGB",
        "-dAutoRotatePages=/None",
        # Choose substitutes from Ghostscript's own fonts so output does not depend on
        # what happens to be installed on the worker.
        "-dNONATIVEFONTMAP",
        *(["-dNEWPDF=false"] if legacy_interpreter else []),
        f"-sOutputFile={output}",
        str(definition),
        str(source),
    ]


def has_legacy_interpreter() -> bool:
    """The legacy PDF interpreter exists from 9.56 up to (not including) 10.03."""
    major, minor = (int(x) for x in version().split(".")[:2])
    return (major, minor) < (10, 3)


# Producers whose subset TrueType fonts the new interpreter (10.00-10.02) rewrites without
# their ToUnicode map (found by bench/ingest_bench.py's corpus): LibreOffice's survive, ReportLab's do not.
PRODUCERS_LOSING_TEXT = ("ReportLab",)


def loses_text_with_new_interpreter(source: Path) -> bool:
    """Whether to convert ``source`` with the legacy interpreter from the start."""
    if not has_legacy_interpreter():
        return False
    try:
        with pikepdf.open(source) as pdf:
            producer = str(pdf.docinfo.get("/Producer", ""))
    except (pikepdf.PdfError, ValueError):
        return False
    return any(name in producer for name in PRODUCERS_LOSING_TEXT)


def to_pdfa(
    source: Path, output: Path, *, level: str | None = None, timeout: float | None = None,
    legacy_interpreter: bool = False, budgeted: bool = True,
) -> Path:
    """Convert ``source`` to PDF/A at ``output``; ToolFailed if Ghostscript produced nothing.
    ``budgeted``: wait for a core of the process's budget first (``False`` for work that a
    holder of cores may be waiting on, such as veraPDF's warm-up)."""
    definition = write_pdfa_definition(output.with_name(output.name + ".PDFA_def.ps"))
    command = pdfa_command(source, output, definition, level, legacy_interpreter=legacy_interpreter)
    try:
        with cores.budget().hold() if budgeted else contextlib.nullcontext():
            _process.run(command, tool=NAME, timeout=timeout)
    finally:
        definition.unlink(missing_ok=True)
    if not output.is_file() or output.stat().st_size == 0:
        raise ToolFailed(f"{NAME} produced no output for {source.name}", tool=NAME)
    return output
