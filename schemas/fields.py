"""The field tables of Appendix VI (metadata.md) as data: name, type, maximum, auto, required.

One table drives the validator's per-field checks; the XSD in ``schemas/xsd/`` states the
same types and lengths for publication (a test keeps the two in agreement).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["string", "number", "date", "longtext", "group"]
ALL = frozenset({"incoming", "outgoing", "internal"})
SENT = frozenset({"incoming", "outgoing"})
OUTGOING = frozenset({"outgoing"})
INCOMING = frozenset({"incoming"})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    max: int | None = None          # characters for text, digits for numbers
    auto: bool = False              # the archive computes it; if given it must agree
    required: bool = False
    directions: frozenset[str] = ALL
    repeatable: bool = False
    label_vi: str = ""


def F(name, kind, max=None, label_vi="", **kw) -> FieldSpec:
    return FieldSpec(name, kind, max, label_vi=label_vi, **kw)


FILE_CODE = (
    F("OrganId", "string", 13, "Mã định danh cơ quan", auto=True),
    F("FileCatalog", "number", 4, "Năm hình thành hồ sơ", auto=True),
    F("FileNotation", "string", 20, "Số và ký hiệu hồ sơ", required=True),
)
SIGNER = (
    F("Position", "string", 100, "Chức vụ người ký"),
    F("FullName", "string", 50, "Họ tên người ký"),
)
RECIPIENT = (
    F("OrganId", "string", 13, "Mã định danh cơ quan nhận", auto=True),
    F("OrganName", "string", 200, "Tên cơ quan nhận"),
)

DOSSIER = (
    F("FileCode", "group", label_vi="Mã hồ sơ", required=True),
    F("Title", "string", 500, "Tiêu đề hồ sơ", required=True),
    F("Maintenance", "string", 30, "Thời hạn bảo quản", required=True),
    F("Rights", "string", 30, "Chế độ sử dụng", required=True),
    F("Creator", "string", 30, "Người lập hồ sơ", required=True),
    F("Language", "string", 50, "Ngôn ngữ", required=True),
    F("StartDate", "date", 10, "Thời gian bắt đầu", required=True),
    F("EndDate", "date", 10, "Thời gian kết thúc", required=True),
    F("DocTotal", "number", 4, "Tổng số văn bản", auto=True),
    F("PageTotal", "number", 4, "Tổng số trang", auto=True),
    F("Description", "string", 500, "Ghi chú"),
)

DOCUMENT = (
    F("DocOrdinal", "number", 3, "Số thứ tự văn bản trong hồ sơ", auto=True),
    F("TypeName", "string", 100, "Tên loại văn bản", required=True),
    F("CodeNumber", "string", 11, "Số của văn bản"),
    F("CodeNotation", "string", 30, "Ký hiệu của văn bản"),
    F("IssuedDate", "date", 10, "Ngày, tháng, năm văn bản", required=True),
    F("OrganName", "string", 200, "Cơ quan ban hành", required=True),
    F("Subject", "string", 500, "Trích yếu nội dung", required=True),
    F("Language", "string", 30, "Ngôn ngữ"),
    F("PageAmount", "number", 3, "Số lượng trang", auto=True),
    F("Description", "string", 500, "Ghi chú"),
    F("ArrivalDate", "date", 10, "Ngày đến", directions=INCOMING),
    F("ArrivalNumber", "number", 10, "Số đến", directions=INCOMING),
    F("SignerInfo", "group", label_vi="Chức vụ, họ tên người ký", directions=SENT),
    F("To", "group", label_vi="Nơi nhận", directions=OUTGOING, repeatable=True),
    F("Priority", "number", 1, "Mức độ khẩn, độ mật", directions=SENT),
    F("IssuedAmount", "number", 3, "Số lượng bản phát hành", directions=OUTGOING),
    F("ToPlaces", "string", 1000, "Đơn vị hoặc người nhận", directions=INCOMING),
    F("TraceHeaderList", "longtext", None, "Ý kiến phân phối, chỉ đạo", directions=INCOMING),
    F("DueDate", "date", 10, "Hạn trả lời / thời hạn giải quyết", directions=SENT),
)

GROUPS: dict[str, tuple[FieldSpec, ...]] = {"FileCode": FILE_CODE, "SignerInfo": SIGNER, "To": RECIPIENT}
DIRECTIONS = ("incoming", "outgoing", "internal")
FILE_ROLES = ("main", "attachment")
