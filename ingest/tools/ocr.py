"""OCR of images and scans with OCRmyPDF + Tesseract: searchable PDF/A with a text sidecar.

OCRmyPDF runs as its own process (``python -m ocrmypdf``) so a stuck Tesseract is killed
with its whole process group at the timeout, like every other tool.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from archive.errors import BrokenFile
from archive.settings import get_settings

from archive import process as _process
from . import cores
from .ghostscript import pdfa_part

NAME = "OCRmyPDF"
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff"})
# Scans often carry no resolution; 300 dpi is what scanning guidelines ask for.
DEFAULT_DPI = 300
_OCRMYPDF = (sys.executable, "-m", "ocrmypdf")


def version() -> str:
    """'OCRmyPDF x.y.z, Tesseract a.b.c': both decide what the text layer contains."""
    return f"{_process.version(*_OCRMYPDF, '--version')}, Tesseract {_process.version('tesseract', '--version')}"


def images_to_pdf(image: Path, output: Path) -> Path:
    """Wrap an image (every frame of a multi-page TIFF) into a PDF without re-encoding it.

    img2pdf keeps JPEG and lossless data as they are; only images it refuses (alpha
    channel, palette with transparency) are flattened onto white with Pillow first.
    """
    layout = img2pdf.get_fixed_dpi_layout_fun((DEFAULT_DPI, DEFAULT_DPI)) if _lacks_dpi(image) else None
    try:
        output.write_bytes(img2pdf.convert(str(image), layout_fun=layout) if layout else img2pdf.convert(str(image)))
    except img2pdf.AlphaChannelError:
        output.write_bytes(img2pdf.convert(*_flattened_frames(image, output.parent), layout_fun=layout))
    except (img2pdf.ImageOpenError, OSError, ValueError) as exc:
        raise BrokenFile(f"cannot read image {image.name}: {exc}") from exc
    return output


def _lacks_dpi(image: Path) -> bool:
    try:
        with Image.open(image) as img:
            return not img.info.get("dpi")
    except OSError as exc:
        raise BrokenFile(f"cannot read image {image.name}: {exc}") from exc


def _flattened_frames(image: Path, scratch: Path) -> list[str]:
    frames = []
    with Image.open(image) as img:
        for index in range(getattr(img, "n_frames", 1)):
            img.seek(index)
            rgba = img.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            target = scratch / f"{image.stem}.frame{index}.png"
            flat.save(target, dpi=img.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI)))
            frames.append(str(target))
    return frames


def ocr_command(source: Path, output: Path, sidecar: Path, *, languages: str, level: str | None, jobs: int = 1,
                rotate: bool = False, skip_text: bool = False) -> list[str]:
    return [
        *_OCRMYPDF,
        "--language", languages,
        "--output-type", f"pdfa-{pdfa_part(level)}",
        "--sidecar", str(sidecar),
        # Default mode refuses pages that already carry text: only image-only input comes here,
        # unless ``skip_text`` (OCRmyPDF's own PDF/A output of a PDF with text: a second strategy).
        *(["--skip-text"] if skip_text else []),
        # No --deskew: on a slightly skewed scan it leaves the text layer's words on tilted
        # baselines, which PDF readers join without spaces ("XÃHỘI CHỦNGHĨA"); the archive
        # keeps the page as scanned anyway. Tesseract's own text-only PDF ("sandwich") keeps
        # every word boundary as a space, where fpdf2's layer lost some (tests/ingest/test_ocr_words.py).
        *(["--rotate-pages"] if rotate else []), "--pdf-renderer", "sandwich",
        # The output is a new rendition; a signed original is kept untouched next to it.
        "--invalidate-digital-signatures",
        # The cores this conversion holds; OCRmyPDF gives Tesseract threads only for the ones
        # its pages leave idle, so jobs never exceed them.
        "--jobs", str(jobs),
        "--quiet",
        str(source), str(output),
    ]


def misread_pages(text: str) -> int:
    """Pages of Vietnamese OCR text that read as noise — the mark of a page upside down or
    sideways: under 60 % of their words are Vietnamese syllables (an upright page scores
    over 90 %, a turned one about 20 %). Checking the text costs nothing; Tesseract's own
    orientation detection costs 1.5-5 s a page."""
    misread = 0
    for page in text.split("\f"):
        words = [w for w in (w.strip(_PUNCTUATION) for w in page.split()) if w]
        if len(words) >= 10:
            syllables = sum(bool(_SYLLABLE.fullmatch(_toneless(w.lower()))) for w in words)
            misread += syllables < 0.6 * len(words)
    return misread


_PUNCTUATION = ".,;:!?()[]\"'“”…-–/"
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_SYLLABLE = re.compile(r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}"
                       r"(ch|ng|nh|[cmnptiyuo])?")


def _toneless(word: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).translate(_TONE_MARKS))


def to_searchable_pdfa(
    source: Path, output: Path, *, languages: str | None = None, level: str | None = None,
    timeout: float | None = None, skip_text: bool = False,
) -> tuple[Path, str]:
    """OCR ``source`` (an image or an image-only PDF) into PDF/A; returns (output, text)."""
    pdf = source if source.suffix.lower() == ".pdf" else images_to_pdf(source, output.with_suffix(".images.pdf"))
    sidecar = output.with_suffix(".txt")
    settings = get_settings()
    try:
        with pikepdf.open(pdf) as opened:
            pages = len(opened.pages)
        languages = languages or settings.ocr_languages
        # "auto": OCRmyPDF's defaults, and rotation again only for Vietnamese text that reads as noise
        passes = {"always": (True,), "never": (False,)}.get(settings.ocr_rotate_pages, (False, True))
        for rotate in passes:
            with cores.budget().hold(up_to=pages) as jobs:
                command = ocr_command(pdf, output, sidecar, languages=languages, level=level, jobs=jobs, rotate=rotate,
                                      skip_text=skip_text)
                _process.run(command, tool=NAME, timeout=timeout)
            text = sidecar.read_text(encoding="utf-8")
            if "vie" not in languages.split("+") or not misread_pages(text):
                break
    finally:
        sidecar.unlink(missing_ok=True)
        if pdf != source:
            pdf.unlink(missing_ok=True)
    return output, text
