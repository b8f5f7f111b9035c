"""OCR of images and scans with OCRmyPDF + Tesseract: searchable PDF/A with a text sidecar.

OCRmyPDF runs as its own process (``python -m ocrmypdf``) so a stuck Tesseract is killed
with its whole process group at the timeout, like every other tool.
"""
from __future__ import annotations

import sys
from pathlib import Path

import img2pdf
from PIL import Image

from archive.errors import BrokenFile
from archive.settings import get_settings

from archive import process as _process
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


def ocr_command(source: Path, output: Path, sidecar: Path, *, languages: str, level: str | None) -> list[str]:
    return [
        *_OCRMYPDF,
        "--language", languages,
        "--output-type", f"pdfa-{pdfa_part(level)}",
        "--sidecar", str(sidecar),
        # Default mode refuses pages that already carry text: only image-only input comes here.
        "--rotate-pages", "--deskew",
        # The output is a new rendition; a signed original is kept untouched next to it.
        "--invalidate-digital-signatures",
        "--jobs", "1",
        "--quiet",
        str(source), str(output),
    ]


def to_searchable_pdfa(
    source: Path, output: Path, *, languages: str | None = None, level: str | None = None,
    timeout: float | None = None,
) -> tuple[Path, str]:
    """OCR ``source`` (an image or an image-only PDF) into PDF/A; returns (output, text)."""
    pdf = source if source.suffix.lower() == ".pdf" else images_to_pdf(source, output.with_suffix(".images.pdf"))
    sidecar = output.with_suffix(".txt")
    command = ocr_command(pdf, output, sidecar, languages=languages or get_settings().ocr_languages, level=level)
    try:
        _process.run(command, tool=NAME, timeout=timeout)
        text = sidecar.read_text(encoding="utf-8")
    finally:
        sidecar.unlink(missing_ok=True)
        if pdf != source:
            pdf.unlink(missing_ok=True)
    return output, text
