"""What the Vietnamese web pages need beyond the API: templates with dd/mm/yyyy dates, the
Appendix VI field labels, and login redirects for pages opened without a session."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from archive.catalog.models import DossierStatus, StepState
from archive.errors import LuuTruError
from archive.vn import is_dateish, vn_date
from archive.settings import load_codelists
from ingest.state import JobStatus
from schemas.fields import DOCUMENT, DOSSIER, FILE_CODE, RECIPIENT, SIGNER

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))
# Appendix VI labels by field name; a name used in several places (OrganId) keeps its first, FileCode's.
LABELS = {"file": "Tệp", "files": "Tệp", "Documents": "Văn bản", "Document": "Văn bản",
          **{f.name: f.label_vi for group in (SIGNER, RECIPIENT, FILE_CODE, DOSSIER, DOCUMENT) for f in group}}
GROUP_LABELS = {f"{g}/{f.name}": f.label_vi for g, fields in (("FileCode", FILE_CODE), ("SignerInfo", SIGNER),
                                                             ("To", RECIPIENT)) for f in fields}
ROLE_LABELS = {"researcher": "Độc giả", "archivist": "Văn thư, lưu trữ", "council": "Hội đồng xác định giá trị",
               "auditor": "Sở Nội vụ (thẩm định)", "agency_head": "Thủ trưởng cơ quan", "admin": "Quản trị"}
FILE_ROLE_LABELS = {"original": "Bản gốc", "preservation": "Bản bảo quản PDF/A", "metadata": "Siêu dữ liệu"}
DIRECTION_LABELS = {"incoming": "Văn bản đến", "outgoing": "Văn bản đi", "internal": "Văn bản nội bộ"}
STEP_LABELS = {"receive": "Tiếp nhận", "validate": "Kiểm tra siêu dữ liệu", "identify": "Nhận dạng định dạng",
               "normalise": "Tạo bản PDF/A", "validate_pdfa": "Kiểm tra PDF/A", "checksum": "Tính mã SHA-256",
               "package": "Đóng gói lưu trữ", "store": "Ghi vào kho", "verify": "Đọc lại, đối chiếu mã",
               "index": "Lập chỉ mục tìm kiếm", "ocr": "Nhận dạng chữ bản quét (phiên bản sau)"}
AUDIT_ACTION_LABELS = {
    "submit": "Nộp hồ sơ", "view": "Xem", "download": "Tải về", "metadata_change": "Sửa thông tin mô tả",
    "transfer": "Nộp lưu", "destroy": "Hủy", "grant": "Cấp quyền khai thác", "revoke": "Thu hồi quyền khai thác",
    "login": "Đăng nhập", "logout": "Đăng xuất", "approve": "Phê duyệt", "reject": "Từ chối",
    "legal_hold": "Phong tỏa / gỡ phong tỏa", "fixity": "Kiểm tra toàn vẹn", "destruction_draft": "Lập danh mục hủy",
    "destruction_review": "Xem xét danh mục hủy", "retention_trigger": "Ghi ngày sự kiện (thời hạn)",
    "notify": "Thông báo", "refused": "Bị từ chối", "audit_rekey": "Đổi khóa nhật ký",
    "access_request": "Yêu cầu khai thác", "account": "Tài khoản",
    "preservation_version": "Thêm phiên bản có bản OCR"}
OUTCOME_LABELS = {"success": "Thành công", "failure": "Thất bại", "denied": "Bị từ chối", "refused": "Bị từ chối",
                  "warning": "Cảnh báo"}
# PREMIS event types (the names PREMIS gives them stay in the packages) as the pages show them.
EVENT_LABELS = {"ingestion start": "Bắt đầu tiếp nhận", "ingestion end": "Hoàn tất tiếp nhận", "ingestion": "Tiếp nhận",
                "format identification": "Nhận dạng định dạng", "metadata validation": "Kiểm tra siêu dữ liệu",
                "validation": "Kiểm tra định dạng PDF/A", "migration": "Tạo bản bảo quản PDF/A",
                "message digest calculation": "Tính mã SHA-256", "fixity check": "Kiểm tra toàn vẹn",
                "replication": "Ghi vào kho lưu trữ", "digital signature validation": "Kiểm tra chữ ký số",
                "transfer": "Nộp lưu", "deletion": "Xóa", "accession": "Thu nhận", "normalization": "Chuẩn hóa",
                "information package creation": "Tạo gói thông tin", "virus check": "Kiểm tra mã độc",
                "metadata modification": "Sửa siêu dữ liệu", "capture": "Số hóa", "decryption": "Giải mã",
                "unpacking": "Giải nén", "compression": "Nén", "deaccession": "Loại khỏi kho"}
_COUNTS = ((re.compile(r"\b(\d+) error\(s\)"), r"\1 lỗi"), (re.compile(r"\b(\d+) warning\(s\)"), r"\1 cảnh báo"),
           (re.compile(r"\b(\d+) file\(s\)"), r"\1 tệp"), (re.compile(r"\b(\d+) page\(s\)"), r"\1 trang"),
           (re.compile(r"PDF/A-(\w+) validation profile"), r"bộ quy tắc PDF/A-\1 của veraPDF"))


def detail_vi(text: str | None) -> str:
    """An event's detail with its English counts ("1 warning(s)") said in Vietnamese."""
    for pattern, replacement in _COUNTS:
        text = pattern.sub(replacement, text or "")
    return text


KIND_LABELS = {"dossier": "Hồ sơ", "document": "Văn bản"}
FACET_LABELS = {"q": "Từ khóa", "from": "Từ ngày", "to": "Đến ngày", "sort": "Sắp xếp", "agency": "Cơ quan", "type": "Loại văn bản", "year": "Năm", "retention": "Thời hạn bảo quản",
                "rights": "Chế độ sử dụng", "direction": "Chiều văn bản", "kind": "Loại bản ghi"}


class LoginRequired(Exception):
    """A page was opened without a session: the browser goes to the login page and back."""


def cell(value: Any) -> str:
    """A report table cell: dates as dd/mm/yyyy, nothing for None."""
    if value is None:
        return ""
    return vn_date(value) if is_dateish(value) else str(value)


def file_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def _display(name: str, value: Any) -> str:
    if name == "SignerInfo" and isinstance(value, dict):
        return " ".join(v for v in (value.get("Position"), value.get("FullName")) if v)
    if name == "To" and isinstance(value, list):
        return "; ".join(r.get("OrganName") or r.get("OrganId", "") for r in value)
    if name == "Language" and isinstance(value, str):
        return language_name(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        return vn_date(value)
    return str(value)


def language_name(codes: str) -> str:
    """"vie" → "Tiếng Việt" (ISO 639-2 codes from the code list; several separated by commas)."""
    names = load_codelists().languages
    return ", ".join(names.get(c.strip().lower(), c.strip()) for c in codes.split(",") if c.strip())


def metadata_rows(fields: dict[str, Any], specs) -> list[tuple[str, str]]:
    """(Vietnamese label, shown value) of each Appendix VI field present, in the decree's order."""
    return [(spec.label_vi, _display(spec.name, fields[spec.name])) for spec in specs
            if spec.name != "FileCode" and fields.get(spec.name) not in (None, "", [])]


def field_label(path: str) -> str:
    """The label of a validator problem's field path, e.g. Documents/Document[2]/IssuedDate."""
    parts = [p.split("[")[0].lstrip("@") for p in (path or "").split("/") if p]
    if len(parts) >= 2 and f"{parts[-2]}/{parts[-1]}" in GROUP_LABELS:
        return GROUP_LABELS[f"{parts[-2]}/{parts[-1]}"]
    return LABELS.get(parts[-1], parts[-1]) if parts else ""


def bar_chart(rows: list[list], key: int) -> list[tuple[str, int, int]]:
    """(label, count, percent of the largest) of rows whose last column is a count, grouped by column ``key``."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[str(row[key])] = totals.get(str(row[key]), 0) + row[-1]
    top = max(totals.values(), default=0) or 1
    return [(label, n, round(100 * n / top)) for label, n in sorted(totals.items(), key=lambda kv: -kv[1])]


def safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


def login_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here)}", status_code=303)


def error_page(request: Request, exc: LuuTruError) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "error.html", {"error": exc, "caller": None},
                                      status_code=exc.http_status)


@pass_context
def agency(context, organ_id: str | None) -> str:
    """An agency by its name (the page's ``agencies``), its OrganId only when it has none."""
    if not organ_id:
        return ""
    return context.get("agencies", {}).get(organ_id) or organ_id


@pass_context
def facet_value(context, value: str, name: str) -> str:
    """A facet or filter value as people read it: agencies by name, directions and kinds in words."""
    if name == "agency":
        return agency(context, value)
    if name == "direction":
        return DIRECTION_LABELS.get(value, value)
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name in ("from", "to"):
        return vn_date(value)
    if name == "sort":
        return {"date": "mới nhất", "relevance": "phù hợp nhất"}.get(value, value)
    return value


TEMPLATES.env.filters.update(vn_date=vn_date, file_size=file_size, cell=cell, agency=agency, field_label=field_label,
                             facet_value=facet_value, language_name=language_name,
                             detail_vi=detail_vi)
TEMPLATES.env.globals.update(ROLE_LABELS=ROLE_LABELS, FILE_ROLE_LABELS=FILE_ROLE_LABELS,
                             STATUS_LABELS=DossierStatus.labels(),
                             DIRECTION_LABELS=DIRECTION_LABELS, FACET_LABELS=FACET_LABELS,
                             STEP_LABELS=STEP_LABELS, STATE_LABELS=StepState.labels(),
                             JOB_STATUS_LABELS=JobStatus.labels(),
                             AUDIT_ACTION_LABELS=AUDIT_ACTION_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
                             EVENT_LABELS=EVENT_LABELS, Markup=Markup)
