"""The transfer's documents for people: the transfer list (mục lục hồ sơ nộp lưu) as XLSX
and PDF, and the handover record (biên bản giao nhận) PDF with counts, total size and the
SHA-256 of every package. Vietnamese text in PDFs is set in DejaVu, which has every
Vietnamese glyph."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from archive.transfer.manifest import HANDOVER_RECORD, TRANSFER_LIST, TransferManifest

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LIST_HEADINGS = ("STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu", "Thời gian kết thúc", "Số văn bản",
                 "Số trang", "Thời hạn bảo quản", "Mã gói tin")


def _fonts() -> tuple[str, str]:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {"title": ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1, spaceAfter=6),
            "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=12),
            "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9.5),
            "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5)}


def _list_rows(manifest: TransferManifest) -> list[list]:
    return [[i, p.dossier_code, p.title, f"{p.start_date:%d/%m/%Y}" if p.start_date else "",
             f"{p.end_date:%d/%m/%Y}" if p.end_date else "", p.documents, p.pages or "", p.maintenance, p.package_id]
            for i, p in enumerate(manifest.packages, start=1)]


def _table(rows: list[list], headings, widths, styles) -> Table:
    data = [[Paragraph(h, styles["head"]) for h in headings]]
    data += [[Paragraph(str(v), styles["cell"]) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    return table


def _heading(manifest: TransferManifest, title: str, styles) -> list:
    return [Paragraph(title, styles["title"]),
            Paragraph(f"Cơ quan nộp lưu: {manifest.agency_name} ({manifest.organ_id})", styles["body"]),
            Paragraph(f"Số hiệu đợt nộp lưu: {manifest.reference} — lập ngày "
                      f"{manifest.created:%d/%m/%Y %H:%M} bởi {manifest.prepared_by}", styles["body"]),
            Spacer(1, 4 * mm)]


def transfer_list_xlsx(manifest: TransferManifest, data_dir: Path) -> Path:
    path = data_dir / f"{TRANSFER_LIST}.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Mục lục hồ sơ nộp lưu"
    ws.append(["MỤC LỤC HỒ SƠ NỘP LƯU"])
    ws.append([f"Cơ quan nộp lưu: {manifest.agency_name} ({manifest.organ_id})"])
    ws.append([f"Số hiệu đợt nộp lưu: {manifest.reference}"])
    ws.append(list(LIST_HEADINGS))
    for cell in (ws["A1"], *ws[4]):
        cell.font = Font(bold=True)
    for row in _list_rows(manifest):
        ws.append(row)
    for column, width in zip("ABCDEFGHI", (5, 28, 50, 14, 14, 10, 10, 16, 48)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=5):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
    return path


def transfer_list_pdf(manifest: TransferManifest, data_dir: Path) -> Path:
    path = data_dir / f"{TRANSFER_LIST}.pdf"
    styles = _styles()
    widths = [10 * mm, 42 * mm, 70 * mm, 22 * mm, 22 * mm, 14 * mm, 14 * mm, 22 * mm, 52 * mm]
    story = [*_heading(manifest, "MỤC LỤC HỒ SƠ NỘP LƯU", styles),
             _table(_list_rows(manifest), LIST_HEADINGS, widths, styles)]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), title="Mục lục hồ sơ nộp lưu",
                      leftMargin=10 * mm, rightMargin=10 * mm).build(story)
    return path


def handover_record_pdf(manifest: TransferManifest, data_dir: Path) -> Path:
    path = data_dir / HANDOVER_RECORD
    styles = _styles()
    body = styles["body"]
    story = [*_heading(manifest, "BIÊN BẢN GIAO NHẬN TÀI LIỆU NỘP LƯU", styles),
             Paragraph(f"Số lượng hồ sơ: {len(manifest.packages)}", body),
             Paragraph(f"Số lượng văn bản: {sum(p.documents for p in manifest.packages)}", body),
             Paragraph(f"Số lượng tệp: {manifest.total_files}", body),
             Paragraph(f"Tổng dung lượng: {manifest.total_size:,} byte".replace(",", "."), body),
             Paragraph("Công cụ kiểm tra toàn vẹn: SHA-256 của tệp METS.xml gốc mỗi gói tin (tệp này nêu mã "
                       "SHA-256 của mọi tệp khác trong gói); mã của mọi tệp ở manifest-sha256.txt.", body),
             Spacer(1, 4 * mm),
             _table([[i, p.dossier_code, p.package_id, f"{p.size:,}".replace(",", "."), p.mets_sha256]
                     for i, p in enumerate(manifest.packages, start=1)],
                    ("STT", "Mã hồ sơ", "Mã gói tin", "Dung lượng (byte)", "SHA-256 của METS.xml"),
                    [10 * mm, 45 * mm, 60 * mm, 25 * mm, 110 * mm], styles),
             Spacer(1, 10 * mm),
             Table([[Paragraph("ĐẠI DIỆN BÊN GIAO", styles["head"]), Paragraph("ĐẠI DIỆN BÊN NHẬN", styles["head"])],
                    [Paragraph("(Ký, ghi rõ họ tên)", body), Paragraph("(Ký, ghi rõ họ tên)", body)]],
                   colWidths=[120 * mm, 120 * mm])]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), title="Biên bản giao nhận tài liệu nộp lưu",
                      leftMargin=10 * mm, rightMargin=10 * mm).build(story)
    return path
