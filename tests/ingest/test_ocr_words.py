"""OCR text that reads: the words of a scan, copied or extracted from its PDF/A copy, keep
their boundaries. On the committed sample scans (300 dpi, slightly skewed and specked, as
scripts/sample_dossiers/render.py makes them), against lines printed on them."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.normalise import normalise
from archive import poppler
from ingest.tools import pdfium
from tests.fixtures.archives import slow_fixture

SCANS = Path(__file__).resolve().parents[2] / "samples" / "valid" / "stttt-2021-12vp-van-ban-den-ban-giay" / "files"
# Lines printed on each scan (scripts/sample_dossiers/valid.py and render.py).
PRINTED = {
    "cv-512-ubnd-nha-trang-scan.png": (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
        "Kính gửi: Sở Thông tin và Truyền thông tỉnh Khánh Hòa.",
        "Đề nghị Sở hướng dẫn việc lưu trữ văn bản điện tử đối với văn bản đến dạng giấy.",
    ),
    "bc-87-ubnd-dien-khanh-scan.tif": (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
        "HUYỆN DIÊN KHÁNH", "Ủy ban nhân dân huyện Diên Khánh báo cáo tình hình thực hiện Quyết định số",
    ),
}


def _words(text: str) -> list[str]:
    return [w.strip(".,:;") for w in unicodedata.normalize("NFC", text).split() if any(ch.isalnum() for ch in w)]


@slow_fixture(scope="module", params=sorted(PRINTED))    # OCRmyPDF + Tesseract on each scan
def ocr_copy(request, tmp_path_factory):
    return request.param, normalise(SCANS / request.param, tmp_path_factory.mktemp("ocr"), validate=False)


@pytest.mark.parametrize("extract", [poppler.text, pdfium.text], ids=["pdftotext", "pdfium"])
def test_words_extracted_from_the_ocr_copy_are_the_words_on_the_scan(ocr_copy, extract):
    name, result = ocr_copy
    assert result.tool.startswith("OCRmyPDF")
    extracted = set(_words(extract(result.output)))
    lines = [_words(line) for line in PRINTED[name]]
    drawn = [w for line in lines for w in line]
    # Two printed words glued together ("XÃHỘI", "Độclập") is what a lost boundary looks like.
    glued = {a + b for line in lines for a, b in zip(line, line[1:])}
    assert not glued & extracted, sorted(glued & extracted)
    missing = [w for w in drawn if w not in extracted]
    assert len(missing) <= 0.05 * len(drawn), missing
