"""The destruction certificate (biên bản hủy tài liệu): PDF for people, XML for machines.

It names the decision, everyone who took part, every destroyed dossier with the checksums
of what was destroyed, and the time. Both files are archived as write-once objects locked
(COMPLIANCE, where the store supports it) for ``Settings.destruction_record_years``.
"""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lxml import etree
from sqlalchemy.orm import object_session

from archive.catalog.destruction import DestructionCertificate, DestructionList, ReviewDecision
from archive.checksums import sha256_file
from archive.lifecycle.erasure import ErasedDossier
from archive.pdf import PdfDocument, PdfTable, write_pdf
from archive.settings import Settings
from archive.storage import ObjectStore, Retention, public_url, store_verified
from archive.vn import agency_names, vn_date

NS = "urn:luutru:destruction:1"
PREFIX = "destruction-certificates"


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def certificate_xml(dlist: DestructionList, dossiers: list[ErasedDossier], executed_at: datetime) -> bytes:
    root = etree.Element(f"{{{NS}}}DestructionCertificate", nsmap={None: NS}, list=str(dlist.id),
                         agency=dlist.organ_id, executedAt=_iso(executed_at))
    etree.SubElement(root, f"{{{NS}}}Decision", ref=dlist.decision_ref or "", approvedBy=dlist.approved_by or "",
                     approvedAt=_iso(dlist.approved_at))
    etree.SubElement(root, f"{{{NS}}}PreparedBy", at=_iso(dlist.prepared_at)).text = dlist.prepared_by
    etree.SubElement(root, f"{{{NS}}}AuditedBy", at=_iso(dlist.audited_at)).text = dlist.audited_by or ""
    etree.SubElement(root, f"{{{NS}}}ExecutedBy", at=_iso(executed_at)).text = dlist.executed_by or ""
    reviews = etree.SubElement(root, f"{{{NS}}}CouncilReviews")
    for item in dlist.items:
        for r in item.reviews:
            etree.SubElement(reviews, f"{{{NS}}}Review", dossier=item.dossier_code, reviewer=r.reviewer,
                             decision=r.decision, at=_iso(r.reviewed_at))
    reasons = {i.dossier_code: i.reason for i in dlist.items}
    listed = etree.SubElement(root, f"{{{NS}}}Dossiers")
    for d in dossiers:
        el = etree.SubElement(listed, f"{{{NS}}}Dossier", code=d.code, maintenance=d.maintenance,
                              endDate=_iso(d.end_date), retentionExpiry=_iso(d.retention_expiry))
        etree.SubElement(el, f"{{{NS}}}Title").text = d.title
        etree.SubElement(el, f"{{{NS}}}Reason").text = reasons.get(d.code, "")
        for package_id, mets_sha256 in d.packages:
            etree.SubElement(el, f"{{{NS}}}Package", id=package_id, metsSha256=mets_sha256 or "")
        for o in d.objects:
            etree.SubElement(el, f"{{{NS}}}Object", key=o.key, sha256=o.sha256, size=str(o.size))
        for where, count in sorted(d.removed.items()):
            etree.SubElement(el, f"{{{NS}}}Erased", where=where, count=str(count))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def certificate_pdf(dlist: DestructionList, dossiers: list[ErasedDossier], executed_at: datetime,
                    path: Path) -> Path:
    reasons = {i.dossier_code: i.reason for i in dlist.items}
    session = object_session(dlist)
    agency = (agency_names(session) if session is not None else {}).get(dlist.organ_id, dlist.organ_id)
    doc = PdfDocument(
        title="BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ",
        subtitle=f"{agency} ({dlist.organ_id}) — danh mục số {dlist.id}",
        issuer=agency,
        lines=[f"Căn cứ quyết định hủy số {dlist.decision_ref} do {dlist.approved_by} phê duyệt ngày "
               f"{vn_date(dlist.approved_at)[:10]}.",
               f"Người lập danh mục: {dlist.prepared_by} ({vn_date(dlist.prepared_at)[:10]}).",
               f"Thẩm định của Sở Nội vụ: {dlist.audited_by} ({vn_date(dlist.audited_at)[:10]})"
               + (f": {dlist.audit_note}" if dlist.audit_note else "."),
               f"Thời điểm hủy: {vn_date(executed_at)}; người thực hiện: {dlist.executed_by}.",
               f"Số hồ sơ đã hủy: {len(dossiers)}; số đối tượng lưu trữ đã xóa: "
               f"{sum(len(d.objects) for d in dossiers)}."],
        tables=[
            PdfTable("Hồ sơ đã hủy", ["Mã hồ sơ", "Tiêu đề", "Thời hạn bảo quản", "Hết hạn", "Lý do hủy"],
                     [[d.code, d.title, d.maintenance, vn_date(d.retention_expiry), reasons.get(d.code, "")]
                      for d in dossiers], [40, 60, 22, 22, 36]),
            PdfTable("Ý kiến của Hội đồng xác định giá trị tài liệu", ["Mã hồ sơ", "Thành viên", "Ý kiến", "Thời gian"],
                     [[i.dossier_code, r.reviewer, ReviewDecision(r.decision).label
                       + (f" ({r.new_retention})" if r.decision == ReviewDecision.KEEP else ""), vn_date(r.reviewed_at)]
                      for i in dlist.items for r in i.reviews], [45, 40, 45, 50]),
            PdfTable("Mã kiểm tra (SHA-256) của dữ liệu đã hủy", ["Đối tượng", "SHA-256", "Byte"],
                     [[o.key, o.sha256, o.size] for d in dossiers for o in d.objects], [70, 90, 20]),
        ],
        closing=["Dữ liệu nêu trên đã bị xóa khỏi mọi kho lưu trữ, bản sao, chỉ mục tìm kiếm, thư mục xử lý "
                 "và cơ sở dữ liệu (kể cả nội dung trước và sau các lần thay đổi hồ sơ); "
                 "hệ thống đã kiểm tra lại và không còn bản nào."])
    return write_pdf(doc, path)


def archive_certificate(dlist: DestructionList, dossiers: list[ErasedDossier], executed_at: datetime,
                        store: ObjectStore, settings: Settings) -> DestructionCertificate:
    """Write both files to the store, write-once and locked; returns the catalog row (not yet added)."""
    keep_until = executed_at.astimezone(timezone.utc).replace(microsecond=0) + timedelta(
        days=366 * settings.destruction_record_years)
    lock = Retention(keep_until, "COMPLIANCE") if store.supports_object_lock else None
    prefix = f"{PREFIX}/{dlist.organ_id}/{dlist.id:06d}-{executed_at:%Y%m%dT%H%M%S}"
    with tempfile.TemporaryDirectory() as tmp:
        pdf = certificate_pdf(dlist, dossiers, executed_at, Path(tmp) / "bien-ban-huy.pdf")
        xml = Path(tmp) / "bien-ban-huy.xml"
        xml.write_bytes(certificate_xml(dlist, dossiers, executed_at))
        sums = {p.name: sha256_file(p)[0] for p in (pdf, xml)}
        for p in (pdf, xml):
            store_verified(store, f"{prefix}/{p.name}", p, sums[p.name], lock)
    return DestructionCertificate(list_id=dlist.id, store_url=public_url(store.url),
                                  pdf_key=f"{prefix}/bien-ban-huy.pdf", pdf_sha256=sums["bien-ban-huy.pdf"],
                                  xml_key=f"{prefix}/bien-ban-huy.xml", xml_sha256=sums["bien-ban-huy.xml"],
                                  keep_until=keep_until)
