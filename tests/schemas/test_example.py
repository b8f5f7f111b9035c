"""The specification's own example must be accepted, in every form a submission can take."""
from __future__ import annotations

import zipfile

from ingest.submission import open_submission
from ingest.validation import validate
from tests.schemas.builders import TODAY, codes, example_raw, write_submission


def test_specification_example_folder_is_valid(example_folder):
    with open_submission(example_folder) as submission:
        report = validate(submission, today=TODAY)
    assert report.valid and not report.warnings, report.render_text()
    assert report.dossier.code == "000.00.00.H41.2021.01.VP"


def test_specification_example_as_json_manifest_is_valid(tmp_path):
    folder = write_submission(tmp_path / "hoso", example_raw())
    with open_submission(folder) as submission:
        assert submission.manifest_path.name == "hoso.json"
        report = validate(submission, today=TODAY)
    assert report.valid, report.render_text()


def test_specification_example_zipped_inside_its_folder_is_valid(example_folder, tmp_path):
    archive = tmp_path / "hoso.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in example_folder.rglob("*"):
            z.write(f, f"hoso/{f.relative_to(example_folder).as_posix()}")
    with open_submission(archive) as submission:
        assert submission.files == ["files/qd-04-2021.pdf", "files/tt-2849.pdf"]
        report = validate(submission, today=TODAY)
    assert report.valid, report.render_text()


def test_auto_fields_are_computed_from_the_files_when_omitted(tmp_path):
    raw = example_raw()
    del raw["FileCode"]["OrganId"], raw["FileCode"]["FileCatalog"]
    for d in raw["Documents"]:
        del d["DocOrdinal"]
    folder = write_submission(tmp_path / "hoso", raw)
    with open_submission(folder) as submission:
        report = validate(submission, today=TODAY)
    assert report.valid, report.render_text()
    d = report.dossier
    assert d.code == "000.00.00.H41.2021.01.VP"
    assert (d.DocTotal, d.PageTotal) == (2, 5)
    assert [(x.DocOrdinal, x.PageAmount) for x in d.Documents] == [(1, 2), (2, 3)]
    assert d.document_code(d.Documents[1]) == "000.00.00.H41.2021.01.VP.002"


def test_given_auto_fields_that_agree_are_accepted(tmp_path):
    raw = example_raw()
    raw.update(DocTotal="2", PageTotal="5")
    raw["Documents"][0]["PageAmount"] = "2"
    folder = write_submission(tmp_path / "hoso", raw)
    with open_submission(folder) as submission:
        assert not codes(validate(submission, today=TODAY))


def test_json_manifest_may_name_files_as_the_xml_does(tmp_path):
    raw = example_raw()
    raw["Documents"][0]["File"] = [{"path": raw["Documents"][0].pop("file"), "role": "main"}]
    folder = write_submission(tmp_path / "hoso", raw)
    with open_submission(folder) as submission:
        assert validate(submission, today=TODAY).valid


def test_a_dossier_model_validates_like_its_manifest(example_folder):
    with open_submission(example_folder) as submission:
        filled = validate(submission, today=TODAY).dossier
    again = validate(filled, today=TODAY)
    assert again.valid and not again.problems
    assert again.dossier == filled


def test_report_renders_errors_then_warnings_in_vietnamese():
    raw = example_raw()
    raw["Maintenance"] = "10 năm"
    raw["StartDate"] = "2022-01-01"
    report = validate(raw, today=TODAY)
    lines = report.render_text().splitlines()
    assert lines[0] == "dossier: KHÔNG HỢP LỆ (1 lỗi, 1 cảnh báo)"
    assert lines[1].startswith("  [LỖI] date_order StartDate: Thời gian bắt đầu (2022-01-01) sau")
    assert lines[2].startswith("  [CẢNH BÁO] retention_shorter_than_default Maintenance:")
    as_dict = report.to_dict()
    assert (as_dict["valid"], as_dict["codes"]) == (False, ["date_order", "retention_shorter_than_default"])
    assert as_dict["errors"][0]["rule"] == "StartDate must not be after EndDate"
