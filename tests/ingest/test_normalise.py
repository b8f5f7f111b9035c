"""Normalisation to PDF/A with the real Ghostscript, LibreOffice, Tesseract."""
from __future__ import annotations

import hashlib
import subprocess
import unicodedata
import wave
from pathlib import Path

import docx
import openpyxl
import pikepdf
import pytest

from archive.errors import BrokenFile, EncryptedPdf
from ingest import signatures
from ingest.normalise import normalise, reconvert, text_survives, validate_pdfa
from archive import poppler

from .conftest import SCAN_LINES, VIETNAMESE, scan_image

pytestmark = pytest.mark.slow


def _contains(text: str, expected: str) -> bool:
    """Exact match of every letter and diacritic, whatever the line breaks (NFC compared)."""
    def flat(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).split())
    return flat(expected) in flat(text)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_pdfa_2b(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        assert "/DestOutputProfile" in pdf.Root.OutputIntents[0]


def test_pdf_becomes_pdfa_with_vietnamese_text_intact(tmp_path, text_pdf):
    before = _sha256(text_pdf)
    result = normalise(text_pdf, tmp_path / "work")
    assert (result.action, result.tool) == ("pdfa", "Ghostscript")
    _assert_pdfa_2b(result.output)
    assert _contains(poppler.text(result.output), VIETNAMESE)
    assert result.page_count == 1 and result.validation.compliant
    assert _sha256(text_pdf) == before


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(VIETNAMESE)
    document.save(path)
    return path


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    words = VIETNAMESE.split()
    book.active["A1"] = " ".join(words[: len(words) // 2])
    book.active["A2"] = " ".join(words[len(words) // 2:])
    book.active.column_dimensions["A"].width = 70
    book.save(path)
    return path


def _rtf(path: Path) -> Path:
    # RTF carries non-ASCII text as \uN escapes (signed 16-bit code units) with a '?' fallback.
    body = "".join(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in VIETNAMESE)
    path.write_text("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 DejaVu Sans;}}\\f0 " + body + "\\par}", encoding="ascii")
    return path


def _saved_by_libreoffice(make, name: str, target: str):
    """Older and open formats (DOC, ODT, XLS) written by LibreOffice itself from a DOCX/XLSX."""
    def build(path: Path) -> Path:
        source = make(path.with_name(name))
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation={(path.parent / 'lo-save').as_uri()}",
             "--convert-to", target, "--outdir", str(path.parent), str(source)],
            check=True, capture_output=True, timeout=300,
        )
        source.unlink()
        return path
    return build


OFFICE_INPUTS = [
    (_docx, "to-trinh.docx"), (_xlsx, "thong-ke.xlsx"), (_rtf, "cong-van.rtf"),
    (_saved_by_libreoffice(_docx, "bao-cao.docx", "doc"), "bao-cao.doc"),
    (_saved_by_libreoffice(_docx, "ke-hoach.docx", "odt"), "ke-hoach.odt"),
    (_saved_by_libreoffice(_xlsx, "so-lieu.xlsx", "xls"), "so-lieu.xls"),
]


@pytest.mark.parametrize("make, name", OFFICE_INPUTS, ids=[name for _, name in OFFICE_INPUTS])
def test_office_document_becomes_pdfa_with_vietnamese_text_intact(tmp_path, make, name):
    source = make(tmp_path / name)
    result = normalise(source, tmp_path / "work")
    assert (result.action, result.tool) == ("pdfa", "LibreOffice")
    _assert_pdfa_2b(result.output)
    assert _contains(result.text, VIETNAMESE), result.text


@pytest.mark.parametrize("make, name, mime", [
    (_docx, "to-trinh.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (_xlsx, "thong-ke.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_libreoffice_re_export_of_an_office_original_passes_verapdf(verapdf, tmp_path, make, name, mime):
    source = make(tmp_path / name)
    output = tmp_path / "copy.libreoffice.pdf"
    # Writer's and Calc's export filters both take the re-export's options.
    result = reconvert(source, tmp_path / "unused-first-copy.pdf", output, "libreoffice", mime=mime)
    assert result.tool == "LibreOffice" and result.output == output
    _assert_pdfa_2b(output)
    verdict = validate_pdfa(output)
    assert verdict.validator == "veraPDF" and verdict.compliant and verdict.complete and not verdict.failed_rules
    assert _contains(poppler.text(output), VIETNAMESE)


def test_ocr_finds_vietnamese_words_in_a_scanned_page(tmp_path, scan_png):
    result = normalise(scan_png, tmp_path / "work")
    assert result.tool.startswith("OCRmyPDF")
    _assert_pdfa_2b(result.output)
    searchable = poppler.text(result.output)
    for word in ("CỘNG", "HÒA", "VIỆT", "NAM", "Độc", "Hạnh", "phúc", "Quyết", "định", "lưu", "trữ"):
        assert word in searchable, word


def test_multipage_tiff_scan_becomes_one_searchable_pdf_page_per_frame(tmp_path):
    source = tmp_path / "ho-so-scan.tif"
    first, *rest = scan_image(pages=2)
    first.save(source, save_all=True, append_images=rest, dpi=(300, 300), compression="tiff_lzw")
    result = normalise(source, tmp_path / "work")
    assert result.page_count == 2
    assert "Trang 1" in result.text and "Trang 2" in result.text
    assert SCAN_LINES[1].split()[0] in result.text


def test_image_only_pdf_is_ocred_instead_of_only_rewritten(tmp_path):
    scanned_pdf = tmp_path / "scan.pdf"
    scan_image()[0].save(scanned_pdf, resolution=300)
    result = normalise(scanned_pdf, tmp_path / "work")
    assert result.tool.startswith("OCRmyPDF")
    assert "Hạnh phúc" in result.text


def test_encrypted_pdf_is_refused(tmp_path, encrypted_pdf):
    with pytest.raises(EncryptedPdf):
        normalise(encrypted_pdf, tmp_path / "work")


@pytest.mark.parametrize("name, content", [
    ("hong.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 64),
    ("trang-1.png", b"\x89PNG\r\n\x1a\n" + b"cut off mid-transfer"),
    ("rong.pdf", b""),
], ids=["broken-pdf", "broken-scan-image", "empty-pdf"])
def test_unreadable_file_is_refused_as_broken_naming_the_file(tmp_path, name, content):
    broken = tmp_path / name
    broken.write_bytes(content)
    with pytest.raises(BrokenFile) as error:
        normalise(broken, tmp_path / "work")
    assert name in error.value.detail


def test_unconvertible_format_is_kept_as_original_and_says_why(tmp_path):
    audio = tmp_path / "ghi-am.wav"
    with wave.open(str(audio), "wb") as sound:
        sound.setnchannels(1), sound.setsampwidth(2), sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    result = normalise(audio, tmp_path / "work")
    assert result.action == "kept_original" and result.output is None
    assert result.identification.puid and result.identification.puid in result.reason


def test_signed_pdf_keeps_its_original_bytes_and_a_valid_signature(tmp_path, signed_pdf, self_signed):
    before = _sha256(signed_pdf)
    result = normalise(signed_pdf, tmp_path / "work")
    assert result.action == "pdfa_rendition" and result.original_is_authentic
    assert _sha256(signed_pdf) == before
    assert result.output != signed_pdf and result.output.is_file()
    [report] = result.signatures
    assert report.intact and report.valid and report.coverage == "ENTIRE_FILE"
    assert "Văn thư Sở Nội vụ" in report.signer
    assert not report.trusted  # no trust root configured
    [trusted] = signatures.validate(signed_pdf, roots=[self_signed[1]])
    assert trusted.trusted and trusted.signing_time


def test_text_check_notices_lost_diacritics():
    assert text_survives(VIETNAMESE, "\n".join(VIETNAMESE.split()))
    stripped = "Quyt nh v vic ban hnh Quy ch cng tc v n th , l u tr"
    assert not text_survives(VIETNAMESE, stripped)


def test_signed_scan_gets_an_ocr_rendition_and_keeps_its_signed_original(tmp_path, self_signed):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    scan = tmp_path / "scan.pdf"
    scan_image()[0].save(scan, resolution=300)
    signed = tmp_path / "scan-signed.pdf"
    with open(scan, "rb") as source, open(signed, "wb") as target:
        # Pillow writes generation 65536 for the free object 0, which strict mode refuses.
        writer = IncrementalPdfFileWriter(source, strict=False)
        signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="ChuKy1"), signer=self_signed[0], output=target)
    before = _sha256(signed)
    result = normalise(signed, tmp_path / "work")
    assert (result.action, result.original_is_authentic) == ("pdfa_rendition", True)
    assert result.tool.startswith("OCRmyPDF") and "Hạnh phúc" in result.text
    assert _sha256(signed) == before and result.signatures[0].intact
