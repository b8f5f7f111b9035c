"""Thin wrappers around the external programs that preservation actions need.

One module per program (ghostscript, libreoffice, ocr, poppler, verapdf): each builds its
command line, runs it under a timeout, reports its version and turns failures into
``archive.errors`` exceptions. Nothing else in LuuTru builds command lines. pdfium is
the one library among them (in-process, for the quick text check of PDF/A copies).
"""
