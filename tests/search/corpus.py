"""A small archive to search: two agencies, open and restricted dossiers, both directions.

Agency A (000.00.00.H41): an open permanent dossier and a restricted one.
Agency B (000.00.00.K26): an open dossier and a restricted one.
Words that only restricted content holds (``đê điều``, ``phòng chống lụt bão``) let the tests
see any leak through totals, facets or snippets.
"""
from __future__ import annotations

from datetime import date

from schemas.models import Document, Dossier, DossierCode, Signer

A, B = "000.00.00.H41", "000.00.00.K26"
OPEN, RESTRICTED = "Công khai", "Hạn chế"


def _doc(ordinal, direction, type_name, number, notation, issued, subject, **kw) -> Document:
    return Document(direction=direction, DocOrdinal=ordinal, TypeName=type_name, CodeNumber=number,
                    CodeNotation=notation, IssuedDate=issued, Subject=subject, Language="vie",
                    PageAmount=2, **kw)


def dossiers() -> list[tuple[Dossier, dict[int, str]]]:
    open_a = Dossier(
        FileCode=DossierCode(OrganId=A, FileCatalog=2021, FileNotation="01.VP"),
        Title="Hồ sơ ban hành quy định về văn bản điện tử", Maintenance="Vĩnh viễn", Rights=OPEN,
        Creator="Nguyễn Văn An", Language="vie", StartDate=date(2021, 1, 5), EndDate=date(2021, 3, 20),
        Documents=[
            _doc(1, "outgoing", "Quyết định", "04", "2021/QĐ-UBND", date(2021, 3, 15),
                 "Ban hành quy định trao đổi, lưu trữ, xử lý văn bản điện tử",
                 OrganName="Ủy ban nhân dân tỉnh Khánh Hòa",
                 SignerInfo=Signer(Position="Chủ tịch", FullName="Đinh Văn Thiệu")),
            _doc(2, "outgoing", "Công văn", "123", "UBND-VP", date(2021, 3, 18),
                 "Trả lời kiến nghị của bạn đọc", OrganName="Ủy ban nhân dân tỉnh Khánh Hòa"),
        ])
    open_a_texts = {
        1: "Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan nhà nước. "
           "Hồ sơ lưu trữ điện tử được bảo quản an toàn.",
        2: "Cảm ơn bạn đã gửi kiến nghị về việc tra cứu hồ sơ.",
    }
    restricted_a = Dossier(
        FileCode=DossierCode(OrganId=A, FileCatalog=2020, FileNotation="07.KT"),
        Title="Hồ sơ kế hoạch kinh phí năm 2020", Maintenance="10 năm", Rights=RESTRICTED,
        Creator="Trần Thị Bình", Language="vie", StartDate=date(2020, 2, 1), EndDate=date(2020, 11, 30),
        Documents=[
            _doc(1, "internal", "Kế hoạch", "15", "KH-UBND", date(2020, 6, 10), "Kế hoạch kinh phí năm 2020"),
        ])
    restricted_a_texts = {1: "Kinh phí duy tu đê điều và phòng chống lụt bão của tỉnh."}
    open_b = Dossier(
        FileCode=DossierCode(OrganId=B, FileCatalog=2019, FileNotation="03.TC"),
        Title="Hồ sơ bán đấu giá tài sản công", Maintenance="20 năm", Rights=OPEN,
        Creator="Lê Văn Cường", Language="vie", StartDate=date(2019, 4, 1), EndDate=date(2019, 9, 30),
        Documents=[
            _doc(1, "incoming", "Thông báo", "45", "TB-STC", date(2019, 5, 2),
                 "Thông báo bán đấu giá tài sản", OrganName="Sở Tài chính", ArrivalNumber=88,
                 ArrivalDate=date(2019, 5, 3)),
            _doc(2, "outgoing", "Báo cáo", "60", "BC-STC", date(2019, 9, 1),
                 "Báo cáo kết quả bán đấu giá", OrganName="Sở Tài chính"),
        ])
    open_b_texts = {1: "Thông báo bán tài sản công theo hình thức đấu giá.", 2: "Kết quả bán đấu giá tài sản."}
    restricted_b = Dossier(
        FileCode=DossierCode(OrganId=B, FileCatalog=2022, FileNotation="02.TH"),
        Title="Hồ sơ thanh tra nội bộ", Maintenance="10 năm", Rights=RESTRICTED,
        Creator="Phạm Thị Dung", Language="vie", StartDate=date(2022, 1, 10), EndDate=date(2022, 8, 1),
        Documents=[
            _doc(1, "internal", "Báo cáo", "09", "BC-TTr", date(2022, 7, 20), "Báo cáo thanh tra nội bộ"),
        ])
    restricted_b_texts = {1: "Kết quả thanh tra công trình đê điều phòng chống lụt bão."}
    return [(open_a, open_a_texts), (restricted_a, restricted_a_texts), (open_b, open_b_texts),
            (restricted_b, restricted_b_texts)]


OPEN_A, RESTRICTED_A, OPEN_B, RESTRICTED_B = (d.code for d, _ in dossiers())
