"""Rules that compare fields: dates, auto-fields, ordinals, notation, duplicates, retention, secrets."""
from __future__ import annotations

from datetime import date

import pytest

from tests.schemas.builders import check, codes, doc


def test_start_date_after_end_date_is_refused(raw):
    raw["StartDate"], raw["EndDate"] = raw["EndDate"], raw["StartDate"]
    report = check(raw)
    assert "date_order" in codes(report, "error")
    assert "date_outside_dossier" not in codes(report)       # no range to judge documents against


def test_start_date_equal_to_end_date_is_accepted(raw):
    raw["StartDate"] = raw["EndDate"] = "2021-03-15"
    for d in raw["Documents"]:
        d["IssuedDate"] = "2021-03-15"
    del doc(raw, 1)["ArrivalDate"]
    assert not check(raw).problems


def test_document_dated_after_dossier_end_is_refused(raw):
    doc(raw, 2)["IssuedDate"] = "2021-04-02"
    [p] = check(raw).errors
    assert (p.code, p.path, p.value) == ("date_outside_dossier", "Documents/Document[2]/IssuedDate", "2021-04-02")


def test_document_dated_before_dossier_start_is_refused(raw):
    doc(raw, 1)["IssuedDate"] = "2020-11-25"
    assert codes(check(raw)) == {"date_outside_dossier"}


def test_arrival_date_outside_the_dossier_is_refused(raw):
    doc(raw, 1)["ArrivalDate"] = "2021-05-01"
    assert codes(check(raw)) == {"date_outside_dossier"}


def test_dates_in_the_future_are_refused(raw):
    report = check(raw, today=date(2021, 3, 14))
    future = {p.path for p in report.errors if p.code == "date_in_future"}
    assert future == {"EndDate", "Documents/Document[2]/IssuedDate"}


def test_due_date_in_the_future_is_allowed(raw):
    doc(raw, 1)["DueDate"] = "2099-01-01"
    assert not check(raw).problems


def test_file_catalog_other_than_the_year_of_end_date_is_refused(raw):
    raw["FileCode"]["FileCatalog"] = "2019"
    [p] = check(raw).errors
    assert (p.code, p.value) == ("file_catalog_mismatch", "2019") and "2021" in p.message_vi


def test_doc_total_other_than_the_number_of_documents_is_refused(raw):
    raw["DocTotal"] = "5"
    [p] = check(raw).errors
    assert (p.code, p.value) == ("doc_total_mismatch", "5")


def test_page_total_other_than_the_sum_of_page_amounts_is_refused(raw):
    doc(raw, 1)["PageAmount"], doc(raw, 2)["PageAmount"] = "2", "3"
    raw["PageTotal"] = "5"
    assert not check(raw).problems
    raw["PageTotal"] = "12"
    assert codes(check(raw)) == {"page_total_mismatch"}


def test_doc_ordinals_with_a_gap_are_refused(raw):
    doc(raw, 2)["DocOrdinal"] = "3"
    [p] = check(raw).errors
    assert (p.code, p.value) == ("doc_ordinal_sequence", "1, 3")


def test_repeated_doc_ordinal_is_refused(raw):
    doc(raw, 2)["DocOrdinal"] = "1"
    assert codes(check(raw)) == {"doc_ordinal_sequence"}


def test_doc_ordinals_given_for_only_some_documents_are_refused(raw):
    del doc(raw, 2)["DocOrdinal"]
    assert codes(check(raw)) == {"doc_ordinal_sequence"}


def test_doc_ordinals_not_in_date_order_are_refused(raw):
    doc(raw, 1)["DocOrdinal"], doc(raw, 2)["DocOrdinal"] = "2", "1"
    [p] = check(raw).errors
    assert (p.code, p.path) == ("doc_ordinal_order", "Documents/Document[1]/DocOrdinal")


def test_doc_ordinals_are_computed_in_date_order_when_omitted(raw):
    raw["Documents"].reverse()
    for d in raw["Documents"]:
        del d["DocOrdinal"]
    report = check(raw)
    assert report.valid
    assert [d.DocOrdinal for d in report.dossier.Documents] == [2, 1]


@pytest.mark.parametrize("type_name, notation, warned", [
    ("Quyết định", "2021/QĐ-UBND", False),
    ("Quyết định", "2021/NQ-HĐND", True),
    ("Nghị quyết", "2021/NQ-HĐND", False),
    ("Tờ trình", "TTr-SNV", False),
    ("Tờ trình", "QĐ-UBND", True),
    ("Công văn", "UBND-VP", False),
    ("Công văn", "QĐ-UBND", True),
    ("Loại chưa có trong danh mục", "XYZ-UBND", False),
])
def test_notation_abbreviation_must_match_the_type_name(raw, type_name, notation, warned):
    doc(raw, 2).update(TypeName=type_name, CodeNotation=notation)
    report = check(raw)
    assert report.valid
    assert ("notation_type_mismatch" in codes(report, "warning")) is warned


def test_duplicate_number_notation_and_organ_is_warned(raw):
    twin = dict(doc(raw, 1), DocOrdinal="2")
    doc(raw, 2)["DocOrdinal"] = "3"
    raw["Documents"].insert(1, twin)
    report = check(raw)
    assert report.valid
    [p] = report.warnings
    assert (p.code, p.path) == ("duplicate_document", "Documents/Document[2]") and "Document[1]" in p.message_vi


def test_same_number_from_another_organ_is_not_a_duplicate(raw):
    twin = dict(doc(raw, 1), DocOrdinal="2", OrganName="Sở Nội vụ tỉnh Khánh Hòa")
    doc(raw, 2)["DocOrdinal"] = "3"
    raw["Documents"].insert(1, twin)
    assert not check(raw).problems


def test_retention_shorter_than_the_default_of_the_kind_is_warned(raw):
    raw["Maintenance"] = "10 năm"            # a dossier issuing a regulation: permanent by default
    report = check(raw)
    assert report.valid
    [p] = report.warnings
    assert (p.code, p.value) == ("retention_shorter_than_default", "10 năm") and "Vĩnh viễn" in p.message_vi


def test_retention_of_a_kind_with_a_fixed_default_compares_years(raw):
    raw["Title"] = "Báo cáo tháng 3 năm 2021 của Văn phòng"           # default 5 years
    raw["Maintenance"] = "5 năm"
    assert not check(raw).warnings
    raw["Title"] = "Hồ sơ thi đua khen thưởng năm 2021"               # default 20 years
    raw["Maintenance"] = "10 năm"
    assert codes(check(raw)) == {"retention_shorter_than_default"}


@pytest.mark.parametrize("field, value", [("Rights", "Tối mật"), ("Rights", "Mật"), ("Title", "Tài liệu TUYỆT MẬT")])
def test_state_secret_dossier_is_refused(raw, field, value):
    raw[field] = value
    [p] = check(raw).errors
    assert (p.code, p.path) == ("state_secret", field) and "bí mật nhà nước" in p.message_vi


def test_state_secret_marked_in_priority_is_refused(raw):
    doc(raw, 2)["Priority"] = "Mật"
    assert codes(check(raw)) == {"state_secret"}


def test_word_secret_inside_ordinary_text_is_not_a_marker(raw):
    raw["Title"] = "Hồ sơ ban hành Quy định bảo mật thông tin và mật khẩu"
    assert "state_secret" not in codes(check(raw))


def test_all_problems_are_reported_at_once(raw):
    raw["StartDate"] = "2022-01-01"
    raw["Rights"] = "Mở"
    doc(raw, 1)["IssuedDate"] = "26/11/2020"
    doc(raw, 2)["CodeNotation"] = "2021/NQ-HĐND"
    raw["DocTotal"] = "7"
    assert codes(check(raw)) == {"date_order", "code_list", "field_type", "notation_type_mismatch",
                                 "doc_total_mismatch"}
