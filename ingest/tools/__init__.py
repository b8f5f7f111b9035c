"""Thin wrappers around the external programs that preservation actions need.

One module per program (ghostscript, libreoffice, ocr, verapdf): each builds its command
line, runs it under a timeout (``archive.process``), reports its version and turns failures
into ``archive.errors`` exceptions. Poppler's pdftotext lives in the kernel
(``archive.poppler``) because the search reindex reads text with it too. pdfium is the one
library among them (in-process, for the quick text check of PDF/A copies).
"""
