"""Converters sharing the cores: the budget, LibreOffice batches, OCR jobs and passes, and
Ghostscript's interpreter chosen before the first run."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from PIL import Image

from archive.errors import ToolFailed
from ingest.normalise import normalise, text_survives
from archive import process as _process
from ingest.tools import cores, ghostscript, libreoffice, ocr, pdfium

from .conftest import REPO_ROOT, VIETNAMESE, scan_image

SAMPLE_SCAN = REPO_ROOT / "samples/valid/stttt-2021-12vp-van-ban-den-ban-giay/files/cv-512-ubnd-nha-trang-scan.png"


@pytest.fixture
def workers(monkeypatch):
    def set_workers(n: int) -> None:
        monkeypatch.setenv("LUUTRU_INGEST_WORKERS", str(n))
    yield set_workers


@pytest.fixture
def runs(monkeypatch):
    """Every external program started, by name (the real runner still runs it)."""
    started: list[list[str]] = []
    real = _process.run

    def spy(args, **kwargs):
        started.append([str(a) for a in args])
        return real(args, **kwargs)
    monkeypatch.setattr(_process, "run", spy)
    return started


def test_core_budget_never_runs_more_holders_than_cores_and_ocr_takes_the_free_ones():
    budget = cores.CoreBudget(2)
    running, peak, lock = [0], [0], threading.Lock()

    def hold():
        with budget.hold():
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: hold(), range(16)))
    assert peak[0] == 2
    with budget.hold(up_to=5) as taken:
        assert taken == 2                     # all free cores, never more than exist
    with budget.hold() as one, budget.hold(up_to=3) as rest:
        assert (one, rest) == (1, 1)


def _docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.slow
def test_office_files_waiting_for_a_core_are_converted_in_one_libreoffice_run(tmp_path, workers, runs):
    workers(1)
    sources = [_docx(tmp_path / f"van-ban-{n}.docx", f"{VIETNAMESE} số {n}") for n in range(3)]
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a document")
    outputs = [tmp_path / f"out-{n}.pdf" for n in range(4)]

    def convert(pair):
        try:
            return libreoffice.to_pdfa(*pair)
        except ToolFailed as exc:
            return exc

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(convert, zip([*sources, broken], outputs)))
    soffice = [r for r in runs if r[0] == libreoffice.PROGRAM]
    # one run for the four, then the broken file alone for its own error message
    assert len(soffice) == 2 and sum(a.endswith(".docx") for a in soffice[0]) == 4
    assert isinstance(results[3], ToolFailed) and "hong.docx" in results[3].detail
    for n, output in enumerate(outputs[:3]):
        assert results[n] == output and f"số {n}" in pdfium.text(output)


@pytest.mark.slow
def test_ocr_jobs_are_the_free_cores_and_an_upright_scan_is_read_once(tmp_path, workers, runs):
    workers(2)
    scan = tmp_path / "scan.tif"
    pages = scan_image(pages=2)
    pages[0].save(scan, save_all=True, append_images=pages[1:], dpi=(300, 300))
    _, text = ocr.to_searchable_pdfa(scan, tmp_path / "scan.pdfa.pdf")
    assert "Độc lập" in text and "Trang 2" in text
    ocr_runs = [r for r in runs if "ocrmypdf" in r]
    assert len(ocr_runs) == 1
    command = ocr_runs[0]
    assert command[command.index("--jobs") + 1] == "2" and "--rotate-pages" not in command


@pytest.mark.slow
def test_a_scan_upside_down_is_read_again_with_rotation(tmp_path, runs):
    scan = tmp_path / "nguoc.png"
    with Image.open(SAMPLE_SCAN) as page:    # the top third of a sample's 300 dpi scan, turned over
        page.crop((0, 0, page.width, page.height // 3)).rotate(180).save(scan, dpi=(300, 300))
    _, text = ocr.to_searchable_pdfa(scan, tmp_path / "nguoc.pdfa.pdf")
    assert "NGHĨA VIỆT NAM" in text and "Hạnh phúc" in text and ocr.misread_pages(text) == 0
    ocr_runs = [r for r in runs if "ocrmypdf" in r]
    assert len(ocr_runs) == 2 and "--rotate-pages" in ocr_runs[1] and "--rotate-pages" not in ocr_runs[0]


def test_misread_pages_tells_noise_from_vietnamese():
    upright = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Quyết định về việc lưu trữ hồ sơ"
    turned = "T Buell_ 0S QUu 111 nn| 2ŠIA A qujp Án 2nud uuÉh - op äL - dệi 5q INVN L3IA VỊHĐN fH2 IÒH yX VQH ĐNÓ2"
    assert ocr.misread_pages(upright) == 0
    assert ocr.misread_pages(f"{upright}\f{turned}") == 1
    assert ocr.misread_pages("Trang 2") == 0          # too few words to judge


@pytest.mark.slow
@pytest.mark.skipif(not ghostscript.has_legacy_interpreter(), reason="this Ghostscript has one interpreter only")
def test_reportlab_pdf_is_converted_once_with_the_interpreter_that_keeps_its_text(tmp_path, text_pdf, runs):
    result = normalise(text_pdf, tmp_path / "out", validate=False)
    gs_runs = [r for r in runs if r[0] == ghostscript.PROGRAM]
    assert len(gs_runs) == 1 and "-dNEWPDF=false" in gs_runs[0]
    assert result.reason is None and text_survives(VIETNAMESE, pdfium.text(result.output))
