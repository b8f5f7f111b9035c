"""Agencies and documents: what is printed on a document, in the layout every renderer follows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
