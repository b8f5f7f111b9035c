"""The layout of a document: its text lines with where they sit on the page.

Every reader gives the same thing, ``Layout``: lines in reading order per column, each with
its page, a box in page fractions (x0, y0 from the top-left, x1, y1) and how sure the reader is
of its text. The field rules (``fields``) only look at lines, so a two-column header comes out
the same whether it was a PDF table, a DOCX table or a scanned page.

PDF text layers are read with PDFium (pypdfium2): its text rectangles are runs of text on one
line, so the two header columns stay apart. DOCX (python-docx) and ODT have no geometry: each
paragraph gets a box from its alignment (header table cells left and right), one line step per
text line and a wider step between paragraphs, like the printed page. Scans go through
Tesseract's TSV output (word boxes and confidences), see ``ingest.draft.tesseract``.
"""
from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from archive.errors import BrokenFile

PDF_SUFFIXES = {".pdf"}
WORD_SUFFIXES = {".docx"}
ODT_SUFFIXES = {".odt"}
IMAGE_SUFFIXES = {".png", ".tif", ".tiff", ".jpg", ".jpeg"}
SUPPORTED = PDF_SUFFIXES | WORD_SUFFIXES | ODT_SUFFIXES | IMAGE_SUFFIXES


@dataclass(frozen=True)
class Line:
    text: str
    page: int                                   # 1-based
    box: tuple[float, float, float, float]      # x0, y0, x1, y1 as fractions of the page, y from the top
    confidence: float = 1.0                     # the reader's certainty of the text (OCR), 1 for a text layer
    bold: bool | None = None                    # None when the reader cannot tell

    @property
    def center(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    def where(self) -> dict:
        return {"page": self.page, "box": [round(v, 4) for v in self.box]}


@dataclass
class Layout:
    kind: str                   # "pdf" | "docx" | "odt" | "scan"
    pages: int | None           # None: an office file, paged only when the archive renders it
    lines: list[Line] = field(default_factory=list)
    legacy_encoding: str | None = None      # TCVN3 / VNI when the text was converted

    def page(self, number: int) -> list[Line]:
        return [ln for ln in self.lines if ln.page == number]


def pages_to_read(count: int) -> list[int]:
    """0-based pages that carry the fields: the first two (header, title, subject) and the last two
    (the signature; the recipients may run onto a page of their own). A 900-page scan is not
    OCRed whole to draft its metadata."""
    return sorted({i for i in (0, 1, count - 2, count - 1) if 0 <= i < count})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


# --- PDF with a text layer -------------------------------------------------------------------

def read_pdf(path: Path) -> Layout:
    """Text rectangles of every page (PDFium); a PDF without text is a scan (``pages_as_images``)."""
    import pypdfium2.raw as pdfium_c

    from ingest.tools.pdfium import opened

    with opened(path) as document:
        lines = []
        for number in pages_to_read(len(document)):
            page = document[number]
            width, height = page.get_size()
            textpage = page.get_textpage()
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                text = nfc(textpage.get_text_bounded(left, bottom, right, top))
                if not text:
                    continue
                first = textpage.get_index((left + 1), (bottom + top) / 2, 2, 2)
                found = first is not None and first >= 0
                weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, first) if found else -1
                lines.append(Line(text, number + 1, (left / width, 1 - top / height, right / width,
                                                     1 - bottom / height),
                                  bold=None if weight < 0 else weight >= 600))
            textpage.close()
            page.close()
        return Layout("pdf", len(document), lines)


# --- office documents (no geometry: boxes from alignment and order) --------------------------

LINE_STEP, PARAGRAPH_GAP, LINE_HEIGHT = 0.012, 0.012, 0.010
_SPANS = {"left-cell": (0.05, 0.40), "right-cell": (0.42, 0.98), "center": (0.25, 0.75), "right": (0.55, 0.95),
          "left": (0.05, 0.60), "justify": (0.05, 0.95)}


class _Flow:
    """Lays paragraphs out top to bottom, the two header cells side by side."""

    def __init__(self, kind: str):
        self.layout = Layout(kind, None)
        self.y = 0.05

    def paragraph(self, texts: list[str], span: str, bold: bool | None, y: float | None = None) -> float:
        x0, x1 = _SPANS[span]
        y = self.y if y is None else y
        for text in texts:
            text = nfc(text)
            if text:
                if span in ("center", "left-cell", "right-cell"):
                    shrink = max(0.0, (x1 - x0) - 0.012 * len(text)) / 2     # centred text narrower than the span
                    box = (x0 + shrink, y, x1 - shrink, y + LINE_HEIGHT)
                else:
                    box = (x0, y, x1, y + LINE_HEIGHT)
                self.layout.lines.append(Line(text, 1, box, bold=bold))
            y += LINE_STEP
        return y + PARAGRAPH_GAP

    def cells(self, left: list[list[str]], right: list[list[str]]) -> None:
        """The header table: both columns start at the same height."""
        top, bottoms = self.y, []
        for span, paragraphs in (("left-cell", left), ("right-cell", right)):
            y = top
            for texts in paragraphs:
                y = self.paragraph(texts, span, None, y)
            bottoms.append(y)
        self.y = max(bottoms, default=top) + PARAGRAPH_GAP

    def add(self, texts: list[str], span: str, bold: bool | None) -> None:
        self.y = self.paragraph(texts, span, bold)


def read_docx(path: Path) -> Layout:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from ingest.submission import check_zip

    check_zip(path)                 # a DOCX is a ZIP: no bomb is inflated by python-docx
    try:
        document = docx.Document(str(path))
    except Exception as exc:        # python-docx raises several kinds on a damaged package
        raise BrokenFile(f"{path.name}: {exc}") from exc
    spans = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}
    flow = _Flow("docx")

    def lines_of(paragraph) -> list[str]:
        return paragraph.text.replace("\t", " ").split("\n")

    for block in document.element.body.iterchildren():
        tag = etree.QName(block).localname
        if tag == "p":
            p = docx.text.paragraph.Paragraph(block, document)
            runs = [r for r in p.runs if r.text.strip()]
            bold = all(r.bold for r in runs) if runs else None
            flow.add(lines_of(p), spans.get(p.alignment, "justify"), bold)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                cells = [[lines_of(p) for p in cell.paragraphs] for cell in row.cells]
                if len(cells) >= 2:
                    flow.cells(cells[0], [lines for cell in cells[1:] for lines in cell])
                else:
                    for lines in cells[0] if cells else []:
                        flow.add(lines, "justify", None)
    return flow.layout


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODF_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def read_odt(path: Path) -> Layout:
    from ingest.submission import check_zip
    from schemas.manifest import hardened_parser

    check_zip(path)
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("content.xml"), hardened_parser())
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise BrokenFile(f"{path.name}: {exc}") from exc
    aligns, bolds = {}, {}
    for style in root.iter(f"{{{_ODF_STYLE}}}style"):
        name = style.get(f"{{{_ODF_STYLE}}}name")
        pp = style.find(f"{{{_ODF_STYLE}}}paragraph-properties")
        tp = style.find(f"{{{_ODF_STYLE}}}text-properties")
        aligns[name] = pp.get(f"{{{_ODF_FO}}}text-align") if pp is not None else None
        bolds[name] = tp is not None and tp.get(f"{{{_ODF_FO}}}font-weight") == "bold"
    spans = {"center": "center", "end": "right", "right": "right"}
    flow = _Flow("odt")

    def lines_of(p) -> list[str]:
        out, current = [], [p.text or ""]
        for child in p:
            if etree.QName(child).localname == "line-break":
                out.append("".join(current))
                current = []
            else:
                current.append("".join(child.itertext()))
            current.append(child.tail or "")
        return out + ["".join(current)]

    def paragraph(p, span=None):
        style = p.get(f"{{{_ODF_TEXT}}}style-name")
        return lines_of(p), span or spans.get(aligns.get(style) or "", "justify"), bolds.get(style)

    body = root.find(f".//{{urn:oasis:names:tc:opendocument:xmlns:office:1.0}}text")
    for el in body if body is not None else []:
        tag = etree.QName(el).localname
        if tag in ("p", "h"):
            flow.add(*paragraph(el))
        elif tag == "table":
            for row in el.iter(f"{{{_ODF_TABLE}}}table-row"):
                cells = [[lines_of(p) for p in cell.iter(f"{{{_ODF_TEXT}}}p")]
                         for cell in row.iter(f"{{{_ODF_TABLE}}}table-cell")]
                if len(cells) >= 2:
                    flow.cells(cells[0], [lines for cell in cells[1:] for lines in cell])
    _header_from_centred_paragraphs(flow.layout)
    return flow.layout


def _header_from_centred_paragraphs(layout: Layout) -> None:
    """ODT written without a table puts the organ and the Quốc hiệu as two centred paragraphs one
    under the other; put the second (it starts with the Quốc hiệu) beside the first."""
    lines = layout.lines
    motto = next((i for i, ln in enumerate(lines[:12]) if ln.text.upper().startswith("CỘNG HÒA")), None)
    if motto is None or motto == 0 or lines[motto].box[0] > 0.4:
        return
    first_y, motto_y = lines[0].box[1], lines[motto].box[1]
    end = next((i for i in range(motto + 1, len(lines)) if lines[i].box[1] - lines[i - 1].box[1] > LINE_STEP * 1.5),
               len(lines))
    for i in range(motto):
        ln = lines[i]
        lines[i] = Line(ln.text, ln.page, (0.05, ln.box[1], 0.40, ln.box[3]), ln.confidence, ln.bold)
    shift = motto_y - first_y
    for i in range(motto, end):
        ln = lines[i]
        lines[i] = Line(ln.text, ln.page, (0.42, ln.box[1] - shift, 0.98, ln.box[3] - shift), ln.confidence, ln.bold)
    # what follows the header moves up by the same amount, so gaps stay as printed
    for i in range(end, len(lines)):
        ln = lines[i]
        lines[i] = Line(ln.text, ln.page, (ln.box[0], ln.box[1] - shift, ln.box[2], ln.box[3] - shift),
                        ln.confidence, ln.bold)


def read_layout(path: Path, *, languages: str | None = None) -> Layout:
    """The layout of any supported document; scans and image-only PDFs are OCRed."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        layout = read_pdf(path)
        if sum(len(ln.text) for ln in layout.lines) >= 40:
            return _unlegacy(layout)
        from ingest.draft.tesseract import pdf_layout
        return pdf_layout(path, languages=languages)
    if suffix in WORD_SUFFIXES:
        return _unlegacy(read_docx(path))
    if suffix in ODT_SUFFIXES:
        return _unlegacy(read_odt(path))
    if suffix in IMAGE_SUFFIXES:
        from ingest.draft.tesseract import image_layout
        return image_layout(path, languages=languages)
    raise BrokenFile(f"{path.name}: not a document the draft can read (PDF, DOCX, ODT, PNG, TIFF, JPEG)")


def _unlegacy(layout: Layout) -> Layout:
    """Text typed in TCVN3/VNI fonts comes out as mojibake: convert it line by line (a document
    often mixes a legacy body with Unicode headings), and say so."""
    from schemas.legacy_encoding import detect

    lines = []
    for ln in layout.lines:
        found = detect(ln.text)
        if found is not None:
            layout.legacy_encoding = found.encoding
            ln = Line(nfc(found.converted), ln.page, ln.box, ln.confidence, ln.bold)
        lines.append(ln)
    layout.lines = lines
    return layout
