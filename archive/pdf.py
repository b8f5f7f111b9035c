"""Simple Vietnamese PDF documents (certificates, reports) with reportlab and DejaVu fonts.

A document is a title, optional lines of text and tables; DejaVu (Debian fonts-dejavu-core)
covers every Vietnamese letter, which reportlab's built-in Helvetica does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@dataclass
class PdfTable:
    heading: str
    header: list[str]
    rows: list[list[object]]
    col_widths: list[float] | None = None  # millimetres


@dataclass
class PdfDocument:
    title: str
    subtitle: str | None = None
    lines: list[str] = field(default_factory=list)
    tables: list[PdfTable] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    issuer: str | None = None       # set: the administrative heading, issuer left, Quốc hiệu right


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_BOLD in registered:  # registered by an earlier call, with its family mapping
        return
    if FONT not in registered:  # other code (e.g. a test's PDF maker) may have added the regular face alone
        pdfmetrics.registerFont(TTFont(FONT, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def write_pdf(doc: PdfDocument, path: str | Path, *, landscape_pages: bool = False) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    _register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13)
    cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
    title = ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
    centre = ParagraphStyle("centre", base, alignment=TA_CENTER, spaceAfter=8)
    heading = ParagraphStyle("heading", base, fontName=FONT_BOLD, spaceBefore=8, spaceAfter=4)

    def para(text: object, style=cell):
        return Paragraph(escape("" if text is None else str(text)), style)

    flow = []
    if doc.issuer is not None:
        from archive.vn import QUOC_HIEU
        bold_centre = ParagraphStyle("bold_centre", base, fontName=FONT_BOLD, alignment=TA_CENTER)
        heading_table = LongTable([[para(doc.issuer.upper(), bold_centre), para(QUOC_HIEU[0], bold_centre)],
                                   ["", para(QUOC_HIEU[1], bold_centre)]])
        heading_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        flow += [heading_table, Spacer(1, 6 * mm)]
    flow.append(Paragraph(escape(doc.title), title))
    if doc.subtitle:
        flow.append(Paragraph(escape(doc.subtitle), centre))
    flow += [para(line, base) for line in doc.lines]
    for t in doc.tables:
        flow.append(Paragraph(escape(t.heading), heading))
        rows = [[para(h, ParagraphStyle("h", cell, fontName=FONT_BOLD)) for h in t.header]]
        rows += [[para(v) for v in row] for row in t.rows] or [[para("(không có)")] + [""] * (len(t.header) - 1)]
        table = LongTable(rows, repeatRows=1, colWidths=[w * mm for w in t.col_widths] if t.col_widths else None)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        flow.append(table)
    if doc.closing:
        flow.append(Spacer(1, 6 * mm))
        flow += [para(line, base) for line in doc.closing]
    path = Path(path)
    pagesize = landscape(A4) if landscape_pages else A4
    SimpleDocTemplate(str(path), pagesize=pagesize, title=doc.title, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=15 * mm).build(flow)
    return path
