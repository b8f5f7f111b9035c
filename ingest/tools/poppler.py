"""Poppler's pdftotext: the text layer of a PDF, for the search index and text checks."""
from __future__ import annotations

from pathlib import Path

from . import _process

PROGRAM = "pdftotext"
NAME = "pdftotext (Poppler)"


def version() -> str:
    return _process.version(PROGRAM, "-v")


def text(path: Path, *, timeout: float | None = None) -> str:
    """UTF-8 text of every page in reading order ("-" writes to stdout)."""
    return _process.run([PROGRAM, "-enc", "UTF-8", str(path), "-"], tool=NAME, timeout=timeout).stdout
