"""LibreOffice headless: office documents (DOC/DOCX/ODT/RTF, XLS/XLSX/ODS) to PDF/A."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from archive.errors import ToolFailed

from archive import process as _process
from .ghostscript import pdfa_part

PROGRAM = "soffice"
NAME = "LibreOffice"

# The PDF export filter belongs to the document's application module.
_FILTERS = {
    "writer_pdf_Export": {".doc", ".docx", ".odt", ".rtf", ".txt"},
    "calc_pdf_Export": {".xls", ".xlsx", ".ods"},
}
EXTENSIONS = frozenset().union(*_FILTERS.values())


def version() -> str:
    return _process.version(PROGRAM, "--version")


def export_filter(suffix: str) -> str:
    suffix = suffix.lower()
    for name, suffixes in _FILTERS.items():
        if suffix in suffixes:
            return name
    raise ValueError(f"LibreOffice conversion not configured for {suffix!r} files")


def convert_command(
    source: Path, outdir: Path, profile: Path, level: str | None = None, suffix: str | None = None,
) -> list[str]:
    # SelectPdfVersion 1/2/3 = PDF/A-1b/2b/3b (LibreOffice >= 7.4 reads JSON filter options).
    options = json.dumps({"SelectPdfVersion": {"type": "long", "value": pdfa_part(level)}}, separators=(",", ":"))
    return [
        PROGRAM, "--headless", "--norestore", "--nolockcheck", "--nodefault",
        # A private profile per call: parallel workers sharing one profile lock each other out.
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", f"pdf:{export_filter(suffix or source.suffix)}:{options}",
        "--outdir", str(outdir),
        str(source),
    ]


def to_pdfa(
    source: Path, output: Path, *, level: str | None = None, timeout: float | None = None,
    suffix: str | None = None,
) -> Path:
    """Convert ``source`` to PDF/A at ``output`` (the process group is killed on timeout).

    ``suffix``: the identified format's extension when the file's own name misleads.
    """
    with tempfile.TemporaryDirectory(prefix="lo-", dir=output.parent) as scratch:
        scratch_dir = Path(scratch)
        outdir = scratch_dir / "out"
        done = _process.run(
            convert_command(source, outdir, scratch_dir / "profile", level, suffix), tool=NAME, timeout=timeout,
        )
        produced = outdir / f"{source.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            # soffice exits 0 when it cannot load the source; its message says why.
            reason = (done.stderr or done.stdout).strip()[-500:]
            raise ToolFailed(f"{NAME} could not convert {source.name}: {reason}", tool=NAME)
        shutil.move(produced, output)
    return output
