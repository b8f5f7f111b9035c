"""LibreOffice headless: office documents (DOC/DOCX/ODT/RTF, XLS/XLSX/ODS) to PDF/A."""
from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ToolFailed

from archive import process as _process
from . import cores
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


# The PDF export filter's options for each way of exporting, over SelectPdfVersion (the
# PDF/A part). "pdfa" makes an office original's copy as LibreOffice exports PDF/A by
# default; "pdfa-static" is the re-export when veraPDF fails that copy: form fields and
# comments become plain page content (no widget or annotation left to break the
# appearance rules), the 14 standard fonts are embedded too, and no ODF source is attached.
EXPORTS: dict[str, dict[str, bool | int | str]] = {
    "pdfa": {},
    "pdfa-static": {"ExportFormFields": False, "ExportNotes": False, "EmbedStandardFonts": True, "IsAddStream": False},
}
_TYPES = {bool: "boolean", int: "long", str: "string"}


def filter_options(level: str | None = None, export: str = "pdfa") -> str:
    """The export filter's options as JSON (LibreOffice >= 7.4): SelectPdfVersion 1/2/3 =
    PDF/A-1b/2b/3b, then ``EXPORTS[export]``."""
    options = {"SelectPdfVersion": int(pdfa_part(level)), **EXPORTS[export]}
    typed = {name: {"type": _TYPES[type(value)], "value": str(value).lower() if isinstance(value, bool) else str(value)}
             for name, value in options.items()}
    return json.dumps(typed, separators=(",", ":"))


def convert_command(
    source: Path | list[Path], outdir: Path, profile: Path, level: str | None = None, suffix: str | None = None,
    export: str = "pdfa",
) -> list[str]:
    """One soffice run converting ``source`` (a file, or files needing the same export filter)."""
    sources = source if isinstance(source, list) else [source]
    return [
        PROGRAM, "--headless", "--norestore", "--nolockcheck", "--nodefault",
        # A private profile per call: parallel workers sharing one profile lock each other out.
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", f"pdf:{export_filter(suffix or sources[0].suffix)}:{filter_options(level, export)}",
        "--outdir", str(outdir),
        *map(str, sources),
    ]


@dataclass(eq=False)
class _Request:
    source: Path
    output: Path
    level: str | None
    suffix: str
    timeout: float | None
    export: str = "pdfa"
    taken: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_pending: list[_Request] = []
_pending_lock = threading.Lock()
# Starting soffice costs 1.3-2.2 s; converting one more file in a running one ~0.2 s.
MAX_BATCH = 25
# Documents of a dossier ask within milliseconds of each other: waiting this long lets them share a run.
GATHER_SECONDS = 0.2


def to_pdfa(
    source: Path, output: Path, *, level: str | None = None, timeout: float | None = None,
    suffix: str | None = None, export: str = "pdfa",
) -> Path:
    """Convert ``source`` to PDF/A at ``output`` (the process group is killed on timeout).

    ``suffix``: the identified format's extension when the file's own name misleads;
    ``export``: the export options (``EXPORTS``).
    Conversions asked for while no core is free are waiting here: whichever of them gets a
    core converts all those waiting with the same export filter in one soffice run.
    """
    request = _Request(Path(source), Path(output), level, (suffix or Path(source).suffix).lower(), timeout, export)
    request.output.unlink(missing_ok=True)    # "converted" is read from the output's presence
    with _pending_lock:
        _pending.append(request)
    with cores.budget().hold():
        time.sleep(GATHER_SECONDS)
        with _pending_lock:
            batch = _take_batch(request) if not request.taken else []
        if batch:
            _convert_batch(batch)
    request.done.wait()
    if request.error is not None:
        raise request.error
    return output


def _take_batch(first: _Request) -> list[_Request]:
    """``first`` and the requests waiting that share its filter, level and export, distinct file names."""
    batch, stems = [], set()
    for r in [first, *_pending]:
        if (r.taken or (r.level, r.export) != (first.level, first.export)
                or export_filter(r.suffix) != export_filter(first.suffix)
                or r.source.stem in stems or len(batch) == MAX_BATCH):
            continue
        r.taken = True
        stems.add(r.source.stem)
        batch.append(r)
    _pending[:] = [r for r in _pending if not r.taken]
    return batch


def _convert_batch(batch: list[_Request]) -> None:
    """One soffice run for the batch; a file it did not convert is tried again alone, for its own error."""
    try:
        if len(batch) > 1:
            try:
                _run(batch)
            except ToolFailed:        # a timeout too: each file then gets its own run below
                pass
        for r in batch:
            if not r.output.is_file():
                try:
                    _run([r])
                except ToolFailed as exc:
                    r.error = exc
    except BaseException as exc:  # noqa: BLE001 - e.g. soffice missing: every waiting caller gets it
        for r in batch:
            if r.error is None and not r.output.is_file():
                r.error = exc
    finally:
        for r in batch:
            r.done.set()


def _run(batch: list[_Request]) -> None:
    first = batch[0]
    with tempfile.TemporaryDirectory(prefix="lo-", dir=first.output.parent) as scratch:
        scratch_dir = Path(scratch)
        outdir = scratch_dir / "out"
        done = _process.run(
            convert_command([r.source for r in batch], outdir, scratch_dir / "profile", first.level, first.suffix,
                            first.export),
            tool=NAME, timeout=first.timeout,
        )
        for r in batch:
            produced = outdir / f"{r.source.stem}.pdf"
            if produced.is_file() and produced.stat().st_size > 0:
                shutil.move(produced, r.output)
        if len(batch) == 1 and not first.output.is_file():
            # soffice exits 0 when it cannot load the source; its message says why.
            reason = (done.stderr or done.stdout).strip()[-500:]
            raise ToolFailed(f"{NAME} could not convert {first.source.name}: {reason}", tool=NAME)
