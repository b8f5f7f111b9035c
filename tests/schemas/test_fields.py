"""Each field on its own: presence, type, length, direction, identifier format, code lists."""
from __future__ import annotations

import pytest

from tests.schemas.builders import check, codes, doc


def test_complete_dossier_has_no_problem(raw):
    assert not check(raw).problems


@pytest.mark.parametrize("field", ["Title", "Maintenance", "Rights", "Creator", "Language", "StartDate", "EndDate"])
def test_missing_required_dossier_field_is_refused(raw, field):
    del raw[field]
    report = check(raw)
    assert [(p.code, p.path) for p in report.errors] == [("field_required", field)]


def test_empty_required_field_counts_as_missing(raw):
    raw["Title"] = "   "
    assert codes(check(raw)) == {"field_required"}


def test_missing_document_subject_is_refused_with_its_path(raw):
    del doc(raw, 2)["Subject"]
    assert [(p.code, p.path) for p in check(raw).errors] == [("field_required", "Documents/Document[2]/Subject")]


def test_document_without_direction_is_refused(raw):
    del doc(raw, 1)["direction"]
    assert "field_required" in codes(check(raw))


def test_title_of_500_characters_is_accepted_and_501_refused(raw):
    raw["Title"] = "a" * 500
    assert not check(raw).problems
    raw["Title"] = "a" * 501
    [p] = check(raw).errors
    assert (p.code, p.path) == ("field_too_long", "Title") and "501" in p.message_vi and "500" in p.message_vi


def test_length_counts_characters_not_bytes(raw):
    raw["FileCode"]["FileNotation"] = "Đ" * 20          # 40 bytes in UTF-8, 20 characters
    assert not check(raw).problems


def test_number_with_too_many_digits_is_refused(raw):
    doc(raw, 2)["IssuedAmount"] = "1000"               # Number(3)
    assert [(p.code, p.path) for p in check(raw).errors] == [("field_too_long", "Documents/Document[2]/IssuedAmount")]


def test_number_field_holding_text_is_refused(raw):
    doc(raw, 1)["ArrivalNumber"] = "số 1532"
    [p] = check(raw).errors
    assert (p.code, p.path, p.value) == ("field_type", "Documents/Document[1]/ArrivalNumber", "số 1532")


def test_number_given_as_json_number_is_accepted(raw):
    doc(raw, 1)["ArrivalNumber"] = 1532
    assert not check(raw).problems


@pytest.mark.parametrize("value", ["26/11/2020", "2020-13-01", "2020-02-30", "20201126"])
def test_date_not_in_iso_form_or_impossible_is_refused(raw, value):
    doc(raw, 1)["IssuedDate"] = value
    [p] = check(raw).errors
    assert (p.code, p.path) == ("field_type", "Documents/Document[1]/IssuedDate")
    assert "YYYY-MM-DD" in p.message_vi


def test_arrival_date_on_outgoing_document_is_not_allowed(raw):
    doc(raw, 2)["ArrivalDate"] = "2021-03-15"
    [p] = check(raw).errors
    assert (p.code, p.path) == ("field_not_allowed", "Documents/Document[2]/ArrivalDate")


def test_issued_amount_on_incoming_document_is_not_allowed(raw):
    doc(raw, 1)["IssuedAmount"] = "3"
    assert codes(check(raw)) == {"field_not_allowed"}


def test_internal_document_takes_only_fields_one_to_eleven(raw):
    internal = doc(raw, 1)
    internal["direction"] = "internal"
    report = check(raw)
    not_allowed = {p.path.rsplit("/", 1)[1] for p in report.errors if p.code == "field_not_allowed"}
    assert not_allowed == {"ArrivalDate", "ArrivalNumber", "SignerInfo", "Priority", "ToPlaces"}


def test_unknown_direction_is_a_schema_error(raw):
    doc(raw, 1)["direction"] = "sideways"
    assert "manifest_schema" in codes(check(raw))


def test_unknown_key_is_a_schema_error(raw):
    raw["RetentionPeriod"] = "Vĩnh viễn"
    [p] = check(raw).errors
    assert (p.code, p.path) == ("manifest_schema", "RetentionPeriod")


def test_value_where_a_group_is_expected_is_a_schema_error(raw):
    doc(raw, 2)["SignerInfo"] = "Chủ tịch Đinh Văn Thiệu"
    assert codes(check(raw)) == {"manifest_schema"}


@pytest.mark.parametrize("organ_id", ["000.00.00.H4", "000.00.00.41H", "H41", "000.00.00.h41"])
def test_organ_id_not_of_the_form_nnn_nn_nn_xnn_is_refused(raw, organ_id):
    raw["FileCode"]["OrganId"] = organ_id
    assert codes(check(raw)) == {"organ_id_format"}


def test_recipient_organ_id_format_is_checked_too(raw):
    doc(raw, 2)["To"][0]["OrganId"] = "VPCP"
    [p] = check(raw).errors
    assert (p.code, p.path) == ("organ_id_format", "Documents/Document[2]/To[1]/OrganId")


def test_organ_id_of_another_agency_is_refused_when_the_submitter_is_known(raw):
    raw["FileCode"]["OrganId"] = "000.00.31.H41"
    assert not check(raw).problems                            # no account known (command line)
    assert codes(check(raw, organ_id="000.00.00.H41")) == {"organ_id_mismatch"}


@pytest.mark.parametrize("value", ["Vĩnh viễn", "70 năm", "5 năm", "Theo tuổi thọ công trình", "vĩnh viễn"])
def test_maintenance_from_the_code_list_is_accepted(raw, value):
    raw["Maintenance"] = value
    assert "code_list" not in codes(check(raw))


def test_maintenance_outside_the_code_list_is_refused(raw):
    raw["Maintenance"] = "15 năm"
    [p] = check(raw).errors
    assert (p.code, p.path, p.value) == ("code_list", "Maintenance", "15 năm") and "Vĩnh viễn" in p.message_vi


@pytest.mark.parametrize("value, ok", [("Công khai", True), ("Hạn chế", True), ("Mở", False)])
def test_rights_must_be_open_or_restricted(raw, value, ok):
    raw["Rights"] = value
    assert ("code_list" not in codes(check(raw))) is ok


@pytest.mark.parametrize("value, ok", [("vie", True), ("vie, eng", True), ("fra", True), ("vn", False)])
def test_language_must_be_iso_639_2_codes(raw, value, ok):
    raw["Language"] = value
    assert ("code_list" not in codes(check(raw))) is ok


def test_language_given_by_name_is_refused_with_its_code_offered(raw):
    raw["Language"] = "Tiếng Việt"
    [p] = check(raw).errors
    assert (p.code, p.suggestion) == ("code_list", "vie")


@pytest.mark.parametrize("value, ok", [("0", True), ("3", True), ("4", False)])
def test_priority_must_be_zero_to_three(raw, value, ok):
    doc(raw, 2)["Priority"] = value
    assert (not check(raw).problems) is ok
