"""Page counts read from the files themselves (the manifest's PageAmount is never trusted).

PDF: pikepdf. TIFF/PNG/JPEG/GIF: Pillow, one page per frame. DOCX/ODT: the page count the
word processor stored in the document statistics, when present. Anything else, or an
office file without statistics, is unknown (None) until it is converted to PDF/A.
Broken files raise ``BrokenFile``, encrypted PDFs ``EncryptedPdf``.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
from lxml import etree
from PIL import Image, UnidentifiedImageError

from archive.errors import BrokenFile, EncryptedPdf
from schemas.manifest import hardened_parser

_IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
_MAX_STATS_XML = 1024 * 1024
# Where each office format keeps its page count.
_STATS = {
    ".docx": ("docProps/app.xml", "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages",
              None),
    ".odt": ("meta.xml", "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}document-statistic",
             "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}page-count"),
}


def count_pages(path: Path) -> int | None:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_pages(path)
    if suffix in _IMAGE_SUFFIXES:
        return _image_frames(path)
    if suffix in _STATS:
        return _office_pages(path, *_STATS[suffix])
    return None


def _pdf_pages(path: Path) -> int:
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise EncryptedPdf(f"{path.name} is encrypted")
            return len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdf(f"{path.name} needs a password") from exc
    except pikepdf.PdfError as exc:
        raise BrokenFile(f"{path.name}: {exc}") from exc


def _image_frames(path: Path) -> int:
    try:
        with Image.open(path) as image:
            return getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise BrokenFile(f"{path.name}: {exc}") from exc


def _office_pages(path: Path, member: str, tag: str, attribute: str | None) -> int | None:
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(member)
            if info.file_size > _MAX_STATS_XML:
                return None
            root = etree.fromstring(z.read(info), hardened_parser())
    except KeyError:
        return None                     # no statistics stored: counted after conversion
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as exc:
        raise BrokenFile(f"{path.name}: {exc}") from exc
    el = root.find(f".//{tag}")
    text = (el.get(attribute) if attribute else el.text) if el is not None else None
    return int(text) if text and text.strip().isdigit() and int(text) > 0 else None
