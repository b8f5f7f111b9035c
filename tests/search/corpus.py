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


def _dossier(organ, year, notation, title, maintenance, rights, creator, period, documents) -> Dossier:
    return Dossier(FileCode=DossierCode(OrganId=organ, FileCatalog=year, FileNotation=notation), Title=title,
                   Maintenance=maintenance, Rights=rights, Creator=creator, Language="vie",
                   StartDate=period[0], EndDate=period[1], Documents=documents)


def dossiers() -> list[tuple[Dossier, dict[int, str]]]:
    open_a = _dossier(
        A, 2021, "01.VP", "Hồ sơ ban hành quy định về văn bản điện tử", "Vĩnh viễn", OPEN, "Nguyễn Văn An",
        (date(2021, 1, 5), date(2021, 3, 20)), [
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
    restricted_a = _dossier(
        A, 2020, "07.KT", "Hồ sơ kế hoạch kinh phí năm 2020", "10 năm", RESTRICTED, "Trần Thị Bình",
        (date(2020, 2, 1), date(2020, 11, 30)), [
            _doc(1, "internal", "Kế hoạch", "15", "KH-UBND", date(2020, 6, 10), "Kế hoạch kinh phí năm 2020"),
        ])
    restricted_a_texts = {1: "Kinh phí duy tu đê điều và phòng chống lụt bão của tỉnh."}
    open_b = _dossier(
        B, 2019, "03.TC", "Hồ sơ bán đấu giá tài sản công", "20 năm", OPEN, "Lê Văn Cường",
        (date(2019, 4, 1), date(2019, 9, 30)), [
            _doc(1, "incoming", "Thông báo", "45", "TB-STC", date(2019, 5, 2),
                 "Thông báo bán đấu giá tài sản", OrganName="Sở Tài chính", ArrivalNumber=88,
                 ArrivalDate=date(2019, 5, 3)),
            _doc(2, "outgoing", "Báo cáo", "60", "BC-STC", date(2019, 9, 1),
                 "Báo cáo kết quả bán đấu giá", OrganName="Sở Tài chính"),
        ])
    open_b_texts = {1: "Thông báo bán tài sản công theo hình thức đấu giá.", 2: "Kết quả bán đấu giá tài sản."}
    restricted_b = _dossier(
        B, 2022, "02.TH", "Hồ sơ thanh tra nội bộ", "10 năm", RESTRICTED, "Phạm Thị Dung",
        (date(2022, 1, 10), date(2022, 8, 1)), [
            _doc(1, "internal", "Báo cáo", "09", "BC-TTr", date(2022, 7, 20), "Báo cáo thanh tra nội bộ"),
        ])
    restricted_b_texts = {1: "Kết quả thanh tra công trình đê điều phòng chống lụt bão."}
    return [(open_a, open_a_texts), (restricted_a, restricted_a_texts), (open_b, open_b_texts),
            (restricted_b, restricted_b_texts)]


OPEN_A, RESTRICTED_A, OPEN_B, RESTRICTED_B = (d.code for d, _ in dossiers())
