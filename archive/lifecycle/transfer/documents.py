"""The transfer's documents for people: the transfer list (mục lục hồ sơ nộp lưu) as XLSX
and PDF, and the handover record (biên bản giao nhận) PDF with counts, total size and the
SHA-256 of every package. PDFs are written by ``archive.pdf`` (reportlab, DejaVu fonts)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from archive.pdf import PdfDocument, PdfTable, write_pdf
from archive.lifecycle.transfer.manifest import HANDOVER_RECORD, TRANSFER_LIST, TransferManifest
from archive.vn import vn_date
from archive.xlsx import append_row

LIST_TITLE = "MỤC LỤC HỒ SƠ NỘP LƯU"
LIST_HEADINGS = ["STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu", "Thời gian kết thúc", "Số văn bản",
                 "Số trang", "Thời hạn bảo quản", "Mã gói tin"]
LIST_WIDTHS_MM = [10, 40, 70, 22, 22, 14, 14, 22, 53]


def _list_rows(manifest: TransferManifest) -> list[list]:
    return [[i, p.dossier_code, p.title, f"{p.start_date:%d/%m/%Y}" if p.start_date else "",
             f"{p.end_date:%d/%m/%Y}" if p.end_date else "", p.documents, p.pages or "", p.maintenance, p.package_id]
            for i, p in enumerate(manifest.packages, start=1)]


def _heading(manifest: TransferManifest) -> list[str]:
    named = manifest.agency_name if manifest.agency_name == manifest.organ_id else \
        f"{manifest.agency_name} (mã định danh {manifest.organ_id})"
    return [f"Cơ quan nộp lưu: {named}",
            f"Số hiệu đợt nộp lưu: {manifest.reference} — lập ngày {vn_date(manifest.created)} "
            f"bởi {manifest.prepared_by}"]


def _size(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def transfer_list_xlsx(manifest: TransferManifest, data_dir: Path) -> Path:
    path = data_dir / f"{TRANSFER_LIST}.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Mục lục hồ sơ nộp lưu"
    ws.append([LIST_TITLE])
    for line in _heading(manifest):
        append_row(ws, [line])
    ws.append(LIST_HEADINGS)
    header_row = ws.max_row
    for cell in (ws["A1"], *ws[header_row]):
        cell.font = Font(bold=True)
    for row in _list_rows(manifest):
        append_row(ws, row)
    for column, width in zip("ABCDEFGHI", (5, 28, 50, 14, 14, 10, 10, 16, 48)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
    return path


def transfer_list_pdf(manifest: TransferManifest, data_dir: Path) -> Path:
    doc = PdfDocument(title=LIST_TITLE, lines=_heading(manifest), issuer=manifest.agency_name,
                      tables=[PdfTable("Danh sách hồ sơ", LIST_HEADINGS, _list_rows(manifest), LIST_WIDTHS_MM)])
    return write_pdf(doc, data_dir / f"{TRANSFER_LIST}.pdf", landscape_pages=True)


def handover_record_pdf(manifest: TransferManifest, data_dir: Path) -> Path:
    packages = [[i, p.dossier_code, p.package_id, _size(p.size), p.mets_sha256]
                for i, p in enumerate(manifest.packages, start=1)]
    doc = PdfDocument(
        title="BIÊN BẢN GIAO NHẬN TÀI LIỆU NỘP LƯU", issuer=manifest.agency_name,
        lines=[*_heading(manifest),
               f"Số lượng hồ sơ: {len(manifest.packages)}",
               f"Số lượng văn bản: {sum(p.documents for p in manifest.packages)}",
               f"Số lượng tệp: {manifest.total_files}",
               f"Tổng dung lượng: {_size(manifest.total_size)} byte",
               "Kiểm tra toàn vẹn: SHA-256 của tệp METS.xml gốc mỗi gói tin (tệp này nêu mã SHA-256 của mọi tệp "
               "khác trong gói); mã SHA-256 của mọi tệp trong bộ hồ sơ ở manifest-sha256.txt."],
        tables=[PdfTable("Danh sách gói tin và mã kiểm tra", ["STT", "Mã hồ sơ", "Mã gói tin", "Dung lượng (byte)",
                                                               "SHA-256 của METS.xml"], packages,
                         [10, 45, 62, 25, 125])],
        closing=["ĐẠI DIỆN BÊN GIAO (ký, ghi rõ họ tên)", "", "", "ĐẠI DIỆN BÊN NHẬN (ký, ghi rõ họ tên)"])
    return write_pdf(doc, data_dir / HANDOVER_RECORD, landscape_pages=True)
