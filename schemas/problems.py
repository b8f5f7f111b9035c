"""Problems found in a submission and the report that lists all of them.

Each problem has a stable English ``code`` (the contract with samples, API and audit), a
severity, the field ``path`` (``Documents/Document[2]/IssuedDate``), the offending value,
a short English ``rule`` and a Vietnamese sentence for the archivist. ``suggestion`` holds
the text offered instead (NFC form, text converted from TCVN3/VNI, a code for a name).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

# Vietnamese sentence per code; {path}, {value} and the rule's own keys are filled in.
MESSAGES_VI: dict[str, str] = {
    "manifest_missing": "Không tìm thấy tệp kê khai hoso.xml hoặc hoso.json trong gói hồ sơ.",
    "manifest_malformed": "Tệp kê khai không đúng cú pháp: {detail}",
    "manifest_forbidden_construct": "Tệp kê khai chứa cấu trúc bị cấm ({detail}); vì lý do an toàn, "
                                    "không chấp nhận DOCTYPE, thực thể (entity) hay XInclude.",
    "manifest_encoding": "Tệp kê khai không được mã hóa UTF-8 ({detail}); hãy lưu lại với bảng mã UTF-8.",
    "manifest_schema": "Cấu trúc tệp kê khai không đúng lược đồ tại {path}: {detail}",
    "field_required": "Thiếu trường bắt buộc {path} ({label}).",
    "field_too_long": "Trường {path} ({label}) dài {length} ký tự, vượt quá độ dài tối đa {max}.",
    "field_type": "Giá trị «{value}» của trường {path} ({label}) không đúng kiểu {expected}.",
    "field_not_allowed": "Trường {path} ({label}) không dùng cho văn bản loại «{direction}».",
    "organ_id_format": "Mã định danh cơ quan «{value}» tại {path} không đúng dạng NNN.NN.NN.XNN (ví dụ 000.00.00.H41).",
    "organ_id_mismatch": "Mã định danh cơ quan «{value}» tại {path} khác mã của cơ quan lập hồ sơ ({expected}).",
    "code_list": "Giá trị «{value}» của trường {path} ({label}) không có trong danh mục; giá trị hợp lệ: {allowed}.",
    "date_order": "Thời gian bắt đầu ({start}) sau thời gian kết thúc ({end}) của hồ sơ.",
    "date_outside_dossier": "Ngày {value} tại {path} nằm ngoài khoảng thời gian của hồ sơ ({start} – {end}).",
    "date_in_future": "Ngày {value} tại {path} ở trong tương lai (hôm nay là {today}).",
    "file_catalog_mismatch": "Năm hình thành hồ sơ (FileCatalog) là {value} nhưng năm của thời gian kết thúc là {expected}.",
    "doc_total_mismatch": "Tổng số văn bản (DocTotal) ghi {value} nhưng hồ sơ có {expected} văn bản.",
    "page_total_mismatch": "Tổng số trang (PageTotal) ghi {value} nhưng các tệp có tổng cộng {expected} trang.",
    "page_amount_mismatch": "Số trang của văn bản tại {path} ghi {value} nhưng tệp chính có {expected} trang.",
    "page_count_unknown": "Chưa xác định được số trang của tệp {value}; số trang sẽ được tính khi chuyển đổi.",
    "doc_ordinal_sequence": "Số thứ tự văn bản (DocOrdinal) phải liên tục từ 1 đến {expected}, không trùng, "
                            "không thiếu; hiện có: {value}.",
    "doc_ordinal_order": "Số thứ tự văn bản không theo thứ tự thời gian: văn bản số {value} có ngày sớm hơn văn bản đứng trước.",
    "text_not_nfc": "Văn bản tại {path} chưa ở dạng chuẩn Unicode dựng sẵn (NFC); đề nghị dùng: «{suggestion}».",
    "legacy_encoding": "Văn bản tại {path} được gõ bằng bảng mã cũ {encoding} («{value}»), không phải Unicode "
                       "TCVN 6909:2001; nội dung chuyển đổi đề nghị: «{suggestion}».",
    "state_secret": "Hồ sơ, tài liệu mang độ mật «{value}» (tại {path}) thuộc phạm vi bí mật nhà nước, "
                    "không được lưu trữ trong hệ thống này.",
    "notation_type_mismatch": "Ký hiệu «{value}» tại {path} không khớp với tên loại «{type_name}» "
                              "(chữ viết tắt theo Phụ lục III: {expected}).",
    "duplicate_document": "Văn bản tại {path} trùng số, ký hiệu và cơ quan ban hành với văn bản tại {other}.",
    "retention_shorter_than_default": "Thời hạn bảo quản «{value}» ngắn hơn thời hạn mặc định «{expected}» "
                                      "của loại hồ sơ «{kind}».",
    "file_missing": "Tệp «{value}» được kê khai tại {path} nhưng không có trong gói hồ sơ.",
    "file_unlisted": "Tệp «{value}» có trong gói hồ sơ nhưng không được kê khai cho văn bản nào.",
    "unsafe_path": "Đường dẫn «{value}» tại {path} không an toàn (đường dẫn tuyệt đối, chứa «..» hoặc liên kết).",
    "document_without_main_file": "Văn bản tại {path} không có tệp chính (file hoặc File role=\"main\").",
    "file_unreadable": "Không đọc được số trang của tệp «{value}»: {detail}",
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    path: str
    value: str | None
    rule: str
    message_vi: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def problem(code: str, path: str = "", value: Any = None, rule: str = "", *, severity: Severity = "error",
            suggestion: str | None = None, **details: Any) -> Problem:
    shown = None if value is None else str(value)
    fields = {"path": path or "/", "value": shown, "suggestion": suggestion, "detail": rule, **details}
    template = MESSAGES_VI[code]
    if suggestion and "{suggestion}" not in template:
        template += " Đề nghị dùng: «{suggestion}»."
    message = template.format_map({k: ("" if v is None else v) for k, v in fields.items()})
    return Problem(code, severity, path, shown, rule, message, suggestion)


@dataclass
class Report:
    """Every problem of one submission (or dossier), errors and warnings together."""
    source: str
    problems: list[Problem] = field(default_factory=list)
    dossier: Any = None          # the dossier with its auto-fields filled in, when it could be read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "valid": self.valid,
                "dossier_code": self.dossier.code if self.dossier is not None else None,
                "codes": sorted(self.codes),
                "errors": [p.to_dict() for p in self.errors],
                "warnings": [p.to_dict() for p in self.warnings]}

    def render_text(self) -> str:
        """Plain Vietnamese text, one line per problem."""
        head = "HỢP LỆ" if self.valid else "KHÔNG HỢP LỆ"
        lines = [f"{self.source}: {head} ({len(self.errors)} lỗi, {len(self.warnings)} cảnh báo)"]
        for p in self.errors + self.warnings:
            kind = "LỖI" if p.severity == "error" else "CẢNH BÁO"
            lines.append(f"  [{kind}] {p.code} {p.path}: {p.message_vi}")
        return "\n".join(lines)
