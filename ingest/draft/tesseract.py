"""Tesseract's own layout of a scan: word boxes and confidences (TSV), grouped into lines.

The archive's OCR (``ingest.tools.ocr``, OCRmyPDF) makes a searchable PDF/A; the draft needs something
else: where each line sits and how sure Tesseract is of it. Tesseract is run directly with
the ``tsv`` config on each page image (a scanned PDF is rendered with PDFium first).
Low-resolution scans (under 300 dpi) are enlarged to 300 dpi before recognition, which is
what Tesseract's models were trained on.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import re

from PIL import Image, ImageFilter

from archive import process as _process
from archive.errors import BrokenFile
from archive.settings import get_settings

NAME = "Tesseract"
# Specks and rules read as punctuation at the ends of a line ("_ ỦY BAN", "512/UBND-VP , : - .").
_JUNK_ENDS = re.compile(r"^[\s_—–|¬`'\"~.,:;-]+|[\s_—–|¬`'\"~.,:;-]+$")
TARGET_DPI = 300


def version() -> str:
    return _process.version("tesseract", "--version")


def _prepared(image: Image.Image, dpi: float, scratch: Path, index: int) -> Path:
    """Grey, 300 dpi, scanner specks removed (a 3-pixel median), then black on white: Tesseract
    reads dust next to a number as punctuation ("512UBNDVP.-") and drops the slash."""
    page = image.convert("L")
    if dpi and dpi < TARGET_DPI - 1:
        scale = TARGET_DPI / dpi
        page = page.resize((round(page.width * scale), round(page.height * scale)), Image.LANCZOS)
    page = page.filter(ImageFilter.MedianFilter(3)).point(lambda v: 255 if v > 160 else 0)
    target = scratch / f"page{index}.png"
    page.save(target, dpi=(TARGET_DPI, TARGET_DPI))
    return target


def _tsv(image: Path, languages: str, timeout: float | None) -> str:
    done = _process.run(["tesseract", image, "-", "-l", languages, "--psm", "3", "tsv"], tool=NAME,
                        timeout=timeout)
    return done.stdout


def _lines(tsv: str, page: int):
    """Words grouped by Tesseract's (block, paragraph, line); a line is cut where words are far
    apart (the two header columns can share a text line)."""
    from ingest.draft.layout import Line, nfc

    rows = [r.split("\t") for r in tsv.splitlines()[1:]]
    size = next(((int(r[8]), int(r[9])) for r in rows if len(r) >= 12 and r[0] == "1"), None)
    if size is None:
        return []
    width, height = size
    groups: dict[tuple, list] = {}
    for r in rows:
        if len(r) < 12 or r[0] != "5" or not r[11].strip():
            continue
        left, top, w, h, conf = int(r[6]), int(r[7]), int(r[8]), int(r[9]), float(r[10])
        groups.setdefault((r[2], r[3], r[4]), []).append((left, top, left + w, top + h, conf, r[11]))
    out = []
    for words in groups.values():
        words.sort()
        char_h = sorted(w[3] - w[1] for w in words)[len(words) // 2]
        run = [words[0]]
        for word in words[1:] + [None]:
            if word is not None and word[0] - run[-1][2] < 3 * char_h:
                run.append(word)
                continue
            text = _JUNK_ENDS.sub("", nfc(" ".join(w[5] for w in run)))
            if not any(c.isalnum() for c in text):
                run = [word] if word is not None else []
                continue
            box = (min(w[0] for w in run) / width, min(w[1] for w in run) / height,
                   max(w[2] for w in run) / width, max(w[3] for w in run) / height)
            out.append(Line(text, page, box, confidence=min(w[4] for w in run) / 100))
            run = [word] if word is not None else []
    out.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return out


def image_layout(path: Path, *, languages: str | None = None, timeout: float | None = None):
    """Lines of every frame of a scanned image (PNG, JPEG, multi-page TIFF)."""
    from ingest.draft.layout import Layout, pages_to_read

    languages = languages or get_settings().ocr_languages
    layout = Layout("scan", 0)
    try:
        with Image.open(path) as image, tempfile.TemporaryDirectory(prefix="luutru-tsv-") as scratch:
            frames = getattr(image, "n_frames", 1)
            dpi = float((image.info.get("dpi") or (TARGET_DPI,))[0] or TARGET_DPI)
            for index in pages_to_read(frames):
                image.seek(index)
                page = _prepared(image, dpi, Path(scratch), index)
                layout.lines += _lines(_tsv(page, languages, timeout), index + 1)
            layout.pages = frames
    except (OSError, Image.DecompressionBombError) as exc:
        raise BrokenFile(f"cannot read image {path.name}: {exc}") from exc
    return layout


def pdf_layout(path: Path, *, languages: str | None = None, timeout: float | None = None):
    """Lines of a PDF without a text layer (a scan saved as PDF), its pages rendered at 300 dpi."""
    from ingest.draft.layout import Layout, pages_to_read

    from ingest.tools.pdfium import opened

    languages = languages or get_settings().ocr_languages
    layout = Layout("scan", 0)
    with tempfile.TemporaryDirectory(prefix="luutru-tsv-") as scratch:
        with opened(path) as document:
            count = len(document)
            images = {index: _prepared(document[index].render(scale=TARGET_DPI / 72, grayscale=True).to_pil(),
                                       TARGET_DPI, Path(scratch), index) for index in pages_to_read(count)}
        for index, image in images.items():
            layout.lines += _lines(_tsv(image, languages, timeout), index + 1)
        layout.pages = count
    return layout
