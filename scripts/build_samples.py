"""Rebuild ``samples/``: realistic valid dossiers and one invalid dossier per validator rule.

Run ``.venv/bin/python scripts/build_samples.py``. Everything is derived from the public text
in ``samples/sources/`` (Decision 04/2021/QĐ-UBND of Khánh Hòa) with DejaVu fonts from the
``fonts-dejavu-core`` Debian package, fixed dates and fixed seeds, so two runs give the same
bytes. The one exception is the trust material and the signed PDF: the sample CA and signer
keys are generated afresh on each run (private keys are not kept) and pyHanko stamps the
signing time, so ``samples/trust/ca.pem`` and the signed PDF change together on a rebuild.

Invalid samples are derived from one valid base dossier by a single mutation each; the
registry ``INVALID`` below is also what ``samples/README.md`` is generated from.
"""
from __future__ import annotations

import copy
import io
import json
import random
import re
import shutil
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import pikepdf
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SOURCE = SAMPLES / "sources" / "qd-04-2021-qd-ubnd-khanh-hoa.txt"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NS = "urn:luutru:dossier:1"
FIXED_ZIP_TIME = (2021, 12, 31, 0, 0, 0)
SEED = 20210315

# ---------------------------------------------------------------------------------------------
# Source text: Decision 04/2021/QĐ-UBND and the Regulation it issues
# ---------------------------------------------------------------------------------------------


@dataclass
class Decision:
    preamble: list[str]                 # "Căn cứ …" lines
    articles: list[str]                 # the decision's own Điều 1–3
    regulation: list[tuple[str, list[str]]]   # (article heading, its paragraphs)

    def article(self, number: int) -> tuple[str, list[str]]:
        return next(a for a in self.regulation if a[0].startswith(f"Điều {number}."))


def read_decision(path: Path = SOURCE) -> Decision:
    """Parse the web copy: its last full copy starts at the final "QUYẾT ĐỊNH:" block."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    start = max(i for i, ln in enumerate(lines) if ln == "QUYẾT ĐỊNH:")
    head = lines[:start]
    first_basis = max(i for i, ln in enumerate(head) if ln.startswith("Căn cứ Luật tổ chức"))
    preamble = [ln for ln in head[first_basis:] if ln.startswith(("Căn cứ", "Theo đề nghị"))]
    body_end = next(i for i in range(start, len(lines)) if lines[i].startswith("Nơi nhận"))
    articles = lines[start + 1:body_end]
    reg_start = next(i for i in range(body_end, len(lines)) if lines[i].startswith("Điều 1."))
    regulation: list[tuple[str, list[str]]] = []
    for ln in lines[reg_start:]:
        if re.match(r"Điều \d+\.", ln):
            regulation.append((ln, []))
        elif ln and not ln.isupper():       # upper-case lines are chapter titles of the web copy
            regulation[-1][1].append(ln)
    return Decision(preamble, articles, regulation)


# ---------------------------------------------------------------------------------------------
# Agencies and documents
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organ:
    name: str                     # full name, as OrganName in the manifest
    header: tuple[str, ...]       # the top-left block of the printed document
    place: str = "Khánh Hòa"
    organ_id: str | None = None   # OrganId (Decision 20/2020/QĐ-TTg) where it archives here


ORGANS = {
    "ubnd": Organ("Ủy ban nhân dân tỉnh Khánh Hòa", ("ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA"), organ_id="000.00.00.H41"),
    "vp": Organ("Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa", ("UBND TỈNH KHÁNH HÒA", "VĂN PHÒNG")),
    "stttt": Organ("Sở Thông tin và Truyền thông tỉnh Khánh Hòa", ("UBND TỈNH KHÁNH HÒA", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
                   organ_id="000.00.31.H41"),
    "snv": Organ("Sở Nội vụ tỉnh Khánh Hòa", ("UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ"), organ_id="000.00.12.H41"),
    "stp": Organ("Sở Tư pháp tỉnh Khánh Hòa", ("UBND TỈNH KHÁNH HÒA", "SỞ TƯ PHÁP")),
    "nhatrang": Organ("Ủy ban nhân dân thành phố Nha Trang", ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ NHA TRANG"), "Nha Trang"),
    "dienkhanh": Organ("Ủy ban nhân dân huyện Diên Khánh", ("ỦY BAN NHÂN DÂN", "HUYỆN DIÊN KHÁNH"), "Diên Khánh"),
}
NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def vn_date(d: date) -> str:
    """Decree 30 style: day below 10 and months 1–2 get a leading zero."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


@dataclass
class Doc:
    """One document: what is printed on it and what the manifest says about it."""
    direction: str
    type_name: str
    number: str | None
    notation: str | None
    issued: date
    organ: str                               # key of ORGANS
    subject: str
    body: list[tuple[str, str]]              # ("p"|"h"|"c", text): paragraph, article heading, centred
    signer: tuple[str, str, str] | None = None   # (authority line, position, full name)
    to: list[str] = field(default_factory=list)
    fmt: str = "pdf"                          # pdf | signed-pdf | docx | odt | png | tiff
    stem: str = ""
    attachments: list[Doc] = field(default_factory=list)
    meta: dict = field(default_factory=dict)     # further manifest fields (ArrivalDate, Priority…)

    @property
    def heading(self) -> str | None:
        """Type name printed above the subject; an official letter (công văn) has none."""
        return None if self.type_name == "Công văn" else self.type_name.upper()

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}/{self.notation}" if self.number else "Số: ……"

    def blocks(self) -> list[tuple[str, object]]:
        """The layout every renderer (PDF, DOCX, ODT, scan) follows."""
        org = ORGANS[self.organ]
        out: list[tuple[str, object]] = [
            ("header", (org.header, self.number_line, NATIONAL_MOTTO, f"{org.place}, {vn_date(self.issued)}"))]
        if self.heading:
            out += [("title", self.heading), ("subtitle", self.subject)]
        else:
            out.append(("subtitle", f"V/v {self.subject[0].lower()}{self.subject[1:]}"))
        out += list(self.body)
        if self.signer:
            out.append(("sign", self.signer))
        if self.to:
            out.append(("recipients", ["Nơi nhận:", *(f"- {t};" for t in self.to), "- Lưu: VT."]))
        return out


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------

def _register_fonts() -> None:
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


# --- signatures --------------------------------------------------------------------------------

@dataclass
class TrustMaterial:
    ca_pem: bytes
    signer: object          # pyhanko SimpleSigner


def make_trust(name_suffix: str = "Khánh Hòa") -> TrustMaterial:
    """A two-level sample PKI (CA → signer), standing in for a CA licensed by Ban Cơ yếu Chính phủ."""
    from asn1crypto import keys as asn1_keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def name(cn, org):
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                          x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Khánh Hòa"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    not_before, not_after = datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2040, 1, 1, tzinfo=timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name("LuuTru Sample Root CA (chỉ dùng thử nghiệm)", "LuuTru samples")
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(1).not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(name("Sở Thông tin và Truyền thông tỉnh " + name_suffix,
                                                        "UBND tỉnh Khánh Hòa"))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    der = lambda c: c.public_bytes(serialization.Encoding.DER)  # noqa: E731
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(cert)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(der(ca_cert))]))
    return TrustMaterial(ca_cert.public_bytes(serialization.Encoding.PEM), signer)


def sign_pdf(path: Path, trust: TrustMaterial, doc: Doc) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", md_algorithm="sha256",
                                        reason=f"Ký ban hành văn bản số {doc.number}/{doc.notation}",
                                        location=ORGANS[doc.organ].place, name=doc.signer[2] if doc.signer else None)
    with path.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
        out = signers.PdfSigner(meta, signer=trust.signer).sign_pdf(writer)
    path.write_bytes(out.getvalue())


# ---------------------------------------------------------------------------------------------
# Files and ZIPs with stable bytes
# ---------------------------------------------------------------------------------------------

def write_zip(path: Path, entries) -> None:
    """Entries are (name, bytes[, compression[, file type]]); fixed timestamps so rebuilding changes nothing.

    A file type of ``stat.S_IFLNK`` stores a symbolic link whose target is the entry's bytes."""
    with zipfile.ZipFile(path, "w") as z:
        for entry in entries:
            name, data, compression, kind = (*entry, *(zipfile.ZIP_DEFLATED, stat.S_IFREG)[len(entry) - 2:])
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = compression
            info.external_attr = (kind | (0o777 if kind == stat.S_IFLNK else 0o644)) << 16
            z.writestr(info, data)


def normalise_zip(path: Path) -> None:
    """Rewrite a ZIP-based office file with fixed timestamps (python-docx stamps the clock)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i), i.compress_type) for i in z.infolist()]
    write_zip(path, entries)


def zip_folder(folder: Path, target: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    write_zip(target, [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files])


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


# ---------------------------------------------------------------------------------------------
# Manifests
# ---------------------------------------------------------------------------------------------

DOSSIER_ORDER = ("FileCode", "Title", "Maintenance", "Rights", "Creator", "Language", "StartDate", "EndDate",
                 "DocTotal", "PageTotal", "Description", "Documents")
# Decree order of fields 1–11, then the outgoing and incoming fields merged in decree order.
DOCUMENT_ORDER = ("DocOrdinal", "TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject",
                  "Language", "PageAmount", "Description", "ArrivalDate", "ArrivalNumber", "SignerInfo", "To",
                  "Priority", "IssuedAmount", "ToPlaces", "TraceHeaderList", "DueDate")


@dataclass
class Dossier:
    folder: str
    organ: str
    catalog: int
    notation: str
    title: str
    maintenance: str
    rights: str
    creator: str
    documents: list[Doc]
    description: str = ""
    manifest: str = "xml"          # xml | json
    zipped: bool = False
    start: date | None = None
    end: date | None = None

    def __post_init__(self):
        dates = [d.issued for d in self.documents] + [d.meta["ArrivalDate"] for d in self.documents
                                                      if "ArrivalDate" in d.meta]
        self.start = self.start or min(dates)
        self.end = self.end or max(dates)


def document_record(doc: Doc, ordinal: int, files: list[tuple[str, str]], pages: int | None) -> dict:
    org = ORGANS[doc.organ]
    rec = {"direction": doc.direction, "files": [{"path": p, "role": r} for p, r in files],
           "DocOrdinal": ordinal, "TypeName": doc.type_name, "CodeNumber": doc.number,
           "CodeNotation": doc.notation, "IssuedDate": doc.issued, "OrganName": org.name,
           "Subject": doc.subject, "Language": "vie", "PageAmount": pages}
    if doc.direction != "internal":
        if doc.signer:
            # "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH" signs as "Phó chủ tịch"
            position = doc.signer[1].split(" - ")[-1].capitalize()
            rec["SignerInfo"] = {"Position": position, "FullName": doc.signer[2]}
        rec["Priority"] = 0
    if doc.direction == "outgoing":
        rec["To"] = [{"OrganName": t} for t in doc.to]
    rec.update(doc.meta)
    return {k: v for k, v in rec.items() if v not in (None, [], "")}


def dossier_record(d: Dossier, documents: list[dict]) -> dict:
    org = ORGANS[d.organ]
    pages = [doc.get("PageAmount") for doc in documents]
    rec = {"FileCode": {"OrganId": org.organ_id, "FileCatalog": d.catalog, "FileNotation": d.notation},
           "Title": d.title, "Maintenance": d.maintenance, "Rights": d.rights, "Creator": d.creator,
           "Language": "vie", "StartDate": d.start, "EndDate": d.end, "DocTotal": len(documents),
           # PageTotal only where every page count is known here (office files are counted by the archive)
           "PageTotal": sum(pages) if all(pages) else None, "Description": d.description, "Documents": documents}
    return {k: v for k, v in rec.items() if v not in (None, "")}


def to_json(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2, default=lambda v: v.isoformat()) + "\n").encode()


def to_xml(record: dict) -> etree._Element:
    def q(tag):
        return f"{{{NS}}}{tag}"

    def add(parent, tag, value):
        if isinstance(value, dict):
            el = etree.SubElement(parent, q(tag))
            for k, v in value.items():
                add(el, k, v)
        elif isinstance(value, list):
            for v in value:
                add(parent, tag, v)
        else:
            etree.SubElement(parent, q(tag)).text = value.isoformat() if isinstance(value, date) else str(value)

    root = etree.Element(q("Dossier"), nsmap={None: NS})
    for key in DOSSIER_ORDER:
        if key == "Documents" and key in record:
            docs = etree.SubElement(root, q("Documents"))
            for doc in record["Documents"]:
                el = etree.SubElement(docs, q("Document"), direction=doc["direction"])
                files = doc["files"]
                if len(files) == 1 and files[0]["role"] == "main":
                    el.set("file", files[0]["path"])
                else:
                    for f in files:
                        etree.SubElement(el, q("File"), path=f["path"], role=f["role"])
                for k in DOCUMENT_ORDER:
                    if k in doc:
                        add(el, k, doc[k])
        elif key in record:
            add(root, key, record[key])
    return root


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_dossier(d: Dossier, target: Path, trust: TrustMaterial) -> dict:
    """Render every document's files into ``target/files`` and write the manifest; return it."""
    (target / "files").mkdir(parents=True)
    ordered = sorted(d.documents, key=lambda doc: doc.issued)
    records = []
    for ordinal, doc in enumerate(ordered, 1):
        files = []
        for part, role in [(doc, "main"), *((a, "attachment") for a in doc.attachments)]:
            rel = f"files/{part.stem}.{EXTENSIONS[part.fmt]}"
            RENDERERS[part.fmt](part, target / rel)
            if part.fmt == "signed-pdf":
                sign_pdf(target / rel, trust, part)
            files.append((rel, role))
        records.append(document_record(doc, ordinal, files, page_count(target / files[0][0])))
    record = dossier_record(d, records)
    if d.manifest == "json":
        (target / "hoso.json").write_bytes(to_json(record))
    else:
        (target / "hoso.xml").write_bytes(xml_bytes(to_xml(record)))
    return record


# ---------------------------------------------------------------------------------------------
# The valid dossiers
# ---------------------------------------------------------------------------------------------

CHAIRMAN = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Đinh Văn Thiệu")      # the decision's real signer
STTTT_DIRECTOR = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An")
SNV_DIRECTOR = ("", "GIÁM ĐỐC", "Trần Thị Bình")
VP_CHIEF = ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Lê Hoàng Nam")
UBND_VICE = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", "Phạm Minh Tuấn")
SUBJECT_QD04 = ("Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan "
                "nhà nước tỉnh Khánh Hòa")


def quote(dec: Decision, *numbers: int) -> list[tuple[str, str]]:
    """Articles of the Regulation, as body blocks."""
    out = []
    for n in numbers:
        heading, paras = dec.article(n)
        out += [("h", heading), *(("p", p) for p in paras)]
    return out


def decision_04(dec: Decision, stem: str, fmt: str = "pdf", direction: str = "outgoing", **meta) -> Doc:
    body = [("p", p) for p in dec.preamble] + [("c", "QUYẾT ĐỊNH:")]
    body += [("p", a) for a in dec.articles]
    regulation = Doc("outgoing", "Quy định", None, None, date(2021, 3, 15), "ubnd", SUBJECT_QD04.split("Ban hành ")[1],
                     [("p", "(Ban hành kèm theo Quyết định số 04/2021/QĐ-UBND ngày 15 tháng 3 năm 2021 "
                            "của Ủy ban nhân dân tỉnh Khánh Hòa)")]
                     + quote(dec, *range(1, len(dec.regulation) + 1)), CHAIRMAN, stem=f"{stem}-quy-dinh-kem-theo")
    return Doc(direction, "Quyết định", "04", "2021/QĐ-UBND", date(2021, 3, 15), "ubnd", SUBJECT_QD04, body,
               CHAIRMAN, ["Văn phòng Chính phủ", "Bộ Thông tin và Truyền thông", "Cục Kiểm tra văn bản QPPL - Bộ Tư pháp",
                          "Thường trực Tỉnh ủy, HĐND tỉnh", "Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
               fmt=fmt, stem=stem, attachments=[regulation] if direction == "outgoing" else [], meta=meta)


def valid_dossiers(dec: Decision) -> list[Dossier]:
    d = date
    art = dec.article
    return [
        Dossier("ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", "ubnd", 2021, "01.VP",
                "Hồ sơ xây dựng và ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động "
                "của cơ quan nhà nước tỉnh Khánh Hòa", "Vĩnh viễn", "Công khai", "Nguyễn Thị Lan", [
                    Doc("incoming", "Công văn", "2849", "STTTT-CNTT", d(2020, 11, 26), "stttt",
                        "Đề nghị ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa."),
                            ("p", "Quyết định số 22/2017/QĐ-UBND ngày 27 tháng 11 năm 2017 của Ủy ban nhân dân tỉnh "
                                  "đã bộc lộ nhiều điểm không còn phù hợp với Nghị định số 30/2020/NĐ-CP về công tác "
                                  "văn thư và Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi "
                                  "trường điện tử."),
                            ("p", "Sở Thông tin và Truyền thông kính trình Ủy ban nhân dân tỉnh dự thảo Quyết định ban "
                                  "hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan "
                                  "nhà nước tỉnh Khánh Hòa, với các nội dung chính sau:"),
                            *quote(dec, 1, 2, 3)], STTTT_DIRECTOR, ["Như trên", "Văn phòng UBND tỉnh"],
                        stem="cv-2849-stttt-cntt",
                        meta={"ArrivalDate": d(2020, 11, 27), "ArrivalNumber": 1532, "ToPlaces": "Phòng Kiểm soát thủ tục hành chính"}),
                    Doc("incoming", "Báo cáo", "12", "BC-STP", d(2021, 1, 20), "stp",
                        "Thẩm định dự thảo Quyết định ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Sở Tư pháp nhận được hồ sơ đề nghị thẩm định dự thảo Quyết định của Ủy ban nhân dân "
                                  "tỉnh ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử. Sau khi nghiên cứu, "
                                  "Sở Tư pháp báo cáo kết quả thẩm định như sau:"),
                            ("h", "1. Sự cần thiết ban hành văn bản"),
                            ("p", "Việc ban hành Quy định là cần thiết, thay thế Quyết định số 22/2017/QĐ-UBND, phù hợp "
                                  "với Nghị định số 30/2020/NĐ-CP."),
                            ("h", "2. Phạm vi điều chỉnh, đối tượng áp dụng"), *(("p", p) for p in art(1)[1]),
                            ("h", "3. Kết luận"),
                            ("p", "Dự thảo đủ điều kiện trình Ủy ban nhân dân tỉnh xem xét, ban hành.")],
                        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Võ Thị Hạnh"), ["UBND tỉnh", "Sở Thông tin và Truyền thông"],
                        stem="bc-12-stp-tham-dinh",
                        meta={"ArrivalDate": d(2021, 1, 21), "ArrivalNumber": 118, "ToPlaces": "Lãnh đạo Văn phòng"}),
                    Doc("internal", "Báo cáo", "35", "BC-VP", d(2021, 2, 10), "vp",
                        "Tổng hợp ý kiến góp ý dự thảo Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Văn phòng Ủy ban nhân dân tỉnh tổng hợp ý kiến của các sở, ban, ngành và Ủy ban nhân "
                                  "dân các huyện, thị xã, thành phố về dự thảo Quy định như sau:"),
                            ("p", "- 18 cơ quan thống nhất với dự thảo; 3 cơ quan đề nghị làm rõ danh mục văn bản "
                                  "trao đổi hoàn toàn dưới dạng điện tử tại Điều 4."),
                            *quote(dec, 4)], VP_CHIEF, fmt="docx", stem="bc-35-vp-tong-hop-gop-y"),
                    decision_04(dec, "qd-04-2021-qd-ubnd", IssuedAmount=60),
                ], description="Gồm công văn đề nghị, báo cáo thẩm định, báo cáo tổng hợp góp ý và quyết định ban hành."),
        Dossier("stttt-2021-05cntt-trien-khai-chu-ky-so", "stttt", 2021, "05.CNTT",
                "Hồ sơ triển khai Quyết định số 04/2021/QĐ-UBND về trao đổi văn bản điện tử có chữ ký số",
                "10 năm", "Công khai", "Hồ Thị Thu", [
                    decision_04(dec, "qd-04-2021-qd-ubnd-ban-den", direction="incoming",
                                ArrivalDate=d(2021, 3, 16), ArrivalNumber=402, ToPlaces="Phòng Công nghệ thông tin"),
                    Doc("outgoing", "Công văn", "215", "STTTT-CNTT", d(2021, 4, 5), "stttt",
                        "Triển khai thực hiện Quyết định số 04/2021/QĐ-UBND", [
                            ("p", "Kính gửi: Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố."),
                            ("p", "Ngày 15 tháng 3 năm 2021, Ủy ban nhân dân tỉnh ban hành Quyết định số "
                                  "04/2021/QĐ-UBND. Để triển khai thực hiện, Sở Thông tin và Truyền thông đề nghị các "
                                  "cơ quan, đơn vị thực hiện các nội dung sau:"),
                            *quote(dec, 3), ("p", "Văn bản này được ký số, không gửi kèm bản giấy.")],
                        STTTT_DIRECTOR, ["Như trên", "UBND tỉnh (b/c)", "Văn phòng UBND tỉnh"], fmt="signed-pdf",
                        stem="cv-215-stttt-cntt-ky-so", meta={"IssuedAmount": 35}),
                ], description="Văn bản đi được ký số bằng chứng thư số của Sở."),
        Dossier("stttt-2021-12vp-van-ban-den-ban-giay", "stttt", 2021, "12.VP",
                "Hồ sơ văn bản đến dạng giấy được số hóa về trao đổi văn bản điện tử của các địa phương",
                "5 năm", "Hạn chế", "Hồ Thị Thu", [
                    Doc("incoming", "Công văn", "512", "UBND-VP", d(2021, 4, 12), "nhatrang",
                        "Thực hiện Quyết định số 04/2021/QĐ-UBND về văn bản điện tử", [
                            ("p", "Kính gửi: Sở Thông tin và Truyền thông tỉnh Khánh Hòa."),
                            ("p", "Thực hiện Quyết định số 04/2021/QĐ-UBND của Ủy ban nhân dân tỉnh về trao đổi, "
                                  "lưu trữ, xử lý văn bản điện tử, Ủy ban nhân dân thành phố Nha Trang báo cáo: "
                                  "100% văn bản điện tử gửi đi được ký số; các phòng, ban đã sử dụng hệ thống Quản lý "
                                  "văn bản và điều hành."),
                            ("p", "Đề nghị Sở hướng dẫn việc lưu trữ văn bản điện tử đối với văn bản đến dạng giấy.")],
                        ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đỗ Văn Hùng"), ["Như trên"], fmt="png",
                        stem="cv-512-ubnd-nha-trang-scan",
                        meta={"ArrivalDate": d(2021, 4, 14), "ArrivalNumber": 633, "ToPlaces": "Văn phòng Sở"}),
                    Doc("incoming", "Báo cáo", "87", "BC-UBND", d(2021, 5, 18), "dienkhanh",
                        "Tình hình trao đổi văn bản điện tử trên địa bàn huyện Diên Khánh", [
                            ("p", "Ủy ban nhân dân huyện Diên Khánh báo cáo tình hình thực hiện Quyết định số "
                                  "04/2021/QĐ-UBND như sau:"), *quote(dec, 5, 6)],
                        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Ngô Văn Lâm"), ["Sở Thông tin và Truyền thông"],
                        fmt="tiff", stem="bc-87-ubnd-dien-khanh-scan",
                        meta={"ArrivalDate": d(2021, 5, 20), "ArrivalNumber": 871, "ToPlaces": "Phòng Công nghệ thông tin"}),
                ], description="Bản quét 300 dpi của văn bản giấy đến (PNG, TIFF nhiều trang)."),
        Dossier("stttt-2021-08cntt-tap-huan-vbdt", "stttt", 2021, "08.CNTT",
                "Hồ sơ tổ chức tập huấn sử dụng văn bản điện tử, chữ ký số cho cán bộ, công chức",
                "10 năm", "Công khai", "Lê Quốc Việt", [
                    Doc("outgoing", "Kế hoạch", "45", "KH-STTTT", d(2021, 5, 10), "stttt",
                        "Tập huấn sử dụng văn bản điện tử, chữ ký số", [
                            ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
                            ("p", "Nâng cao kỹ năng trao đổi, lưu trữ, xử lý văn bản điện tử cho cán bộ, công chức theo "
                                  "Điều 17 Quy định ban hành kèm theo Quyết định số 04/2021/QĐ-UBND."),
                            ("h", "II. NỘI DUNG"), *quote(dec, 17)], STTTT_DIRECTOR,
                        ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"], stem="kh-45-stttt-tap-huan",
                        meta={"IssuedAmount": 40}),
                    Doc("internal", "Báo cáo", "18", "BC-CNTT", d(2021, 6, 25), "stttt",
                        "Kết quả tổ chức tập huấn sử dụng văn bản điện tử, chữ ký số", [
                            ("p", "Phòng Công nghệ thông tin báo cáo kết quả tập huấn: 6 lớp, 412 học viên."),
                            *quote(dec, 15)], ("TRƯỞNG PHÒNG", "", "Lê Quốc Việt"), fmt="docx",
                        stem="bc-18-cntt-ket-qua-tap-huan"),
                ], manifest="json", description="Manifest JSON (hoso.json)."),
        Dossier("ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii", "ubnd", 2021, "15.VP",
                "Hồ sơ về tình hình trao đổi văn bản điện tử của các cơ quan nhà nước trong quý II năm 2021",
                "10 năm", "Công khai", "Nguyễn Thị Lan", [
                    Doc("incoming", "Báo cáo", "102", "BC-STTTT", d(2021, 7, 5), "stttt",
                        "Tình hình trao đổi văn bản điện tử quý II năm 2021", [
                            ("p", "Sở Thông tin và Truyền thông báo cáo tình hình trao đổi văn bản điện tử của các "
                                  "cơ quan nhà nước trên địa bàn tỉnh trong quý II năm 2021:"),
                            ("p", "- Tỷ lệ văn bản đi được ký số: 96%; tỷ lệ văn bản gửi hoàn toàn điện tử: 91%."),
                            *quote(dec, 10, 11)], STTTT_DIRECTOR, ["UBND tỉnh"], fmt="odt",
                        stem="bc-102-stttt-quy-ii",
                        meta={"ArrivalDate": d(2021, 7, 6), "ArrivalNumber": 2307, "ToPlaces": "Văn phòng UBND tỉnh"}),
                    Doc("outgoing", "Công văn", "3120", "UBND-VP", d(2021, 7, 20), "ubnd",
                        "Chấn chỉnh việc trao đổi văn bản điện tử", [
                            ("p", "Kính gửi: Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố."),
                            ("p", "Xét Báo cáo số 102/BC-STTTT của Sở Thông tin và Truyền thông, Ủy ban nhân dân tỉnh "
                                  "yêu cầu các cơ quan, đơn vị thực hiện nghiêm Điều 4 Quy định:"), *quote(dec, 4)],
                        UBND_VICE, ["Như trên", "Sở Thông tin và Truyền thông"], stem="cv-3120-ubnd-vp",
                        meta={"IssuedAmount": 45}),
                ], description="Báo cáo dạng ODT và công văn chỉ đạo."),
        Dossier("snv-2021-03lt-huong-dan-nop-luu-hsdt", "snv", 2021, "03.LT",
                "Hồ sơ hướng dẫn lưu trữ, giao nộp hồ sơ điện tử vào Lưu trữ cơ quan", "20 năm", "Công khai",
                "Phan Thị Mai", [
                    Doc("incoming", "Công văn", "1850", "STTTT-CNTT", d(2021, 8, 2), "stttt",
                        "Phối hợp hướng dẫn tiêu chuẩn dữ liệu hồ sơ điện tử", [
                            ("p", "Kính gửi: Sở Nội vụ tỉnh Khánh Hòa."),
                            ("p", "Thực hiện Điều 17 và Điều 18 Quy định ban hành kèm theo Quyết định số "
                                  "04/2021/QĐ-UBND, Sở Thông tin và Truyền thông đề nghị Sở Nội vụ phối hợp:"),
                            *quote(dec, 18)], STTTT_DIRECTOR, ["Như trên"], stem="cv-1850-stttt-cntt",
                        meta={"ArrivalDate": d(2021, 8, 3), "ArrivalNumber": 960, "ToPlaces": "Phòng Văn thư - Lưu trữ"}),
                    Doc("outgoing", "Hướng dẫn", "09", "HD-SNV", d(2021, 9, 10), "snv",
                        "Lưu trữ, giao nộp hồ sơ điện tử vào Lưu trữ cơ quan", [
                            ("h", "I. CĂN CỨ"), ("p", dec.preamble[8]),
                            ("h", "II. NỘI DUNG HƯỚNG DẪN"), *quote(dec, 13, 14)],
                        SNV_DIRECTOR, ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
                        stem="hd-09-snv-nop-luu", meta={"IssuedAmount": 30}),
                ], zipped=True, description="Nộp dưới dạng tệp ZIP."),
        Dossier("ubnd-2021-20vp-hop-trien-khai-qlvb", "ubnd", 2021, "20.VP",
                "Hồ sơ cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", "5 năm", "Hạn chế",
                "Nguyễn Thị Lan", [
                    Doc("internal", "Biên bản", "14", "BB-VP", d(2021, 10, 4), "vp",
                        "Cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", [
                            ("p", "Hồi 8 giờ 00 ngày 04 tháng 10 năm 2021, tại phòng họp số 2, Văn phòng Ủy ban nhân "
                                  "dân tỉnh tổ chức họp triển khai hệ thống Quản lý văn bản và điều hành."),
                            ("p", "Thành phần: Lãnh đạo Văn phòng; Sở Thông tin và Truyền thông; Sở Nội vụ."),
                            *quote(dec, 6)], ("THƯ KÝ", "", "Trần Ngọc Ánh"), stem="bb-14-vp-hop"),
                    Doc("outgoing", "Thông báo", "412", "TB-UBND", d(2021, 10, 8), "ubnd",
                        "Kết luận cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", [
                            ("p", "Ngày 04 tháng 10 năm 2021, Phó Chủ tịch Ủy ban nhân dân tỉnh chủ trì cuộc họp. "
                                  "Phó Chủ tịch kết luận như sau:"), *quote(dec, 16)],
                        ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG - PHÓ CHÁNH VĂN PHÒNG", "Lê Hoàng Nam"),
                        ["Sở Thông tin và Truyền thông", "Sở Nội vụ"], stem="tb-412-ubnd",
                        meta={"IssuedAmount": 10}),
                ], description="Biên bản nội bộ (hạn chế sử dụng) và thông báo kết luận."),
        Dossier("stttt-2021-21cntt-van-ban-khan-attt", "stttt", 2021, "21.CNTT",
                "Hồ sơ xử lý văn bản khẩn về bảo đảm an toàn thông tin hệ thống thư điện tử công vụ", "10 năm",
                "Công khai", "Lê Quốc Việt", [
                    Doc("incoming", "Công văn", "4021", "UBND-VP", d(2021, 11, 1), "ubnd",
                        "Bảo đảm an toàn thông tin hệ thống thư điện tử công vụ", [
                            ("p", "Kính gửi: Sở Thông tin và Truyền thông."),
                            ("p", "Ủy ban nhân dân tỉnh giao Sở Thông tin và Truyền thông kiểm tra, bảo đảm an toàn "
                                  "thông tin hệ thống thư điện tử công vụ; báo cáo kết quả trước ngày 05/11/2021."),
                            *quote(dec, 8)], UBND_VICE, ["Như trên"], stem="cv-4021-ubnd-vp-khan",
                        meta={"ArrivalDate": d(2021, 11, 1), "ArrivalNumber": 2210, "Priority": 1,
                              "ToPlaces": "Phòng Công nghệ thông tin",
                              "TraceHeaderList": "Giám đốc: giao Phòng CNTT chủ trì, báo cáo trước ngày 05/11/2021.",
                              "DueDate": d(2021, 11, 5)}),
                    Doc("outgoing", "Báo cáo", "250", "BC-STTTT", d(2021, 11, 5), "stttt",
                        "Kết quả kiểm tra an toàn thông tin hệ thống thư điện tử công vụ", [
                            ("p", "Thực hiện Công văn số 4021/UBND-VP ngày 01 tháng 11 năm 2021 của Ủy ban nhân dân "
                                  "tỉnh, Sở Thông tin và Truyền thông báo cáo: hệ thống hoạt động ổn định, đã cập nhật "
                                  "bản vá bảo mật, không phát hiện truy cập trái phép."), *quote(dec, 9)],
                        STTTT_DIRECTOR, ["UBND tỉnh"], stem="bc-250-stttt", meta={"Priority": 1, "IssuedAmount": 2}),
                ], description="Văn bản đến khẩn có hạn giải quyết và ý kiến chỉ đạo."),
    ]


# ---------------------------------------------------------------------------------------------
# Legacy Vietnamese encodings, to produce the mojibake the validator must recognise
# ---------------------------------------------------------------------------------------------

# TCVN 5712:1993 (TCVN3, "ABC"): one byte per letter; capitals with a tone mark have no code
# point (typists switched to the .VnTimeH capital font), so they are typed as small letters.
_TCVN3_LETTERS = ("àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
                  "ĂÂÊÔƠƯĐ")
_TCVN3_BYTES = bytes([
    0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6, 0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xAE,
    0xCC, 0xCE, 0xCF, 0xD0, 0xD1, 0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE,
    0xDF, 0xE1, 0xE2, 0xE3, 0xE4, 0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE,
    0xEF, 0xF1, 0xF2, 0xF3, 0xF4, 0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE,
    0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7])
TCVN3 = dict(zip(_TCVN3_LETTERS, _TCVN3_BYTES.decode("cp1252")))

# VNI Windows: base letter followed by a byte for the vowel mark and tone (ô = "oâ", ế = "eá").
_TONES = {"": 0, "\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_VNI_PLAIN = ("", "ù", "ø", "û", "õ", "ï")          # a, e, o, u, y and the horned ơ/ư
_VNI_HAT = ("â", "á", "à", "å", "ã", "ä")           # â, ê, ô
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")         # ă
_VNI_I = ("i", "í", "ì", "æ", "ó", "ò")             # i takes a single byte


def _vni_letter(ch: str) -> str:
    base, *marks = unicodedata.normalize("NFD", ch)
    if base.lower() == "đ" or ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    tone = _TONES[next((m for m in marks if m in _TONES), "")]
    upper = base.isupper()
    b = base.lower()
    if "\u0302" in marks:
        out = b + _VNI_HAT[tone]
    elif "\u0306" in marks:
        out = b + _VNI_BREVE[tone]
    elif "\u031b" in marks:
        out = {"o": "ô", "u": "ö"}[b] + _VNI_PLAIN[tone]
    elif b == "i":
        out = _VNI_I[tone]
    elif b == "y" and tone == 5:
        out = "î"
    else:
        out = b + _VNI_PLAIN[tone]
    return out.upper() if upper else out


def to_tcvn3(text: str) -> str:
    """How text typed in TCVN3 reads when its bytes are taken as Windows-1252."""
    return "".join(TCVN3.get(c, TCVN3.get(c.lower(), c)) for c in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """How text typed in VNI Windows reads when its bytes are taken as Windows-1252."""
    return "".join(_vni_letter(c) if not c.isascii() else c for c in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps ă â ê ô ơ ư đ precomposed but writes tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in parts if m in _TONES)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------------------------------------
# Invalid samples: one mutation of the base dossier each
# ---------------------------------------------------------------------------------------------

def base_dossier(dec: Decision) -> Dossier:
    """Small (three one-page PDFs), complete, and valid; auto fields left for the archive to compute."""
    return Dossier("base", "ubnd", 2021, "02.VP",
                   "Hồ sơ ban hành Quy định trao đổi văn bản điện tử theo Quyết định số 04/2021/QĐ-UBND",
                   "Vĩnh viễn", "Công khai", "Nguyễn Thị Lan", [
                       Doc("incoming", "Công văn", "2849", "STTTT-CNTT", date(2020, 11, 26), "stttt",
                           "Đề nghị ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử",
                           [("p", "Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa."), ("p", dec.preamble[-1])],
                           STTTT_DIRECTOR, stem="cv-2849-stttt-cntt",
                           meta={"ArrivalDate": date(2020, 11, 27), "ArrivalNumber": 1532}),
                       Doc("internal", "Báo cáo", "35", "BC-VP", date(2021, 2, 10), "vp",
                           "Tổng hợp ý kiến góp ý dự thảo Quy định", [("p", dec.article(1)[1][0])], VP_CHIEF,
                           stem="bc-35-vp"),
                       Doc("outgoing", "Quyết định", "04", "2021/QĐ-UBND", date(2021, 3, 15), "ubnd", SUBJECT_QD04,
                           [("p", a) for a in dec.articles], CHAIRMAN, ["Các sở, ban, ngành"], stem="qd-04-2021"),
                   ])


AUTO_FIELDS = ("DocTotal", "PageTotal", "PageAmount")
X = {"d": NS}


class Sample:
    """A copy of the base dossier being mutated: its manifest tree and its folder."""

    def __init__(self, folder: Path, dec: Decision, record: dict):
        self.folder, self.dec = folder, dec
        self.root = etree.fromstring((folder / "hoso.xml").read_bytes())
        for el in self.root.xpath("|".join(f"//d:{f}" for f in AUTO_FIELDS), namespaces=X):
            el.getparent().remove(el)
        # the same manifest as JSON data, for the samples that exercise hoso.json
        self.record = {k: v for k, v in copy.deepcopy(record).items() if k not in AUTO_FIELDS}
        for doc in self.record["Documents"]:
            doc.pop("PageAmount", None)
        self.manifest_name = "hoso.xml"
        self.raw: bytes | None = None            # set to replace the manifest bytes entirely
        self.zip_extra: list = []                # hostile entries appended when zipped (write_zip entries)
        self.has_manifest = True

    def one(self, path: str) -> etree._Element:
        return self.root.xpath(path, namespaces=X)[0]

    def set(self, path: str, value: str) -> None:
        self.one(path).text = value

    def docs(self) -> list[etree._Element]:
        return self.root.xpath("d:Documents/d:Document", namespaces=X)

    def insert_after(self, path: str, tag: str, value: str) -> None:
        anchor = self.one(path)
        el = etree.Element(f"{{{NS}}}{tag}")
        el.text, el.tail = value, anchor.tail
        anchor.addnext(el)

    def rename(self, path: str, tag: str) -> None:
        self.one(path).tag = f"{{{NS}}}{tag}"

    def file(self, index: int) -> Path:
        return self.folder / self.docs()[index].get("file")

    def manifest_text(self) -> str:
        return xml_bytes(self.root).decode()

    def as_json(self, raw: bytes) -> None:
        """Hand in ``raw`` as hoso.json instead of the XML manifest."""
        self.manifest_name, self.raw = "hoso.json", raw
        (self.folder / "hoso.xml").unlink()

    def write(self) -> None:
        manifest = self.folder / self.manifest_name
        if self.has_manifest:
            manifest.write_bytes(self.raw if self.raw is not None else xml_bytes(self.root))
        else:
            manifest.unlink()


@dataclass
class Invalid:
    name: str
    codes: list[str]
    exit_code: int
    what: str
    mutate: Callable[[Sample], None]
    packaging: str = "folder"      # folder | zip | file

    @property
    def submission(self) -> str:
        """What to hand to the validator, relative to the sample's folder."""
        return {"folder": "submission", "zip": "submission.zip", "file": "submission.pdf"}[self.packaging]


def _billion_laughs(s: Sample) -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    text = s.manifest_text().replace("?>\n", "?>\n<!DOCTYPE Dossier [\n  " + "\n  ".join(entities) + "\n]>\n", 1)
    s.raw = re.sub(r"<Title>.*?</Title>", "<Title>&lol9;</Title>", text).encode()


def _external_entity(s: Sample) -> None:
    text = s.manifest_text().replace(
        "?>\n", '?>\n<!DOCTYPE Dossier [\n  <!ENTITY noi_dung SYSTEM "file:///etc/passwd">\n]>\n', 1)
    s.raw = text.replace("</Title>", " &noi_dung;</Title>", 1).encode()


def _reencode(encoding: str, encoder: Callable[[str], bytes]) -> Callable[[Sample], None]:
    def mutate(s: Sample) -> None:
        s.raw = encoder(s.manifest_text().replace("encoding='UTF-8'", f"encoding='{encoding}'", 1))
    return mutate


def _duplicate_first(s: Sample) -> None:
    """The same incoming letter registered twice (received by e-mail and again through the system)."""
    first = s.docs()[0]
    twin = copy.deepcopy(first)
    target = Path(first.get("file")).with_name("cv-2849-stttt-cntt-nhan-lan-2.pdf")
    shutil.copyfile(s.folder / first.get("file"), s.folder / target)
    twin.set("file", target.as_posix())
    twin.find(f"{{{NS}}}ArrivalDate").text = "2020-11-30"
    twin.find(f"{{{NS}}}ArrivalNumber").text = "1547"
    first.addnext(twin)
    for n, doc in enumerate(s.docs(), 1):
        doc.find(f"{{{NS}}}DocOrdinal").text = str(n)


def _attachment_only(s: Sample) -> None:
    doc = s.docs()[0]
    path = doc.attrib.pop("file")
    el = etree.Element(f"{{{NS}}}File", path=path, role="attachment")
    el.tail = doc.text
    doc.insert(0, el)


def _encrypt(s: Sample) -> None:
    path = s.file(0)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.save(path, static_id=True, encryption=pikepdf.Encryption(
            user="matkhau", owner="matkhau-chu", R=4, aes=False, metadata=False))


def _too_long_title(s: Sample) -> None:
    text = " ".join(s.dec.article(2)[1])
    s.set("d:Title", text[: text.index(" ", 520)])


def _swap(s: Sample, a: str, b: str) -> None:
    ea, eb = s.one(a), s.one(b)
    ea.text, eb.text = eb.text, ea.text


def _unlisted(s: Sample) -> None:
    shutil.copyfile(s.file(1), s.folder / "files" / "bc-35-vp-ban-nhap.pdf")


def _many_entries(s: Sample) -> None:
    s.zip_extra = [(f"files/trang-trong/{i:05d}.txt", b"") for i in range(10_001)]


def _symlink(s: Sample) -> None:
    s.zip_extra = [("files/phu-luc.pdf", b"/etc/passwd", zipfile.ZIP_DEFLATED, stat.S_IFLNK)]


def _bomb(s: Sample) -> None:
    s.zip_extra = [("files/phu-luc-scan.pdf", bytes(200 * 1024 * 1024))]


D1, D2, D3 = ("d:Documents/d:Document[1]", "d:Documents/d:Document[2]", "d:Documents/d:Document[3]")
INVALID: list[Invalid] = [
    Invalid("date_order", ["date_order"], 1, "StartDate after EndDate",
            lambda s: _swap(s, "d:StartDate", "d:EndDate")),
    Invalid("date_outside_dossier", ["date_outside_dossier"], 1, "a document issued after the dossier's EndDate",
            lambda s: s.set(f"{D3}/d:IssuedDate", "2021-04-02")),
    Invalid("date_in_future", ["date_in_future"], 1, "EndDate and the last document dated 2099",
            lambda s: (s.set("d:EndDate", "2099-03-15"), s.set(f"{D3}/d:IssuedDate", "2099-03-15"))),
    Invalid("field_required", ["field_required"], 1, "the dossier Title is missing",
            lambda s: s.root.remove(s.one("d:Title"))),
    Invalid("field_too_long", ["field_too_long"], 1, "a Title over 500 characters (an article pasted in)",
            _too_long_title),
    Invalid("field_type", ["field_type"], 1, "IssuedDate typed as dd/mm/yyyy instead of ISO",
            lambda s: s.set(f"{D1}/d:IssuedDate", "26/11/2020")),
    Invalid("field_not_allowed", ["field_not_allowed"], 1, "ArrivalDate on an outgoing document",
            lambda s: s.insert_after(f"{D3}/d:Language", "ArrivalDate", "2021-03-15")),
    Invalid("code_list", ["code_list"], 1, "Maintenance '15 năm', not in the retention code list",
            lambda s: s.set("d:Maintenance", "15 năm")),
    Invalid("organ_id_format", ["organ_id_format"], 1, "OrganId '000.00.00.H4' (12 characters)",
            lambda s: s.set("d:FileCode/d:OrganId", "000.00.00.H4")),
    Invalid("file_catalog_mismatch", ["file_catalog_mismatch"], 1, "FileCatalog 2019 for a dossier of 2020–2021",
            lambda s: s.set("d:FileCode/d:FileCatalog", "2019")),
    Invalid("doc_total_mismatch", ["doc_total_mismatch"], 1, "DocTotal 5 for 3 documents",
            lambda s: s.insert_after("d:EndDate", "DocTotal", "5")),
    Invalid("page_total_mismatch", ["page_total_mismatch"], 1, "PageTotal 12 for three one-page PDFs",
            lambda s: s.insert_after("d:EndDate", "PageTotal", "12")),
    Invalid("page_amount_mismatch", ["page_amount_mismatch"], 1, "PageAmount 7 for a one-page PDF",
            lambda s: s.insert_after(f"{D1}/d:Language", "PageAmount", "7")),
    Invalid("doc_ordinal_sequence", ["doc_ordinal_sequence"], 1, "DocOrdinal 1, 2, 4 (a gap)",
            lambda s: s.set(f"{D3}/d:DocOrdinal", "4")),
    Invalid("doc_ordinal_order", ["doc_ordinal_order"], 1, "DocOrdinal 1 given to the later of two documents",
            lambda s: _swap(s, f"{D1}/d:DocOrdinal", f"{D2}/d:DocOrdinal")),
    Invalid("legacy_encoding_tcvn3", ["legacy_encoding"], 1, "Title typed in TCVN3 (ABC): 'QuyÕt ®Þnh'",
            lambda s: s.set("d:Title", to_tcvn3(s.one("d:Title").text))),
    Invalid("legacy_encoding_vni", ["legacy_encoding"], 1, "Title typed in VNI Windows: 'Quyeát ñònh'",
            lambda s: s.set("d:Title", to_vni(s.one("d:Title").text))),
    Invalid("state_secret", ["state_secret"], 1, "Rights 'Tối mật': state-secret material, refused",
            lambda s: s.set("d:Rights", "Tối mật")),
    Invalid("file_missing", ["file_missing"], 1, "the manifest names a file that is not there",
            lambda s: s.file(1).unlink()),
    Invalid("file_unlisted", ["file_unlisted"], 1, "a file in files/ that no document names", _unlisted),
    Invalid("unsafe_path_parent", ["unsafe_path"], 1, "a file path climbing out with '..'",
            lambda s: s.docs()[0].set("file", "../../hoso-khac/files/cv-2849-stttt-cntt.pdf")),
    Invalid("unsafe_path_absolute", ["unsafe_path"], 1, "an absolute file path",
            lambda s: s.docs()[0].set("file", "/etc/passwd")),
    Invalid("document_without_main_file", ["document_without_main_file"], 1,
            "a document whose only file is an attachment", _attachment_only),
    Invalid("file_unreadable_broken_pdf", ["file_unreadable"], 1, "a PDF cut off after a third of its bytes",
            lambda s: s.file(0).write_bytes(s.file(0).read_bytes()[: s.file(0).stat().st_size // 3])),
    Invalid("file_unreadable_encrypted_pdf", ["file_unreadable"], 1, "a PDF that needs a password to open",
            _encrypt),
    Invalid("manifest_missing", ["manifest_missing"], 2, "files/ without hoso.xml",
            lambda s: setattr(s, "has_manifest", False)),
    Invalid("manifest_malformed", ["manifest_malformed"], 1, "hoso.xml cut off in the middle",
            lambda s: setattr(s, "raw", xml_bytes(s.root)[: len(xml_bytes(s.root)) // 2])),
    Invalid("manifest_schema", ["manifest_schema"], 1, "an element not in the schema (RetentionPeriod)",
            lambda s: s.rename("d:Maintenance", "RetentionPeriod")),
    Invalid("manifest_malformed_json", ["manifest_malformed"], 1, "hoso.json cut off in the middle",
            lambda s: s.as_json(to_json(s.record)[: len(to_json(s.record)) // 2])),
    Invalid("manifest_schema_json", ["manifest_schema"], 1, "hoso.json with a key not in the schema (GhiChuNoiBo)",
            lambda s: s.as_json(to_json({**s.record, "GhiChuNoiBo": "Chỉ lưu hành nội bộ"}))),
    Invalid("manifest_forbidden_construct_billion_laughs", ["manifest_forbidden_construct"], 1,
            "a DTD with nested entities (billion laughs)", _billion_laughs),
    Invalid("manifest_forbidden_construct_external_entity", ["manifest_forbidden_construct"], 1,
            "an external entity reading /etc/passwd (XXE)", _external_entity),
    Invalid("manifest_encoding_windows_1258", ["manifest_encoding"], 1, "hoso.xml saved as Windows-1258",
            _reencode("windows-1258", to_cp1258)),
    Invalid("manifest_encoding_utf16", ["manifest_encoding"], 1, "hoso.xml saved as UTF-16",
            _reencode("UTF-16", lambda t: t.encode("utf-16"))),
    # Warnings only: the dossier is accepted (exit code 0) and the warning is reported.
    Invalid("notation_type_mismatch", ["notation_type_mismatch"], 0, "TypeName 'Tờ trình' with notation QĐ-UBND",
            lambda s: s.set(f"{D3}/d:TypeName", "Tờ trình")),
    Invalid("duplicate_document", ["duplicate_document"], 0, "the same incoming letter registered twice",
            _duplicate_first),
    Invalid("text_not_nfc", ["text_not_nfc"], 0, "a Title in decomposed Unicode (NFD)",
            lambda s: s.set("d:Title", unicodedata.normalize("NFD", s.one("d:Title").text))),
    Invalid("retention_shorter_than_default", ["retention_shorter_than_default"], 0,
            "a dossier issuing a regulation kept 10 years (default: permanent)",
            lambda s: s.set("d:Maintenance", "10 năm")),
    # Hostile ZIPs: the submission is refused before anything is read (exit code 2).
    Invalid("zip_unsafe_entry_parent", ["zip_unsafe_entry"], 2, "a ZIP entry '../../tmp/luutru-thu.txt'",
            lambda s: setattr(s, "zip_extra", [("../../tmp/luutru-thu.txt", b"path traversal\n")]), packaging="zip"),
    Invalid("zip_unsafe_entry_symlink", ["zip_unsafe_entry"], 2, "a ZIP entry that is a symlink to /etc/passwd",
            _symlink, packaging="zip"),
    Invalid("zip_bomb", ["zip_bomb"], 2, "200 MB of zeros in 200 kB (ratio over 500, limit 200)",
            _bomb, packaging="zip"),
    Invalid("zip_too_many_entries", ["zip_too_many_entries"], 2, "10,005 entries (limit 10,000)", _many_entries,
            packaging="zip"),
    Invalid("not_a_submission", ["not_a_submission"], 2, "a lone PDF handed in instead of a folder or ZIP",
            lambda s: None, packaging="file"),
]


def write_invalid(spec: Invalid, base: Path, record: dict, target: Path, dec: Decision) -> None:
    work = target.parent / f".{spec.name}.tmp"
    shutil.copytree(base, work)
    sample = Sample(work, dec, record)
    spec.mutate(sample)
    sample.write()
    target.mkdir(parents=True)
    if spec.packaging == "folder":
        shutil.copytree(work, target / spec.submission)
    elif spec.packaging == "file":
        shutil.copyfile(sample.file(0), target / spec.submission)
    else:
        files = sorted(p for p in work.rglob("*") if p.is_file())
        write_zip(target / spec.submission,
                  [(p.relative_to(work).as_posix(), p.read_bytes()) for p in files] + sample.zip_extra)
    shutil.rmtree(work)
    expected = {"exit_code": spec.exit_code, "codes": spec.codes, "submission": spec.submission}
    (target / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# README and entry point
# ---------------------------------------------------------------------------------------------

README_HEAD = """# Sample dossiers

Generated by `scripts/build_samples.py` (`.venv/bin/python scripts/build_samples.py`); do not edit
by hand, rebuild. Source text: `sources/` (Decision 04/2021/QĐ-UBND of Khánh Hòa, public legal
normative document). Fonts: DejaVu (Debian `fonts-dejavu-core`). Rebuilds are byte-identical
except `trust/ca.pem` and the signed PDF (fresh keys and signing time on every run).

`trust/ca.pem` is the sample root CA that signed the signer certificate of the signed PDF; point
`LUUTRU_TRUST_ROOTS_DIR` at `samples/trust` to validate that signature. Test use only.

## Valid dossiers (`luutru validate` exit code 0)

| Sample | Agency (OrganId) | Manifest | Retention / rights | Documents | Demonstrates |
|---|---|---|---|---|---|
"""

INVALID_HEAD = """
## Invalid dossiers: one rule each

Each `invalid/<name>/` is derived from one valid base dossier (three one-page PDFs: an incoming
letter, an internal report and an outgoing decision, auto fields omitted) by a single mutation.
`expected.json` gives the validator's expected exit code, the codes that must appear (errors,
or warnings where the exit code is 0) and `submission`: what to hand to the validator, relative
to the sample's folder: `submission/` (a dossier folder), `submission.zip` or `submission.pdf`.
Keeping the submission apart from `expected.json` means the test file is never an unlisted file
of the dossier. Validate them all with `luutru validate samples/invalid/*/submission*`.

| Sample | Mutation | Expected codes | Exit code |
|---|---|---|---|
"""


def readme(dossiers: list[Dossier], records: dict[str, dict]) -> str:
    rows = []
    for d in dossiers:
        rec = records[d.folder]
        kinds = ", ".join(f"{doc['direction']} {doc['TypeName'].lower()} ({Path(doc['files'][0]['path']).suffix[1:]}"
                          + (f" + {len(doc['files']) - 1} attachment" if len(doc["files"]) > 1 else "") + ")"
                          for doc in rec["Documents"])
        name = f"`valid/{d.folder}{'.zip' if d.zipped else '/'}`"
        rows.append(f"| {name} | {ORGANS[d.organ].name} ({ORGANS[d.organ].organ_id}) | hoso.{d.manifest} | "
                    f"{d.maintenance} / {d.rights} | {kinds} | {d.description} |")
    inv = [f"| `invalid/{i.name}/` | {i.what} | {', '.join(i.codes)} | {i.exit_code} |" for i in INVALID]
    return README_HEAD + "\n".join(rows) + "\n" + INVALID_HEAD + "\n".join(inv) + "\n"


def build(out: Path = SAMPLES) -> None:
    _register_fonts()
    dec = read_decision()
    trust = make_trust()
    for sub in ("valid", "invalid", "trust"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    (out / "trust" / "ca.pem").write_bytes(trust.ca_pem)

    dossiers = valid_dossiers(dec)
    records = {}
    for d in dossiers:
        target = out / "valid" / d.folder
        records[d.folder] = write_dossier(d, target, trust)
        if d.zipped:
            zip_folder(target, target.with_suffix(".zip"))
            shutil.rmtree(target)

    base = out / "invalid" / ".base"
    record = write_dossier(base_dossier(dec), base, trust)
    for spec in INVALID:
        write_invalid(spec, base, record, out / "invalid" / spec.name, dec)
    shutil.rmtree(base)
    (out / "README.md").write_text(readme(dossiers, records), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES)
