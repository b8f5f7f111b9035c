"""Renderers: a ``Doc`` as born-digital PDF, DOCX, ODT, or a scanned 300 dpi PNG/TIFF page."""
from __future__ import annotations

import random
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pikepdf
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from sample_dossiers.documents import ORGANS, Doc
from sample_dossiers.zips import normalise_zip, write_zip

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")     # Debian fonts-dejavu-core
SEED = 20210315


def register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    for style, suffix in (("", ""), ("-Bold", "-Bold"), ("-Italic", "-Italic"), ("-BoldItalic", "-BoldItalic")):
        pdfmetrics.registerFont(TTFont(f"DejaVuSerif{style}", FONT_DIR / f"DejaVuSerif{suffix}.ttf"))
    addMapping("DejaVuSerif", 0, 0, "DejaVuSerif")
    addMapping("DejaVuSerif", 1, 0, "DejaVuSerif-Bold")
    addMapping("DejaVuSerif", 0, 1, "DejaVuSerif-Italic")
    addMapping("DejaVuSerif", 1, 1, "DejaVuSerif-BoldItalic")


def render_pdf(doc: Doc, path: Path) -> None:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    base = ParagraphStyle("base", fontName="DejaVuSerif", fontSize=11.5, leading=15.5)
    st = {
        "p": ParagraphStyle("p", base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4),
        "h": ParagraphStyle("h", base, fontName="DejaVuSerif-Bold", alignment=TA_JUSTIFY, spaceBefore=4, spaceAfter=4),
        "c": ParagraphStyle("c", base, fontName="DejaVuSerif-Bold", alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
        "hc": ParagraphStyle("hc", base, fontSize=10.5, leading=13.5, alignment=TA_CENTER),
        "title": ParagraphStyle("t", base, fontName="DejaVuSerif-Bold", fontSize=13, alignment=TA_CENTER, spaceBefore=10),
        "subtitle": ParagraphStyle("s", base, fontName="DejaVuSerif-Bold", alignment=TA_CENTER, spaceAfter=10),
        "small": ParagraphStyle("sm", base, fontSize=9.5, leading=12, alignment=TA_LEFT),
    }
    flow = []
    for kind, value in doc.blocks():
        if kind == "header":
            organ, number, motto, place_date = value
            left = "<br/>".join(escape(x) for x in organ[:-1]) + ("<br/>" if len(organ) > 1 else "") + \
                f"<b>{escape(organ[-1])}</b><br/><br/>{escape(number)}"
            right = f"<b>{escape(motto[0])}</b><br/><b>{escape(motto[1])}</b><br/><br/><i>{escape(place_date)}</i>"
            table = Table([[Paragraph(left, st["hc"]), Paragraph(right, st["hc"])]], colWidths=[70 * mm, 100 * mm])
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            flow += [table, Spacer(1, 6 * mm)]
        elif kind == "sign":
            authority, position, name = value
            text = f"<b>{escape(authority)}<br/>{escape(position)}</b><br/><br/><br/><br/><b>{escape(name)}</b>"
            flow.append(Table([["", Paragraph(text, st["hc"])]], colWidths=[90 * mm, 80 * mm]))
        elif kind == "recipients":
            flow.append(Paragraph("<br/>".join(escape(x) for x in value), st["small"]))
        else:
            flow.append(Paragraph(escape(str(value)), st[kind]))
    pdf = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=doc.subject, author=ORGANS[doc.organ].name,
                            creator="LuuTru samples", invariant=1, lang="vi")
    pdf.build(flow)


def render_docx(doc: Doc, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = "DejaVu Serif", Pt(12)
    d.core_properties.title = doc.subject
    d.core_properties.author = ORGANS[doc.organ].name
    d.core_properties.language = "vi-VN"
    d.core_properties.created = d.core_properties.modified = datetime(doc.issued.year, doc.issued.month,
                                                                      doc.issued.day, 8, 0, tzinfo=timezone.utc)
    d.core_properties.revision = 1

    def para(text, bold=False, align=None, italic=False):
        p = d.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if align:
            p.alignment = align
        return p

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    for kind, value in doc.blocks():
        if kind == "header":
            organ, number, motto, place_date = value
            table = d.add_table(rows=1, cols=2)
            table.autofit = False
            left, right = table.rows[0].cells
            for column, cell, width, lines in ((table.columns[0], left, Cm(6.5), [*organ, number]),
                                               (table.columns[1], right, Cm(9.5), [*motto, place_date])):
                column.width = cell.width = width      # LibreOffice reads the grid, Word the cells
                cell.text = "\n".join(lines)
                cell.paragraphs[0].alignment = center
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(11)
        elif kind in ("title", "subtitle", "c"):
            para(str(value), bold=True, align=center)
        elif kind == "h":
            para(str(value), bold=True, align=justify)
        elif kind == "p":
            para(str(value), align=justify)
        elif kind == "sign":
            para("\n".join(value[:2]) + "\n\n\n" + value[2], bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "recipients":
            para("\n".join(value), italic=True)
    d.save(path)
    normalise_zip(path)


def render_odt(doc: Doc, path: Path) -> None:
    """A minimal OpenDocument text written directly (no office suite, so the bytes are stable)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    style_ns = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    fo = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
    meta_ns = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    dc = "http://purl.org/dc/elements/1.1/"
    nsmap = {"office": office, "text": text_ns, "style": style_ns, "fo": fo}

    def q(ns, tag):
        return f"{{{ns}}}{tag}"

    root = etree.Element(q(office, "document-content"), nsmap=nsmap)
    root.set(q(office, "version"), "1.3")
    fonts = etree.SubElement(root, q(office, "font-face-decls"))
    face = etree.SubElement(fonts, q(style_ns, "font-face"))
    face.set(q(style_ns, "name"), "DejaVu Serif")
    face.set("{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}font-family", "'DejaVu Serif'")
    auto = etree.SubElement(root, q(office, "automatic-styles"))
    for name, align, weight in (("P", "justify", "normal"), ("C", "center", "bold"), ("H", "justify", "bold"),
                                ("R", "end", "bold"), ("L", "start", "normal")):
        s = etree.SubElement(auto, q(style_ns, "style"))
        s.set(q(style_ns, "name"), name)
        s.set(q(style_ns, "family"), "paragraph")
        pp = etree.SubElement(s, q(style_ns, "paragraph-properties"))
        pp.set(q(fo, "text-align"), align)
        tp = etree.SubElement(s, q(style_ns, "text-properties"))
        tp.set(q(style_ns, "font-name"), "DejaVu Serif")
        tp.set(q(fo, "font-size"), "12pt")
        tp.set(q(fo, "font-weight"), weight)
        tp.set(q(fo, "language"), "vi")
    body = etree.SubElement(etree.SubElement(root, q(office, "body")), q(office, "text"))

    def para(style, lines):
        p = etree.SubElement(body, q(text_ns, "p"))
        p.set(q(text_ns, "style-name"), style)
        for i, line in enumerate(lines):
            if i:
                etree.SubElement(p, q(text_ns, "line-break")).tail = line
            else:
                p.text = line

    for kind, value in doc.blocks():
        if kind == "header":
            organ, number, motto, place_date = value
            para("C", [*organ, number])
            para("C", [*motto, place_date])
        elif kind in ("title", "subtitle", "c"):
            para("C", [str(value)])
        elif kind in ("h", "p"):
            para(kind.upper(), [str(value)])
        elif kind == "sign":
            para("R", [value[0], value[1], "", "", value[2]])
        elif kind == "recipients":
            para("L", value)

    meta = etree.Element(q(office, "document-meta"), nsmap={"office": office, "meta": meta_ns, "dc": dc})
    meta.set(q(office, "version"), "1.3")
    m = etree.SubElement(meta, q(office, "meta"))
    etree.SubElement(m, q(dc, "title")).text = doc.subject
    etree.SubElement(m, q(dc, "language")).text = "vi-VN"
    etree.SubElement(m, q(meta_ns, "creation-date")).text = f"{doc.issued.isoformat()}T08:00:00"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    xml = lambda el: etree.tostring(el, xml_declaration=True, encoding="UTF-8")  # noqa: E731
    # The mimetype entry must come first and be stored uncompressed (ODF 1.3, §3.3).
    write_zip(path, [("mimetype", b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
                     ("META-INF/manifest.xml", manifest.encode()), ("content.xml", xml(root)), ("meta.xml", xml(meta))])


# --- scanned pages ---------------------------------------------------------------------------

SCAN_DPI = 300
A4_PX = (2480, 3508)


def _font(bold=False, italic=False, size=46) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif" + ("-Bold" if bold else "") + ("-Italic" if italic and not bold else "")
    return ImageFont.truetype(str(FONT_DIR / f"{name}.ttf"), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def render_scan_pages(doc: Doc) -> list[Image.Image]:
    """Typeset the document as a 300 dpi A4 paper page, then make it look scanned."""
    margin_l, margin_r, top = 354, 177, 236          # 30 mm / 15 mm / 20 mm at 300 dpi
    width = A4_PX[0] - margin_l - margin_r
    pages: list[Image.Image] = []
    page = draw = None
    y = 0

    def new_page():
        nonlocal page, draw, y
        page = Image.new("L", A4_PX, 255)
        draw = ImageDraw.Draw(page)
        pages.append(page)
        y = top

    def line(text, font, align="left", x0=margin_l, w=width):
        nonlocal y
        if y > A4_PX[1] - 300:
            new_page()
        tw = draw.textlength(text, font=font)
        x = x0 + {"left": 0, "center": (w - tw) / 2, "right": w - tw}[align]
        draw.text((x, y), text, font=font, fill=0)
        y += int(font.size * 1.45)

    new_page()
    regular, bold, italic = _font(), _font(bold=True), _font(italic=True)
    for kind, value in doc.blocks():
        if kind == "header":
            organ, number, motto, place_date = value
            y0 = y
            for text, f in [*((o, bold) for o in organ), (number, regular)]:
                line(text, f, "center", margin_l, 820)
            y_left, y = y, y0
            for text, f in ((motto[0], _font(bold=True, size=40)), (motto[1], bold), ("", regular),
                            (place_date, italic)):
                line(text, f, "center", margin_l + 820, width - 820)
            y = max(y, y_left) + 60
        elif kind in ("title", "subtitle", "c"):
            for ln in _wrap(draw, str(value), bold, width - 200):
                line(ln, bold, "center")
            y += 20
        elif kind in ("p", "h"):
            f = bold if kind == "h" else regular
            for i, ln in enumerate(_wrap(draw, str(value), f, width - 110)):
                line(ln, f, x0=margin_l + (110 if i == 0 else 0))
            y += 12
        elif kind == "sign":
            y += 30
            for text in (value[0], value[1], "", "", value[2]):
                line(text, bold, "center", margin_l + width // 2, width // 2)
        elif kind == "recipients":
            small = _font(size=38)
            for text in value:
                line(text, small)
    return [_age(p, i) for i, p in enumerate(pages)]


def _age(page: Image.Image, index: int) -> Image.Image:
    """Slight skew and scanner specks, seeded so the bytes are the same on every run."""
    rng = random.Random(SEED + index)
    page = page.rotate(rng.uniform(0.4, 0.9) * rng.choice((-1, 1)), resample=Image.BICUBIC, fillcolor=255)
    draw = ImageDraw.Draw(page)
    for _ in range(2500):
        x, y = rng.randrange(A4_PX[0]), rng.randrange(A4_PX[1])
        r = rng.choice((1, 1, 1, 2, 3))
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(40, 200))
    return page


def render_png(doc: Doc, path: Path) -> None:
    render_scan_pages(doc)[0].save(path, dpi=(SCAN_DPI, SCAN_DPI), optimize=True)


def render_tiff(doc: Doc, path: Path) -> None:
    """A bilevel CCITT G4 TIFF, the usual output of an office scanner's 'document' mode."""
    pages = [p.point(lambda v: 255 if v > 150 else 0, mode="1") for p in render_scan_pages(doc)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(SCAN_DPI, SCAN_DPI))


def page_count(path: Path) -> int | None:
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    if path.suffix in (".png", ".tif", ".tiff"):
        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)
    return None     # office formats: left to the archive, which renders them


RENDERERS: dict[str, Callable[[Doc, Path], None]] = {
    "pdf": render_pdf, "signed-pdf": render_pdf, "docx": render_docx, "odt": render_odt,
    "png": render_png, "tiff": render_tiff,
}
EXTENSIONS = {"pdf": "pdf", "signed-pdf": "pdf", "docx": "docx", "odt": "odt", "png": "png", "tiff": "tif"}
