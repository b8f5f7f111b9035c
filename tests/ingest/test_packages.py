"""Packages from other systems: a BagIt bag is validated before anything else and unwrapped; an
E-ARK SIP is checked by eark-validator and needs the Appendix VI manifest; a folder of documents
without any manifest is refused once, pointing at ``luutru draft``."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import bagit
import pytest

from api.cli.ingest import submissions
from archive.errors import UnreadableSubmission
from archive.package import DocumentContent, PackageContent, build_package
from ingest.packages import holds_documents
from ingest.submission import open_submission
from ingest.validation import validate
from schemas.writer import to_xml
from tests.archive.package.conftest import AGENCY, ORGAN_ID, original, sample_dossier
from tests.schemas.builders import TODAY, write_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "valid" / "stttt-2021-05cntt-trien-khai-chu-ky-so"


@pytest.fixture
def bag(tmp_path) -> Path:
    folder = tmp_path / "bag"
    shutil.copytree(SAMPLE, folder)
    bagit.make_bag(str(folder), {"Source-Organization": "Sở Thông tin và Truyền thông tỉnh Khánh Hòa",
                                 "External-Identifier": "STTTT-2021-05"}, checksums=["sha256"])
    return folder


def test_valid_bag_is_unwrapped_and_its_bag_info_kept(bag):
    with open_submission(bag) as submission:
        assert submission.root == bag / "data"
        assert validate(submission, today=TODAY).valid
        info = submission.origin["bagit"]["info"]
        assert info["External-Identifier"] == "STTTT-2021-05" and "Payload-Oxum" in info


def test_zipped_bag_is_validated_too(bag, tmp_path):
    archive = tmp_path / "bag.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(bag.rglob("*")):
            z.write(path, Path("bag") / path.relative_to(bag))
    with open_submission(archive) as submission:
        assert submission.root.name == "data" and submission.origin["bagit"]


def test_bag_with_one_changed_byte_is_refused_naming_the_file(bag):
    target = bag / "data" / "files" / "cv-215-stttt-cntt-ky-so.pdf"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01                 # same size: Payload-Oxum still agrees, the checksum does not
    target.write_bytes(bytes(data))
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(bag)
    assert refused.value.reason == "bag_invalid"
    assert "data/files/cv-215-stttt-cntt-ky-so.pdf" in refused.value.detail
    assert "cv-215-stttt-cntt-ky-so.pdf" in refused.value.message_vi


def test_bag_with_a_grown_file_fails_payload_oxum_and_still_names_it(bag):
    with open(bag / "data" / "files" / "qd-04-2021-qd-ubnd-ban-den.pdf", "ab") as f:
        f.write(b"\n% appended")
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(bag)
    assert refused.value.reason == "bag_invalid"
    assert "data/files/qd-04-2021-qd-ubnd-ban-den.pdf" in refused.value.detail


def test_bag_with_a_changed_tag_file_is_refused(bag):
    info = bag / "bag-info.txt"
    info.write_text(info.read_text().replace("STTTT-2021-05", "STTTT-2021-99"))
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(bag)
    assert refused.value.reason == "bag_invalid" and "bag-info.txt" in refused.value.detail


def test_a_bag_is_one_submission_not_a_folder_of_them(bag):
    assert submissions([bag]) == [bag]


# --- E-ARK -------------------------------------------------------------------------------------

def make_sip(tmp_path: Path, *, with_manifest: bool = True) -> Path:
    """A CSIP/SIP written by the archive's own package builder, the Appendix VI manifest added as
    descriptive metadata naming the documents by their path in the SIP."""
    src = tmp_path / "src"
    src.mkdir()
    tt, qd, pl = (write_pdf(src / "tt.pdf", 1), write_pdf(src / "qd.pdf", 2), write_pdf(src / "pl.pdf", 3))
    dossier = sample_dossier()
    docs = [DocumentContent(1, [original(tt, "files/tt-2849.pdf")]),
            DocumentContent(2, [original(qd, "files/qd-04-2021.pdf"), original(pl, "files/phu-luc.pdf", "attachment")])]
    sip = build_package(PackageContent(dossier, ORGAN_ID, AGENCY, docs, package_type="SIP"), tmp_path / "out").path
    if with_manifest:
        raw = dossier.model_dump(mode="json", exclude_none=True)
        data = "representations/rep0/data"
        raw["Documents"][0]["files"] = [{"path": f"{data}/001/01.pdf", "role": "main"}]
        raw["Documents"][1]["files"] = [{"path": f"{data}/002/01.pdf", "role": "main"},
                                        {"path": f"{data}/002/02.pdf", "role": "attachment"}]
        (sip / "metadata" / "descriptive" / "hoso.xml").write_bytes(to_xml(raw))
    return sip


def test_eark_sip_with_an_appendix_vi_manifest_is_accepted(tmp_path):
    sip = make_sip(tmp_path)
    with open_submission(sip) as submission:
        report = validate(submission, today=TODAY)
        assert report.valid, [p.code for p in report.errors]
        assert submission.files == ["representations/rep0/data/001/01.pdf", "representations/rep0/data/002/01.pdf",
                                    "representations/rep0/data/002/02.pdf"]
        assert submission.origin["eark"]["manifest"] == "metadata/descriptive/hoso.xml"
    assert submissions([sip]) == [sip]


def test_eark_sip_without_the_manifest_is_refused_once_naming_what_is_there_and_missing(tmp_path):
    sip = make_sip(tmp_path, with_manifest=False)
    assert submissions([sip]) == [sip]             # one refusal, not one per sub-folder
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(sip)
    error = refused.value
    assert error.reason == "eark_manifest_missing"
    assert "E-ARK" in error.message_vi and "metadata/descriptive/EAD.xml" in error.message_vi
    assert "metadata/descriptive/hoso.xml" in error.message_vi and "3 tệp" in error.message_vi


def test_draft_writes_the_missing_manifest_into_the_sip_which_then_validates(tmp_path):
    from typer.testing import CliRunner

    import api.cli.draft  # noqa: F401
    from api.cli.app import app

    sip = make_sip(tmp_path, with_manifest=False)
    out = sip / "metadata" / "descriptive" / "hoso.xml"
    result = CliRunner().invoke(app, ["draft", str(sip), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    xml = out.read_text(encoding="utf-8")
    assert 'file="representations/rep0/data/001/01.pdf"' in xml
    filled = {"Title": "Hồ sơ nhận từ hệ thống khác", "Maintenance": "10 năm", "Rights": "Công khai",
              "Creator": "Nguyễn Thị Lan", "FileNotation": "09.VP"}
    for tag, value in filled.items():
        xml = xml.replace(f"<{tag}></{tag}>", f"<{tag}>{value}</{tag}>")
    out.write_text(xml, encoding="utf-8")
    with open_submission(sip) as submission:
        report = validate(submission, today=TODAY)
    # the test PDFs print no Appendix I header: what cannot be read stays for the archivist, but every
    # document of the SIP is named where the SIP keeps it
    codes = {p.code for p in report.errors}
    assert not codes & {"file_unlisted", "file_missing", "unsafe_path"} and xml.count("<Document ") == 3


def test_eark_sip_with_a_broken_mets_is_refused_by_eark_validator(tmp_path):
    sip = make_sip(tmp_path)
    mets = sip / "METS.xml"
    mets.write_text(mets.read_text(encoding="utf-8").replace('TYPE="', 'TYPO="', 1), encoding="utf-8")
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(sip)
    assert refused.value.reason == "eark_invalid"


# --- a folder of documents ----------------------------------------------------------------------

def test_folder_of_documents_without_any_manifest_is_refused_suggesting_draft(tmp_path):
    docs = tmp_path / "van-ban"
    shutil.copytree(SAMPLE / "files", docs)
    (docs / "cu").mkdir()
    shutil.copy(SAMPLE / "files" / "cv-215-stttt-cntt-ky-so.pdf", docs / "cu" / "ban-cu.pdf")
    assert submissions([docs]) == [docs]            # not walked into as a folder of submissions
    with pytest.raises(UnreadableSubmission) as refused:
        open_submission(docs)
    assert refused.value.reason == "manifest_missing" and refused.value.context["documents"] == 3
    assert "luutru draft" in refused.value.message_vi and "luutru draft" in refused.value.detail


def test_folder_of_submissions_is_still_walked(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "lo" / "a")
    shutil.copytree(SAMPLE, tmp_path / "lo" / "b")
    assert submissions([tmp_path / "lo"]) == [tmp_path / "lo" / "a", tmp_path / "lo" / "b"]


def test_a_submission_holds_documents_when_a_file_has_a_document_format_in_a_folder_or_a_zip(tmp_path):
    folder = tmp_path / "ho-so"
    (folder / "tai-lieu").mkdir(parents=True)
    (folder / "hoso.xml").write_text("<HoSo/>", encoding="utf-8")
    assert not holds_documents(folder)                  # metadata only: no PDF/A copy to check
    (folder / "tai-lieu" / "QD-04.PDF").write_bytes(b"%PDF-1.7")
    assert holds_documents(folder)
    metadata_only, with_scan = tmp_path / "chi-ke-khai.zip", tmp_path / "co-ban-quet.zip"
    with zipfile.ZipFile(metadata_only, "w") as z:
        z.writestr("ho-so/hoso.xml", "<HoSo/>")
    with zipfile.ZipFile(with_scan, "w") as z:
        z.writestr("ho-so/hoso.xml", "<HoSo/>")
        z.writestr("ho-so/tai-lieu/ban-quet.tif", b"II*")
    assert not holds_documents(metadata_only) and holds_documents(with_scan)
    assert not holds_documents(tmp_path / "khong-co")
