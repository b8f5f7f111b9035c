"""The committed samples are what samples/README.md says they are, checked with real tools.

Born-digital PDFs hold extractable Vietnamese text (poppler's pdftotext), the signed PDF's
signature validates against samples/trust/ca.pem (pyHanko), the scan OCRs to Vietnamese words
(Tesseract), manifests conform to the XSD and agree with the files, each invalid sample carries
exactly the fault it is named after, and rebuilding gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
VALID = SAMPLES / "valid"
INVALID = SAMPLES / "invalid"
XSD = ROOT / "schemas" / "xsd" / "dossier.xsd"
NS = {"d": "urn:luutru:dossier:1"}
TODAY = date(2026, 11, 25)
SIGNED_PDF = VALID / "stttt-2021-05cntt-trien-khai-chu-ky-so" / "files" / "cv-215-stttt-cntt-ky-so.pdf"
SCAN_PNG = VALID / "stttt-2021-12vp-van-ban-den-ban-giay" / "files" / "cv-512-ubnd-nha-trang-scan.png"
SCAN_TIFF = VALID / "stttt-2021-12vp-van-ban-den-ban-giay" / "files" / "bc-87-ubnd-dien-khanh-scan.tif"
DECISION = VALID / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt"
# Files that legitimately differ between two builds: fresh keys and pyHanko's signing time.
NOT_REPRODUCIBLE = {"trust/ca.pem", SIGNED_PDF.relative_to(SAMPLES).as_posix()}


def _unpack(path: Path, tmp: Path) -> Path:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            z.extractall(tmp / path.stem)
        return tmp / path.stem
    return path


@pytest.fixture(scope="module")
def valid_dossiers(tmp_path_factory) -> dict[str, Path]:
    """Every valid sample as a folder (the ZIP one unpacked)."""
    tmp = tmp_path_factory.mktemp("valid")
    return {p.name: _unpack(p, tmp) for p in sorted(VALID.iterdir())}


def _manifest(folder: Path) -> dict:
    """A valid sample's manifest as plain data: dates, counts, files, whatever its format."""
    if (folder / "hoso.json").exists():
        return json.loads((folder / "hoso.json").read_text(encoding="utf-8"))
    root = etree.parse(str(folder / "hoso.xml")).getroot()
    text = lambda el, tag: el.findtext(f"d:{tag}", namespaces=NS)  # noqa: E731
    docs = []
    for d in root.iterfind("d:Documents/d:Document", NS):
        files = [{"path": d.get("file"), "role": "main"}] if d.get("file") else [
            {"path": f.get("path"), "role": f.get("role")} for f in d.iterfind("d:File", NS)]
        docs.append({"direction": d.get("direction"), "files": files,
                     **{t: text(d, t) for t in ("DocOrdinal", "IssuedDate", "ArrivalDate", "DueDate", "PageAmount",
                                                 "TypeName", "CodeNotation") if text(d, t) is not None}})
    out = {t: text(root, t) for t in ("StartDate", "EndDate", "DocTotal", "PageTotal", "Maintenance", "Rights")}
    out["FileCode"] = {"OrganId": root.findtext("d:FileCode/d:OrganId", namespaces=NS)}
    return {**{k: v for k, v in out.items() if v is not None}, "Documents": docs}


def _pages(path: Path) -> int:
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


# --- valid dossiers ----------------------------------------------------------------------------

def test_there_are_at_least_eight_valid_dossiers_covering_every_kind(valid_dossiers):
    manifests = [_manifest(f) for f in valid_dossiers.values()]
    directions = {d["direction"] for m in manifests for d in m["Documents"]}
    suffixes = {Path(f["path"]).suffix for m in manifests for d in m["Documents"] for f in d["files"]}
    assert len(manifests) >= 8
    assert directions == {"incoming", "outgoing", "internal"}
    assert {".pdf", ".docx", ".odt", ".png", ".tif"} <= suffixes
    assert {m["Maintenance"] for m in manifests} >= {"Vĩnh viễn", "10 năm", "5 năm"}
    assert {m["Rights"] for m in manifests} == {"Công khai", "Hạn chế"}
    assert len({m["FileCode"]["OrganId"] for m in manifests}) >= 2
    assert any((f / "hoso.json").exists() for f in valid_dossiers.values())
    assert any(p.suffix == ".zip" for p in VALID.iterdir())
    assert any(len(d["files"]) > 1 for m in manifests for d in m["Documents"])


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir() if not (p / "hoso.json").exists()))
def test_valid_xml_manifest_conforms_to_the_dossier_xsd(valid_dossiers, name):
    if not XSD.exists():
        pytest.skip("schemas/xsd/dossier.xsd not committed yet (validator side of issue #2)")
    folder = valid_dossiers[name]
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(folder / "hoso.xml"))
    assert schema.validate(doc), schema.error_log


def test_json_manifest_fits_the_dossier_model(valid_dossiers):
    from schemas.models import Dossier

    folder = next(f for f in valid_dossiers.values() if (f / "hoso.json").exists())
    dossier = Dossier.model_validate_json((folder / "hoso.json").read_bytes())
    assert dossier.code.startswith("000.00.31.H41.2021.")
    assert all(doc.main_file is not None for doc in dossier.Documents)


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir()))
def test_dates_lie_inside_the_dossier_and_ordinals_follow_them(valid_dossiers, name):
    m = _manifest(valid_dossiers[name])
    start, end = date.fromisoformat(m["StartDate"]), date.fromisoformat(m["EndDate"])
    assert start <= end <= TODAY
    issued = []
    for doc in m["Documents"]:
        for key in ("IssuedDate", "ArrivalDate", "DueDate"):
            if key in doc:
                assert start <= date.fromisoformat(doc[key]) <= end, (key, doc[key])
        issued.append((int(doc["DocOrdinal"]), doc["IssuedDate"]))
    assert [o for o, _ in issued] == list(range(1, len(issued) + 1))
    assert [d for _, d in issued] == sorted(d for _, d in issued)


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir()))
def test_counts_in_the_manifest_are_the_files_own(valid_dossiers, name):
    folder = valid_dossiers[name]
    m = _manifest(folder)
    assert int(m.get("DocTotal", len(m["Documents"]))) == len(m["Documents"])
    pages = []
    for doc in m["Documents"]:
        main = folder / next(f["path"] for f in doc["files"] if f["role"] == "main")
        if "PageAmount" in doc:
            assert int(doc["PageAmount"]) == _pages(main), main.name
            pages.append(int(doc["PageAmount"]))
    if "PageTotal" in m:
        assert int(m["PageTotal"]) == sum(pages)
    files_on_disk = {p.relative_to(folder).as_posix() for p in (folder / "files").rglob("*") if p.is_file()}
    assert files_on_disk == {f["path"] for doc in m["Documents"] for f in doc["files"]}


def test_notations_carry_the_appendix_iii_abbreviation_of_their_type(valid_dossiers):
    """QĐ for a decision, BC for a report…; an official letter (công văn) carries none."""
    from archive.settings import load_codelists

    codelists = load_codelists()
    for folder in valid_dossiers.values():
        for doc in _manifest(folder)["Documents"]:
            first = doc["CodeNotation"].split("/")[-1].split("-")[0]
            expected = codelists.abbreviation(doc["TypeName"])
            if expected:
                assert first == expected, doc
            else:
                assert expected == "" and first.casefold() not in codelists.abbreviations, doc


def test_decision_pdf_holds_the_vietnamese_text_of_the_decision():
    text = _pdftotext(DECISION / "files" / "qd-04-2021-qd-ubnd.pdf")
    assert unicodedata.is_normalized("NFC", text)
    for words in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Số: 04/2021/QĐ-UBND", "QUYẾT ĐỊNH", "Điều 1.", "Đinh Văn Thiệu"):
        assert words in text, words


def test_regulation_attached_to_the_decision_is_a_multi_page_pdf_with_every_article():
    attachment = DECISION / "files" / "qd-04-2021-qd-ubnd-quy-dinh-kem-theo.pdf"
    text = _pdftotext(attachment)
    assert _pages(attachment) >= 4
    assert "Điều 13. Tạo lập, nộp lưu và quản lý hồ sơ điện tử" in text and "Điều 20." in text


def test_office_documents_hold_the_document_text(valid_dossiers):
    import docx

    d = docx.Document(str(DECISION / "files" / "bc-35-vp-tong-hop-gop-y.docx"))
    assert any("Tổng hợp ý kiến góp ý" in p.text for p in d.paragraphs)
    odt = valid_dossiers["ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii"] / "files" / "bc-102-stttt-quy-ii.odt"
    with zipfile.ZipFile(odt) as z:
        assert z.infolist()[0].filename == "mimetype" and z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = etree.fromstring(z.read("content.xml"))
    assert "Tình hình trao đổi văn bản điện tử quý II năm 2021" in "".join(content.itertext())


def test_signed_pdf_signature_validates_against_the_sample_ca():
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(SAMPLES / "trust" / "ca.pem"))],
                                allow_fetching=False)
    with SIGNED_PDF.open("rb") as fh:
        signature = PdfFileReader(fh).embedded_signatures[0]
        status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"].startswith("Sở Thông tin và Truyền thông")


def test_signed_pdf_is_untrusted_without_the_sample_ca():
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with SIGNED_PDF.open("rb") as fh:
        status = validate_pdf_signature(PdfFileReader(fh).embedded_signatures[0],
                                        ValidationContext(trust_roots=[], allow_fetching=False))
    assert status.intact and not status.trusted


@pytest.mark.slow
def test_scanned_page_ocrs_to_vietnamese_words():
    text = subprocess.run(["tesseract", str(SCAN_PNG), "-", "-l", "vie"], check=True, capture_output=True,
                          text=True).stdout
    assert "Quyết định" in text and "văn bản điện tử" in text


def test_scans_are_300_dpi_pages_png_and_two_page_tiff():
    with Image.open(SCAN_PNG) as png:
        assert png.format == "PNG" and round(png.info["dpi"][0]) == 300 and png.size == (2480, 3508)
    with Image.open(SCAN_TIFF) as tif:
        assert tif.format == "TIFF" and tif.n_frames == 2 and round(tif.info["dpi"][0]) == 300


# --- invalid dossiers --------------------------------------------------------------------------

INVALID_NAMES = sorted(p.name for p in INVALID.iterdir())


def _expected(name: str) -> dict:
    return json.loads((INVALID / name / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_sample_names_its_submission_and_expected_outcome(name):
    expected = _expected(name)
    assert expected["exit_code"] in (0, 1, 2) and expected["codes"]
    assert (INVALID / name / expected["submission"]).exists()
    assert name.startswith(tuple(expected["codes"]))


@pytest.fixture(scope="module")
def luutru_validate():
    """``luutru validate --format json PATH`` through the real CLI: (exit code, report)."""
    import importlib
    import pkgutil

    from typer.testing import CliRunner

    import api.cli
    from api.cli.app import app

    for module in pkgutil.iter_modules(api.cli.__path__):     # register every command, as main() does
        importlib.import_module(f"api.cli.{module.name}")

    def run(path: Path) -> tuple[int, dict]:
        result = CliRunner().invoke(app, ["validate", "--format", "json", str(path)])
        return result.exit_code, json.loads(result.output)[0]
    return run


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_each_invalid_sample_gets_the_outcome_it_claims_from_the_validator(luutru_validate, name):
    """The samples are the contract with the validator: run the real CLI on each one."""
    expected = _expected(name)
    exit_code, report = luutru_validate(INVALID / name / expected["submission"])
    assert exit_code == expected["exit_code"], report
    assert set(expected["codes"]) <= set(report["codes"]), report
    if expected["exit_code"] == 0:
        assert {w["code"] for w in report["warnings"]} >= set(expected["codes"])


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir()))
def test_each_valid_sample_is_accepted_by_the_validator(luutru_validate, name):
    exit_code, report = luutru_validate(VALID / name)
    assert exit_code == 0 and report["valid"], report


@pytest.mark.parametrize("name", ["legacy_encoding_tcvn3", "legacy_encoding_vni", "text_not_nfc"])
def test_mis_encoded_title_is_offered_back_as_the_original_unicode_text(luutru_validate, name):
    original = etree.parse(str(INVALID / "date_order" / "submission" / "hoso.xml")).findtext("d:Title", namespaces=NS)
    _, report = luutru_validate(INVALID / name / "submission")
    problem = next(p for p in report["errors"] + report["warnings"] if p["path"] == "Title")
    assert problem["suggestion"] == original


def test_legacy_encoding_samples_hold_real_tcvn3_and_vni_text():
    title = lambda n: etree.parse(str(INVALID / n / "submission" / "hoso.xml")).findtext("d:Title", namespaces=NS)  # noqa: E731
    assert "QuyÕt ®Þnh sè 04/2021/Q§-UBND" in title("legacy_encoding_tcvn3")
    assert "Quyeát ñònh soá 04/2021/QÑ-UBND" in title("legacy_encoding_vni")


def test_non_utf8_manifests_are_really_windows_1258_and_utf16():
    cp1258 = (INVALID / "manifest_encoding_windows_1258" / "submission" / "hoso.xml").read_bytes()
    utf16 = (INVALID / "manifest_encoding_utf16" / "submission" / "hoso.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cp1258.decode("utf-8")
    assert "Quyết định" in unicodedata.normalize("NFC", cp1258.decode("cp1258"))
    assert utf16.startswith(b"\xff\xfe") and "Quyết định" in utf16.decode("utf-16")


def test_hostile_zips_exceed_the_limits_in_settings():
    from archive.settings import Settings

    settings = Settings()
    with zipfile.ZipFile(INVALID / "zip_bomb" / "submission.zip") as z:
        size = sum(i.file_size for i in z.infolist())
        assert size / (INVALID / "zip_bomb" / "submission.zip").stat().st_size > settings.max_zip_ratio
    with zipfile.ZipFile(INVALID / "zip_too_many_entries" / "submission.zip") as z:
        assert len(z.infolist()) > settings.max_zip_entries
    with zipfile.ZipFile(INVALID / "zip_unsafe_entry_parent" / "submission.zip") as z:
        assert any(n.startswith("../") for n in z.namelist())
    with zipfile.ZipFile(INVALID / "zip_unsafe_entry_symlink" / "submission.zip") as z:
        assert any(stat.S_ISLNK(i.external_attr >> 16) for i in z.infolist())


def test_broken_and_encrypted_pdfs_cannot_be_opened():
    broken = INVALID / "file_unreadable_broken_pdf" / "submission" / "files" / "cv-2849-stttt-cntt.pdf"
    encrypted = INVALID / "file_unreadable_encrypted_pdf" / "submission" / "files" / "cv-2849-stttt-cntt.pdf"
    with pytest.raises(pikepdf.PdfError):
        pikepdf.open(broken)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(encrypted)


# --- reproducibility ---------------------------------------------------------------------------

def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "sources" not in p.relative_to(root).parts}


@pytest.mark.slow
def test_rebuilding_gives_the_committed_samples_byte_for_byte(tmp_path):
    out = tmp_path / "samples"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_samples.py"), str(out)], check=True, cwd=ROOT)
    built, committed = _digests(out), _digests(SAMPLES)
    assert built.keys() == committed.keys()
    assert {k for k in built if built[k] != committed[k]} <= NOT_REPRODUCIBLE
