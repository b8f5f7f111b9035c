"""Poppler's pdftotext: the text layer of a PDF, for the search index and text checks."""
from __future__ import annotations

from pathlib import Path

from archive import process as _process

PROGRAM = "pdftotext"
NAME = "pdftotext (Poppler)"


def version() -> str:
    return _process.version(PROGRAM, "-v")


def text(path: Path, *, last_page: int | None = None, timeout: float | None = None) -> str:
    """UTF-8 text in reading order, of every page or of pages 1..``last_page``."""
    pages = ["-l", str(last_page)] if last_page else []
    return _process.run([PROGRAM, "-enc", "UTF-8", *pages, str(path), "-"], tool=NAME, timeout=timeout).stdout
