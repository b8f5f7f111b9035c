"""Auditor reports (báo cáo cho Sở Nội vụ), for one agency or the whole province.

A report is a list of sections (a title, a header, rows), so the XLSX (one sheet per
section, openpyxl) and the PDF (reportlab) show exactly the same figures.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, select

from archive import audit
from archive import clock
from archive.catalog.db import session_scope
from archive.catalog.destruction import (DestructionCertificate, DestructionItem, DestructionList, DestructionStage,
                                         ItemOutcome)
from archive.catalog.models import DossierRecord, DossierStatus, FixityAlarm, PackageVersion, StoredObjectRecord
from archive.pdf import PdfDocument, PdfTable, write_pdf
from archive.lifecycle.retention_run import due_dossiers
from archive.settings import Settings, get_settings
from archive.errors import InvalidRequest
from archive.vn import QUOC_HIEU, agency_names, is_dateish, vn_date
from archive.xlsx import append_row, finish_table


@dataclass
class Section:
    key: str      # stable English name (tests, API)
    title: str    # Vietnamese, also the sheet name (at most 31 characters)
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Report:
    agency: str | None  # None: province-wide
    today: date
    summary: dict[str, int | str]
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


SUMMARY_VI = {"holdings": "Hồ sơ đang lưu trữ", "transfer_due": "Sắp đến hạn nộp lưu",
              "transfer_overdue": "Quá hạn nộp lưu", "expired_awaiting": "Hết hạn bảo quản, chờ xử lý",
              "destroyed": "Hồ sơ đã hủy", "fixity_failures": "Đối tượng lỗi toàn vẹn (chưa sửa)",
              "needs_attention": "Hồ sơ có bản PDF/A không đạt kiểm tra", "audit_chain": "Nhật ký kiểm tra"}


def build_report(agency: str | None = None, *, today: date | None = None, settings: Settings | None = None) -> Report:
    settings = settings or get_settings()
    today = today or clock.today(settings)
    with session_scope() as session:
        holdings = _holdings(session, agency)
        due = due_dossiers(session, today, settings, agency=agency)
        open_lists = dict(session.execute(
            select(DestructionItem.dossier_code, DestructionList.stage).join(DestructionList)
            .where(DestructionList.stage.in_(DestructionStage.open()))).all())
        destroyed = _destroyed(session, agency)
        fixity = _fixity(session, agency)
        attention = _needs_attention(session, agency)
    chain = audit.verify()
    transfers = [d for d in due if d.kind != "retention_expired"]
    expired = [d for d in due if d.kind == "retention_expired"]
    sections = [
        Section("holdings", "Hồ sơ theo thời hạn", ["Cơ quan", "Thời hạn bảo quản", "Năm kết thúc", "Số hồ sơ"],
                holdings),
        Section("transfers", "Đến hạn nộp lưu", ["Cơ quan", "Mã hồ sơ", "Tiêu đề", "Hạn nộp lưu", "Tình trạng"],
                [[d.organ_id, d.code, d.title, d.due_date, "quá hạn" if d.kind == "transfer_overdue" else "sắp đến hạn"]
                 for d in transfers]),
        Section("expired", "Hết hạn chờ xử lý", ["Cơ quan", "Mã hồ sơ", "Tiêu đề", "Thời hạn", "Hết hạn",
                                                 "Phong tỏa", "Danh mục hủy"],
                [[d.organ_id, d.code, d.title, d.maintenance, d.due_date, "có" if d.legal_hold else "không",
                  DestructionStage(open_lists[d.code]).label if d.code in open_lists else "chưa lập"]
                 for d in expired]),
        Section("destroyed", "Đã hủy", ["Cơ quan", "Mã hồ sơ", "Tiêu đề", "Quyết định hủy", "Người phê duyệt",
                                        "Thời điểm hủy", "Biên bản"], destroyed),
        Section("needs_attention", "Bản bảo quản cần xem xét", ["Cơ quan", "Mã hồ sơ", "Tiêu đề"], attention),
        Section("fixity", "Kiểm tra toàn vẹn", ["Cơ quan", "Đối tượng", "Đã kiểm tra", "Tốt", "Đã sửa", "Lỗi",
                                                "Cảnh báo chưa xử lý"], fixity),
        Section("audit", "Nhật ký kiểm tra", ["Số mục", "Tình trạng", "Chi tiết"],
                [[chain.entries, "nguyên vẹn" if chain.ok else "BỊ SỬA ĐỔI", chain.reason or ""]]),
    ]
    summary = {"holdings": sum(r[3] for r in holdings),
               "transfer_due": sum(d.kind == "transfer_due" for d in transfers),
               "transfer_overdue": sum(d.kind == "transfer_overdue" for d in transfers),
               "expired_awaiting": len(expired), "destroyed": len(destroyed),
               "fixity_failures": sum(r[6] for r in fixity), "needs_attention": len(attention),
               "audit_chain": "nguyên vẹn" if chain.ok else f"bị sửa đổi tại mục {chain.broken_seq}"}
    return Report(agency, today, summary, sections)


def _holdings(session, agency: str | None) -> list[list]:
    query = select(DossierRecord.organ_id, DossierRecord.maintenance, DossierRecord.end_date).where(
        DossierRecord.status.in_(DossierStatus.in_custody()))
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    counts = Counter((o, m, e.year if e else None) for o, m, e in session.execute(query))
    return [[o, m, y, n] for (o, m, y), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0))]


def _needs_attention(session, agency: str | None) -> list[list]:
    """Archived dossiers with a preservation copy that no conversion made valid PDF/A."""
    query = (select(DossierRecord.organ_id, DossierRecord.code, DossierRecord.title)
             .where(DossierRecord.status == DossierStatus.NEEDS_ATTENTION).order_by(DossierRecord.code))
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    return [list(row) for row in session.execute(query)]


def _destroyed(session, agency: str | None) -> list[list]:
    query = (select(DestructionList.organ_id, DestructionItem.dossier_code, DestructionItem.title,
                    DestructionList.decision_ref, DestructionList.approved_by, DestructionList.executed_at,
                    DestructionCertificate.pdf_key)
             .join(DestructionItem, DestructionItem.list_id == DestructionList.id)
             .outerjoin(DestructionCertificate, DestructionCertificate.list_id == DestructionList.id)
             .where(DestructionItem.outcome == ItemOutcome.DESTROYED).order_by(DestructionList.executed_at))
    if agency:
        query = query.where(DestructionList.organ_id == agency)
    return [[o, c, t, ref, by, when.isoformat(timespec="seconds") if when else "", key]
            for o, c, t, ref, by, when, key in session.execute(query)]


def _fixity(session, agency: str | None) -> list[list]:
    outcome = StoredObjectRecord.last_fixity_outcome
    query = (select(DossierRecord.organ_id, func.count(), func.count(outcome),
                    func.sum(case((outcome == "ok", 1), else_=0)), func.sum(case((outcome == "repaired", 1), else_=0)))
             .select_from(StoredObjectRecord).join(PackageVersion).join(DossierRecord)
             .where(DossierRecord.status.in_(DossierStatus.in_custody())).group_by(DossierRecord.organ_id)
             .order_by(DossierRecord.organ_id))
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    alarms = Counter(session.execute(
        select(DossierRecord.organ_id).select_from(FixityAlarm).join(StoredObjectRecord).join(PackageVersion)
        .join(DossierRecord).where(FixityAlarm.repaired_at.is_(None))).scalars())
    return [[o, total, checked, ok or 0, repaired or 0, checked - (ok or 0) - (repaired or 0), alarms.get(o, 0)]
            for o, total, checked, ok, repaired in session.execute(query)]


def _scope_name(report: Report) -> str:
    """Who the report is about, by name: the agency, or the province's Sở Nội vụ for all of them."""
    if not report.agency:
        return "Sở Nội vụ"
    with session_scope() as session:
        return agency_names(session).get(report.agency, report.agency)


def _title(report: Report) -> tuple[str, str]:
    scope = _scope_name(report) if report.agency else "toàn tỉnh"
    return "BÁO CÁO TÌNH HÌNH LƯU TRỮ HỒ SƠ ĐIỆN TỬ", f"Phạm vi: {scope}; ngày {report.today:%d/%m/%Y}"


def readable_rows(section: Section, names: dict[str, str]) -> list[list]:
    """A section's rows as people read them: agencies by name (the first column), dates dd/mm/yyyy."""
    agency_first = section.header[:1] == ["Cơ quan"]
    return [[names.get(v, v) if i == 0 and agency_first else vn_date(v) if is_dateish(v) else v
             for i, v in enumerate(row)] for row in section.rows]


def write_xlsx(report: Report, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    path = writable(path)
    with session_scope() as session:
        names = agency_names(session)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    title, subtitle = _title(report)
    for line in (*QUOC_HIEU, _scope_name(report).upper(), "", title, subtitle, ""):
        append_row(sheet, [line])         # the agency name is data entered by people
    for row in (1, 2, 3, 5):
        sheet.cell(row=row, column=1).font = Font(bold=True)
    for key, value in report.summary.items():
        append_row(sheet, [SUMMARY_VI[key], value])
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 20
    for section in report.sections:
        ws = book.create_sheet(section.title[:31])
        ws.append(section.header)
        for row in readable_rows(section, names):
            append_row(ws, row)
        finish_table(ws)
    book.save(path)
    return path


def write_pdf_report(report: Report, path: str | Path) -> Path:
    path = writable(path)
    with session_scope() as session:
        names = agency_names(session)
    title, subtitle = _title(report)
    doc = PdfDocument(title, subtitle, lines=[f"{SUMMARY_VI[k]}: {v}" for k, v in report.summary.items()],
                      tables=[PdfTable(s.title, s.header, readable_rows(s, names)) for s in report.sections],
                      issuer=_scope_name(report))
    return write_pdf(doc, path, landscape_pages=True)


def writable(path: str | Path) -> Path:
    """The file to write, refused with a clear message when its folder does not exist."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InvalidRequest(f"folder {path.parent} does not exist", path=str(path),
                             message_vi=f"Thư mục {path.parent} không tồn tại: hãy tạo thư mục hoặc chọn nơi lưu khác.")
    return path
