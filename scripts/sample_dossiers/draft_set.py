"""The labelled set of ``bench/draft_bench.py``: documents of every Appendix III type with the
Appendix VI fields an archivist would enter for them.

Every type of ``schemas/codelists/document_types.csv`` appears at least twice, issued by
twelve agencies (provincial committee, its office, departments, districts), signed under
``KT.``/``TM.``/``TL.`` or in the signer's own name, dated with and without leading zeros,
with normative notations (``15/2023/QĐ-UBND``) and letters without a type abbreviation
(``123/SNV-VP``). Each document is rendered as born-digital PDF in one of two layouts (the
samples' own, and one with the ``V/v`` under the number and the recipients beside the
signature), DOCX or ODT, and a share of them printed and scanned at 200 dpi. A fixed seed
makes the set the same on every run. Bodies are paragraphs of the public Decision
04/2021/QĐ-UBND (``samples/sources``).
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from sample_dossiers.documents import NATIONAL_MOTTO, ORGANS, Doc, Organ
from sample_dossiers.render import FONT_DIR, RENDERERS
from sample_dossiers.source import Decision

SEED = 20240608
# Agencies beyond the samples' own, registered for the set (name, printed header, place).
EXTRA_ORGANS = {
    "skhdt": Organ("Sở Kế hoạch và Đầu tư tỉnh Khánh Hòa", ("UBND TỈNH KHÁNH HÒA", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ")),
    "stnmt": Organ("Sở Tài nguyên và Môi trường tỉnh Khánh Hòa",
                   ("UBND TỈNH KHÁNH HÒA", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")),
    "sldtbxh": Organ("Sở Lao động - Thương binh và Xã hội tỉnh Khánh Hòa",
                     ("UBND TỈNH KHÁNH HÒA", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")),
    "camlam": Organ("Ủy ban nhân dân huyện Cam Lâm", ("ỦY BAN NHÂN DÂN", "HUYỆN CAM LÂM"), "Cam Lâm"),
    "ninhhoa": Organ("Ủy ban nhân dân thị xã Ninh Hòa", ("ỦY BAN NHÂN DÂN", "THỊ XÃ NINH HÒA"), "Ninh Hòa"),
}
# The organ's code in notations, and who signs for it: (authority line, printed position, position as entered).
ISSUERS = {
    "ubnd": ("UBND", [("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Chủ tịch"),
                      ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phó Chủ tịch")]),
    "vp": ("VP", [("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Phó Chánh Văn phòng"),
                  ("", "CHÁNH VĂN PHÒNG", "Chánh Văn phòng")]),
    "stttt": ("STTTT", [("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phó Giám đốc"), ("", "GIÁM ĐỐC", "Giám đốc")]),
    "snv": ("SNV", [("", "GIÁM ĐỐC", "Giám đốc"), ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Chánh Văn phòng")]),
    "stp": ("STP", [("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phó Giám đốc")]),
    "nhatrang": ("UBND", [("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Chủ tịch")]),
    "dienkhanh": ("UBND", [("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phó Chủ tịch")]),
    "skhdt": ("SKHĐT", [("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phó Giám đốc")]),
    "stnmt": ("STNMT", [("", "GIÁM ĐỐC", "Giám đốc")]),
    "sldtbxh": ("SLĐTBXH", [("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phó Giám đốc")]),
    "camlam": ("UBND", [("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Chủ tịch")]),
    "ninhhoa": ("UBND", [("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phó Chủ tịch")]),
}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Nam", "Phạm Minh Tuấn", "Võ Thị Hạnh", "Đinh Văn Thiệu",
         "Hồ Thị Thu", "Ngô Văn Lâm", "Đỗ Văn Hùng", "Bùi Thị Mai", "Huỳnh Tấn Phát", "Lương Thị Hồng Nhung",
         "Trương Công Định", "Phan Thanh Hải", "Nguyễn Thị Kim Oanh", "Dương Quốc Khánh"]
# Subjects per kind of business, completed by the type ("Kế hoạch" + "Tổ chức tập huấn …").
TOPICS = ["Triển khai hệ thống quản lý văn bản và điều hành", "Tập huấn sử dụng chữ ký số cho cán bộ, công chức",
          "Chỉnh lý tài liệu lưu trữ tồn đọng năm 2019", "Nộp lưu hồ sơ điện tử vào Lưu trữ lịch sử tỉnh",
          "Bảo đảm an toàn thông tin hệ thống thư điện tử công vụ", "Kiểm tra công tác văn thư, lưu trữ năm 2022",
          "Số hóa tài liệu lưu trữ giai đoạn 2022 - 2025", "Quản lý tài liệu điện tử trong cơ quan nhà nước",
          "Xây dựng danh mục hồ sơ năm 2023", "Thực hiện Quyết định số 04/2021/QĐ-UBND về văn bản điện tử",
          "Tiêu hủy tài liệu hết giá trị tại kho lưu trữ", "Cải cách hành chính trong công tác văn thư"]
NORMATIVE = {"Quyết định", "Nghị quyết", "Chỉ thị"}     # legal normative documents carry the year


@dataclass
class DraftDoc(Doc):
    """A document whose date line is written with leading zeros (``ngày 05 tháng 03``) or without."""
    leading_zeros: bool = True

    def date_line(self) -> str:
        d = self.issued
        day, month = (f"{d.day:02d}", f"{d.month:02d}") if self.leading_zeros else (str(d.day), str(d.month))
        return f"{ORGANS[self.organ].place}, ngày {day} tháng {month} năm {d.year}"

    def blocks(self) -> list[tuple[str, object]]:
        out = super().blocks()
        organ, number, motto, _ = out[0][1]
        return [("header", (organ, number, motto, self.date_line())), *out[1:]]


@dataclass
class Labelled:
    doc: Doc
    layout: str            # "a" (the samples' layout) | "b" (V/v under the number, recipients beside the signer)
    fmt: str               # pdf | docx | odt | scan
    labels: dict


def _subject(type_name: str, topic: str, rng: random.Random) -> str:
    if type_name in ("Quyết định", "Nghị quyết", "Chỉ thị", "Quy chế", "Quy định"):
        prefix = rng.choice(["Ban hành Quy chế", "Về việc", "Về"]) if type_name == "Quyết định" else "Về"
        return f"{prefix} {topic[:1].lower()}{topic[1:]}"
    return topic


def _body(dec: Decision, rng: random.Random) -> list[tuple[str, str]]:
    paragraphs = [p for _, ps in dec.regulation for p in ps if len(p) > 80]
    picked = rng.sample(paragraphs, rng.randint(2, 6))
    return [("p", p) for p in picked]


def labelled_set(dec: Decision, types: list[tuple[str, str]]) -> list[Labelled]:
    """Two to three documents per type, formats and layouts in turn; about a third scanned."""
    ORGANS.update(EXTRA_ORGANS)
    rng = random.Random(SEED)
    organs = list(ISSUERS)
    fmts = ["pdf", "pdf", "docx", "pdf", "scan", "odt", "pdf", "scan", "docx", "scan"]
    out: list[Labelled] = []
    start = date(2019, 1, 2)
    for index in range(max(60, 2 * len(types)) + 12):
        type_name, abbr = types[index % len(types)]
        organ = organs[(index * 5) % len(organs)]
        code, signers = ISSUERS[organ]
        authority, printed, position = signers[index % len(signers)]
        issued = start + timedelta(days=rng.randint(0, 5 * 365))
        number = str(rng.randint(1, 3999))
        if type_name in NORMATIVE and organ in ("ubnd", "nhatrang", "camlam") and index % 2 == 0:
            number, notation = f"{rng.randint(1, 60):02d}", f"{issued.year}/{abbr}-{code}"
        elif type_name == "Thư công":
            number, notation = None, None       # a public letter carries no number
        elif abbr:
            notation = f"{abbr}-{code}"
        else:
            notation = f"{code}-{rng.choice(['VP', 'TH', 'NC', 'KT'])}"     # công văn: issuer-unit
        topic = TOPICS[rng.randrange(len(TOPICS))]
        subject = _subject(type_name, topic, rng)
        name = NAMES[rng.randrange(len(NAMES))]
        fmt = fmts[index % len(fmts)]
        layout = "b" if index % 3 == 1 else "a"
        stem = f"{index + 1:03d}-{(abbr or 'cv').lower().replace('đ', 'd')}-{organ}"
        doc = DraftDoc("outgoing", type_name, number, notation, issued, organ, subject, _body(dec, rng),
                       (authority, printed, name), ["Như trên"], stem=stem,
                       leading_zeros=index % 4 != 3)
        labels = {"TypeName": type_name, "CodeNumber": number, "CodeNotation": notation,
                  "IssuedDate": issued.isoformat(), "OrganName": ORGANS[organ].name, "Subject": subject,
                  "SignerInfo.Position": position, "SignerInfo.FullName": name, "Language": "vie"}
        out.append(Labelled(doc, layout, fmt, labels))
    return out


# --- layout b: the number and V/v top left, recipients beside the signature -----------------

def render_pdf_b(doc: DraftDoc, path: Path) -> None:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    for face in ("", "-Bold", "-Oblique"):
        pdfmetrics.registerFont(TTFont(f"DejaVuSans{face}", FONT_DIR / f"DejaVuSans{face}.ttf"))
    body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=11, leading=16, alignment=TA_JUSTIFY,
                          firstLineIndent=12 * mm, spaceAfter=5)
    centre = ParagraphStyle("c", body, fontSize=10, leading=13, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0)
    bold = ParagraphStyle("t", centre, fontName="DejaVuSans-Bold", fontSize=12, leading=16)
    small = ParagraphStyle("s", centre, fontSize=9, leading=11, alignment=TA_LEFT)
    org = ORGANS[doc.organ]
    left = "<br/>".join(escape(x) for x in org.header[:-1]) + f"<br/><b>{escape(org.header[-1])}</b><br/><br/>" + \
        escape(doc.number_line)
    if not doc.heading:
        left += f"<br/><font size=9>V/v {escape(doc.subject[:1].lower() + doc.subject[1:])}</font>"
    right = f"<b>{NATIONAL_MOTTO[0]}</b><br/><b>{NATIONAL_MOTTO[1]}</b><br/><br/><i>{escape(doc.date_line())}</i>"
    header = Table([[Paragraph(left, centre), Paragraph(right, centre)]], colWidths=[75 * mm, 95 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flow = [header, Spacer(1, 8 * mm)]
    if doc.heading:
        flow += [Paragraph(escape(doc.heading), bold), Paragraph(f"<b>{escape(doc.subject)}</b>", centre),
                 Spacer(1, 6 * mm)]
    else:
        flow += [Paragraph("Kính gửi: " + escape(", ".join(doc.to)) + ".", centre), Spacer(1, 4 * mm)]
    flow += [Paragraph(escape(text), body) for _, text in doc.body]
    authority, position, name = doc.signer
    sign = "<br/>".join(f"<b>{escape(x)}</b>" for x in [*authority.split("\n"), position] if x) + \
        f"<br/><br/><br/><br/><b>{escape(name)}</b>"
    recipients = "<b><i>Nơi nhận:</i></b><br/>" + "<br/>".join(f"- {escape(t)};" for t in doc.to) + "<br/>- Lưu: VT."
    closing = Table([[Paragraph(recipients, small), Paragraph(sign, centre)]], colWidths=[85 * mm, 85 * mm])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flow += [Spacer(1, 4 * mm), closing]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=15 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm, title=doc.subject, creator="LuuTru draft set", invariant=1).build(flow)


# --- scans: the PDF printed and scanned at 200 dpi --------------------------------------------

SCAN_DPI = 200


def scan_pages(pdf: Path, seed: int) -> list[Image.Image]:
    """Each page at 200 dpi, slightly skewed, with scanner dust, seeded."""
    import pypdfium2

    rng = random.Random(seed)
    document = pypdfium2.PdfDocument(str(pdf))
    pages = []
    try:
        for page in document:
            image = page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(rng.uniform(0.2, 0.7) * rng.choice((-1, 1)), resample=Image.BICUBIC, fillcolor=255)
            draw = ImageDraw.Draw(image)
            for _ in range(600):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                draw.point((x, y), fill=rng.randrange(60, 200))
            pages.append(image)
    finally:
        document.close()
    return pages


def render(item: Labelled, folder: Path) -> Path:
    """Write the document in its format; returns the file."""
    base = "pdf" if item.fmt == "scan" else item.fmt
    suffix = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt"}[base]
    target = folder / f"{item.doc.stem}{suffix}"
    if base == "pdf" and item.layout == "b":
        render_pdf_b(item.doc, target)
    else:
        RENDERERS[base](item.doc, target)
    if item.fmt != "scan":
        return target
    pages = scan_pages(target, SEED + len(item.doc.stem) + item.doc.issued.toordinal())
    target.unlink()
    if len(pages) == 1:
        scan = target.with_suffix(".png")
        buffer = io.BytesIO()
        pages[0].save(buffer, format="PNG", dpi=(SCAN_DPI, SCAN_DPI), optimize=True)
        scan.write_bytes(buffer.getvalue())
    else:
        scan = target.with_suffix(".tif")
        pages[0].save(scan, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(SCAN_DPI, SCAN_DPI))
    return scan
