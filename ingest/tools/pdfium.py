"""PDFium (through pypdfium2, in-process): the text of a PDF's first pages, for the check
that a copy kept the original's text.

In-process because the check reads one page of each copy: starting pdftotext and letting
Poppler parse Ghostscript's CID fonts cost ~50 ms a file, PDFium ~3 ms a page. PDFium is
not thread-safe (not even across documents), so every call holds one process-wide lock.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2

from archive.errors import BrokenFile, ToolFailed

NAME = "PDFium (pypdfium2)"
_LOCK = threading.Lock()


def version() -> str:
    return f"{pypdfium2.PDFIUM_INFO.version}, pypdfium2 {pypdfium2.PYPDFIUM_INFO.version}"


def text(path: Path, *, last_page: int | None = None) -> str:
    """Text of pages 1..``last_page`` (all without it), pages separated by form feeds."""
    with _LOCK:
        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            raise ToolFailed(f"{NAME} cannot read {Path(path).name}: {exc}", tool=NAME) from exc
        try:
            pages = []
            for number in range(min(last_page or len(document), len(document))):
                page = document[number]
                textpage = page.get_textpage()
                pages.append(textpage.get_text_bounded())
                textpage.close()
                page.close()
            return "\f".join(pages)
        finally:
            document.close()


@contextmanager
def opened(path: Path) -> Iterator[pypdfium2.PdfDocument]:
    """The document, under the process-wide lock; an unreadable PDF is a ``BrokenFile``."""
    with _LOCK:
        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            raise BrokenFile(f"{Path(path).name}: {exc}") from exc
        try:
            yield document
        finally:
            document.close()
