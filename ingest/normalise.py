"""Preservation action "Normalise to PDF/A" (chuẩn hoá sang PDF/A) for one file.

``normalise(path, workdir)`` identifies the file and picks the action by its format:

- PDF                → Ghostscript PDF/A (an image-only scan → OCR instead, so it is searchable)
- signed PDF         → signatures validated, original kept as the authentic copy,
                       Ghostscript rendition added next to it
- DOC/DOCX/ODT/RTF/XLS/XLSX/ODS → LibreOffice PDF/A (re-exported if veraPDF fails it: reconvert)
- JPEG/PNG/TIFF      → OCR (Vietnamese) to searchable PDF/A
- encrypted PDF      → archive.errors.EncryptedPdf; unreadable PDF → BrokenFile
- anything else      → kept as the original only; the result says why

The original is never modified. Every result records the tool and version, the output,
its page count, its text (for the search index) and its PDF/A validation.
"""
from __future__ import annotations

import logging
import threading
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pikepdf

from archive.errors import BrokenFile, EncryptedPdf
from archive.settings import get_settings
from ingest import pdfa_check, signatures
from ingest.identify import FormatIdentification, identify
from ingest.pdfa_check import PdfaValidation
from archive import poppler
from ingest.tools import ghostscript, libreoffice, ocr, pdfium, verapdf

log = logging.getLogger(__name__)

OFFICE_MIME = {
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
IMAGE_MIME = {"image/jpeg", "image/png", "image/tiff"}
# Share of the source's letters the copy may lose before the copy counts as damaged.
TEXT_LOSS_TOLERANCE = 0.01
# Pages compared between a PDF and its Ghostscript copy (read by PDFium, ~3 ms a page).
# Text loss comes from how a font is rewritten, so it shows on the first pages that use
# the font; reading every page back would cost a quarter of the conversion.
TEXT_CHECK_PAGES = 2


@dataclass
class NormalisationResult:
    source: Path
    identification: FormatIdentification
    action: str  # "pdfa" | "pdfa_rendition" (signed original kept) | "kept_original"
    output: Path | None = None
    tool: str | None = None
    tool_version: str | None = None
    page_count: int | None = None
    text: str = ""
    validation: PdfaValidation | None = None
    signatures: list[signatures.SignatureReport] = field(default_factory=list)
    original_is_authentic: bool = False  # signed: the original, not the copy, is the record
    reason: str | None = None  # why the file was kept as it is, or what to look at
    ocr_deferred: bool = False  # a scan left without a copy for now: OCR runs after archiving

    @property
    def converted(self) -> bool:
        return self.output is not None


def normalise(
    path: Path, workdir: Path, *, identification: FormatIdentification | None = None, validate: bool = True,
    ocr: bool = True,
) -> NormalisationResult:
    """Make the PDF/A preservation copy of ``path`` in ``workdir`` (the original is untouched).

    A pipeline that already identified the file passes ``identification``; with
    ``validate=False`` ``result.validation`` stays empty, for a pipeline that runs PDF/A
    validation as its own step (``validate_pdfa``). With ``ocr=False`` a scan gets no copy
    yet, only ``ocr_deferred`` (LUUTRU_OCR_MODE=after: ingest/steps/ocr_after.py makes it).
    """
    path, workdir = Path(path), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ident = identification or identify(path)
    mime = ident.mime_type
    output = workdir / f"{path.stem}.pdfa.pdf"
    if mime == "application/pdf":
        result = _pdf(path, output, ident, ocr)
    elif mime in OFFICE_MIME:
        libreoffice.to_pdfa(path, output, suffix=OFFICE_MIME[mime])
        result = _finish(NormalisationResult(path, ident, "pdfa"), output, libreoffice.NAME, libreoffice.version())
    elif mime in IMAGE_MIME:
        result = _ocr(NormalisationResult(path, ident, "pdfa"), output) if ocr else \
            _deferred(NormalisationResult(path, ident, "pdfa"))
    else:
        return _kept(path, ident)
    if validate and result.output:
        result.validation = validate_pdfa(result.output)
    return result


def _kept(path: Path, ident: FormatIdentification) -> NormalisationResult:
    why = "không xác định được định dạng" if not ident.identified else f"định dạng {ident.format_name} ({ident.puid})"
    return NormalisationResult(
        path, ident, "kept_original",
        reason=f"{why}: không chuyển đổi được sang PDF/A, lưu giữ bản gốc",
    )


def _pdf(path: Path, output: Path, ident: FormatIdentification, ocr: bool = True) -> NormalisationResult:
    has_text = _inspect_pdf(path)
    result = NormalisationResult(path, ident, "pdfa")
    if signatures.is_signed(path):
        # Rewriting would break the signature: the original stays the authentic record.
        result.action, result.original_is_authentic = "pdfa_rendition", True
        result.signatures = signatures.validate(path)
    if not has_text:  # a scan: OCR it so that it becomes searchable
        return _ocr(result, output) if ocr else _deferred(result)
    # The original's text, for the index (pdftotext: reading order) and for the check (the
    # same extractor as the copy's), is read while Ghostscript runs.
    legacy = ghostscript.loses_text_with_new_interpreter(path)  # known producers: no second run
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(lambda: (poppler.text(path), pdfium.text(path, last_page=TEXT_CHECK_PAGES)))
        ghostscript.to_pdfa(path, output, legacy_interpreter=legacy)
        source_text, sample = reading.result()
    survived = text_survives(sample, pdfium.text(output, last_page=TEXT_CHECK_PAGES))
    if not survived and not legacy and ghostscript.has_legacy_interpreter():
        ghostscript.to_pdfa(path, output, legacy_interpreter=True)
        survived = text_survives(sample, pdfium.text(output, last_page=TEXT_CHECK_PAGES))
    if not survived:
        result.reason = "bản PDF/A mất một phần văn bản của bản gốc; cần kiểm tra"
    # The index gets the original's text: the check above shows the copy carries the same.
    return _finish(result, output, ghostscript.NAME, ghostscript.version(), source_text)


def _ocr(result: NormalisationResult, output: Path) -> NormalisationResult:
    _, text = ocr.to_searchable_pdfa(result.source, output)
    return _finish(result, output, ocr.NAME, ocr.version(), text)


def _deferred(result: NormalisationResult) -> NormalisationResult:
    result.ocr_deferred = True
    result.reason = "bản quét: nhận dạng chữ (OCR) chạy sau khi lưu trữ; bản PDF/A có chữ là phiên bản sau"
    return result


def _finish(
    result: NormalisationResult, output: Path, tool: str, version: str, text: str | None = None,
) -> NormalisationResult:
    result.output, result.tool, result.tool_version = output, tool, version
    with pikepdf.open(output) as pdf:
        result.page_count = len(pdf.pages)
    result.text = text if text is not None else poppler.text(output)
    return result


# What to try, in order, when a copy fails PDF/A validation (the first conversion is
# normalise()'s). "libreoffice" re-exports an office original (libreoffice.EXPORTS
# "pdfa-static"); the others work from the original when it is a PDF with text, otherwise
# from the first copy (LibreOffice's or OCRmyPDF's output, whose text it keeps).
RETRY_STRATEGIES = ("libreoffice", "ghostscript", "ocrmypdf")


def retry_strategies(mime: str | None) -> tuple[str, ...]:
    """The strategies worth trying for a source of ``mime``: LibreOffice only for office
    originals; a PDF already went through Ghostscript, so another Ghostscript run needs the
    other interpreter."""
    skip = set() if mime in OFFICE_MIME else {"libreoffice"}
    if mime == "application/pdf" and not ghostscript.has_legacy_interpreter():
        skip.add("ghostscript")
    return tuple(s for s in RETRY_STRATEGIES if s not in skip)


def reconvert(source: Path, first_copy: Path, output: Path, strategy: str, *, mime: str | None) -> NormalisationResult:
    """Convert again with ``strategy`` into ``output`` (a new file; earlier copies stay as they are)."""
    base = source if mime == "application/pdf" else first_copy
    result = NormalisationResult(source, None, "pdfa")  # type: ignore[arg-type]  # identified already
    if strategy == "libreoffice":
        libreoffice.to_pdfa(source, output, suffix=OFFICE_MIME[mime], export="pdfa-static")
        return _finish(result, output, libreoffice.NAME, libreoffice.version(), text="")
    if strategy == "ghostscript":
        # For a PDF original: the interpreter the first run did not use.
        legacy = mime == "application/pdf" and not ghostscript.loses_text_with_new_interpreter(source)
        ghostscript.to_pdfa(base, output, legacy_interpreter=legacy)
        return _finish(result, output, ghostscript.NAME, ghostscript.version(), text="")
    if strategy == "ocrmypdf":
        ocr.to_searchable_pdfa(base, output, skip_text=True)
        return _finish(result, output, ocr.NAME, ocr.version(), text="")
    raise ValueError(f"unknown strategy {strategy!r}")


def validate_pdfa(path: Path) -> PdfaValidation:
    """veraPDF when configured (Settings.verapdf_path), otherwise the fallback checker."""
    return validate_pdfa_many([path])[Path(path)]


def validate_pdfa_many(paths: list[Path]) -> dict[Path, PdfaValidation]:
    """Validate several copies: veraPDF in one run (one JVM), or the fallback file by file."""
    if get_settings().verapdf_path:
        return verapdf.validate_many(paths)
    return {Path(p): pdfa_check.check(p) for p in paths}


def start_pdfa_validator(needed: Callable[[], bool] = lambda: True) -> threading.Thread:
    """In a background thread: start veraPDF's JVMs ahead of need (ingest.tools.verapdf.prestart)
    when veraPDF is configured and ``needed()`` (e.g. a look for documents to convert) says so,
    so that the first dossier's check finds them warm. Never fails: a veraPDF that cannot start
    is reported by the check that needs it."""
    def start() -> None:
        try:
            if get_settings().verapdf_path and needed():
                verapdf.prestart()
        except Exception as exc:  # noqa: BLE001 - see above
            log.warning("veraPDF could not be started ahead of need: %s", exc)
    thread = threading.Thread(target=start, name="verapdf-prestart", daemon=True)
    thread.start()
    return thread


def _inspect_pdf(path: Path) -> bool:
    """Refuse encrypted or unreadable PDFs; return whether any page carries text."""
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise EncryptedPdf(f"{path.name} is encrypted", file=path.name)
            if len(pdf.pages) == 0:
                raise BrokenFile(f"{path.name} has no pages", file=path.name)
            return any(_page_has_text(page) for page in pdf.pages)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdf(f"{path.name} is encrypted and needs a password", file=path.name) from exc
    except pikepdf.PdfError as exc:
        raise BrokenFile(f"{path.name} is not a readable PDF: {exc}", file=path.name) from exc


def _page_has_text(page: pikepdf.Page) -> bool:
    return _draws_text(page.obj, depth=3)


def _draws_text(holder: pikepdf.Object, depth: int) -> bool:
    """Fonts in the resources (or in those of its form XObjects) mean text; a scan has only images."""
    resources = holder.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return False
    if resources.get("/Font"):
        return True
    xobjects = resources.get("/XObject")
    if depth == 0 or not isinstance(xobjects, pikepdf.Dictionary):
        return False
    return any(
        xobject.get("/Subtype") == "/Form" and _draws_text(xobject, depth - 1)
        for xobject in xobjects.values() if isinstance(xobject, pikepdf.Stream)
    )


def _letters(text: str) -> Counter:
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if ch.isalnum())


def text_survives(source: str, copy: str) -> bool:
    """True if the copy keeps the source's letters, diacritics included (NFC compared)."""
    wanted = _letters(source)
    missing = sum((wanted - _letters(copy)).values())
    return missing <= TEXT_LOSS_TOLERANCE * max(1, sum(wanted.values()))
