"""Normalisation benchmark: normalise() vs plain Ghostscript on the same PDFs, and OCR speed.

Setup (not timed): N Vietnamese DOCX documents of 2–8 pages exported to ordinary PDF by
LibreOffice, the way agencies' PDFs are usually made. Then, on the same PDFs:

- plain ``gs`` with exactly the arguments normalise() uses (ingest.tools.ghostscript.pdfa_command);
- the pipeline's normalise step, ``normalise(identification=…, validate=False)``:
  encryption/signature checks, Ghostscript, the original's full text for the index (read
  while Ghostscript runs), the diacritics check on the copy's first pages (PDFium) and
  the page count;
- the identify step before it (FIDO), timed apart: the pipeline identifies every file of
  a dossier, converted or not, and hands the result to normalise;
- the PDF/A validation of the copies, timed on its own since the pipeline runs it as a
  separate step: veraPDF on all copies as the validate_pdfa step does for a dossier, once
  in JVMs started ahead of need (``verapdf.prestart`` at the benchmark's start, as a worker
  process, ``luutru serve`` and ``luutru ingest`` do; ``--cold``: in JVMs started for it),
  then again (``--verapdf-rounds``) in the JVMs kept running (ingest.tools.verapdf), as a
  worker validates dossier after dossier, each reported as a ratio to plain gs (goal <= 1);
  and the fallback checker (pikepdf) file by file.

Goal: normalise at most 15 % slower than plain gs (printed without and with identification). Finally OCR: a multi-page scanned
TIFF through OCRmyPDF + Tesseract (vie), reported as pages per second.

    .venv/bin/python bench/ghostscript_bench.py [--count N] [--ocr-pages P] [--verapdf-rounds R] [--cold]
    # --count 0: OCR only
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from ingest.identify import identify  # noqa: E402
from archive.settings import get_settings  # noqa: E402
from ingest import pdfa_check  # noqa: E402
from ingest.normalise import normalise  # noqa: E402
from ingest.tools import ghostscript, libreoffice, ocr, verapdf  # noqa: E402

SENTENCES = [
    "Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024;",
    "Theo đề nghị của Giám đốc Sở Nội vụ tỉnh Khánh Hòa,",
    "Ủy ban nhân dân tỉnh ban hành Quy chế công tác văn thư, lưu trữ của cơ quan.",
    "Hồ sơ, tài liệu điện tử được lưu trữ theo định dạng PDF/A bảo đảm tính toàn vẹn.",
    "Người đứng đầu cơ quan, tổ chức chịu trách nhiệm quản lý công tác lưu trữ.",
]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def make_pdfs(folder: Path, count: int) -> list[Path]:
    rng = random.Random(30)
    pdfs = []
    for number in range(count):
        document = docx.Document()
        for _ in range(rng.randint(60, 240)):  # about 30 paragraphs a page
            document.add_paragraph(" ".join(rng.choices(SENTENCES, k=3)))
        source = folder / f"van-ban-{number:03}.docx"
        document.save(source)
        out = folder / f"van-ban-{number:03}.pdf"
        # Ordinary PDF export (not PDF/A), as agencies produce them.
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
             "--convert-to", "pdf", "--outdir", str(folder), str(source)],
            check=True, capture_output=True,
        )
        pdfs.append(out)
    return pdfs


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Ghostscript, pdftotext, …)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Wall and CPU seconds, summed over the measured calls."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def measure(self, call):
        wall, cpu = time.perf_counter(), cpu_seconds()
        value = call()
        self.wall += time.perf_counter() - wall
        self.cpu += cpu_seconds() - cpu
        return value


def time_gs_and_normalise(pdfs: list[Path], folder: Path) -> tuple[Clock, Clock, Clock, int, list[Path]]:
    """Plain gs, identify and normalise alternate file by file, so all see the same machine load."""
    definition = ghostscript.write_pdfa_definition(folder / "PDFA_def.ps")
    plain, identifying, ours = Clock(), Clock(), Clock()
    pages, outputs = 0, []
    for pdf in pdfs:
        command = ghostscript.pdfa_command(pdf, folder / f"{pdf.stem}.gs.pdf", definition)
        plain.measure(lambda: subprocess.run(command, check=True, capture_output=True))
        found = identifying.measure(lambda: identify(pdf))
        result = ours.measure(lambda: normalise(pdf, folder / pdf.stem, identification=found, validate=False))
        assert result.tool == ghostscript.NAME and result.reason is None, result
        pages += result.page_count
        outputs.append(result.output)
    return plain, identifying, ours, pages, outputs


def start_ahead() -> float:
    """The JVMs started as a worker process starts them (before its first dossier): when."""
    started = time.monotonic()
    verapdf.prestart()
    return started


def wait_warm(started: float) -> tuple[float, float]:
    """Wall seconds from the start to the last JVM warm, and their CPU seconds so far."""
    while verapdf._starting:
        time.sleep(0.1)
    return max(s.used for s in verapdf._idle) - started, kept_jvm_cpu()


def time_validation(outputs: list[Path], rounds: int) -> tuple[list[Clock], Clock, dict]:
    """veraPDF on every copy, as the validate_pdfa step does for a dossier, ``rounds`` times:
    first in the JVMs started ahead (or, if none, started for it: a worker's first dossier),
    then in the JVMs kept running (the worker's later dossiers); then the fallback checker
    file by file."""
    clocks, fallback, verdicts = [], Clock(), {}
    if get_settings().verapdf_path:
        used = kept_jvm_cpu()       # the warm-up's, if started ahead
        for _ in range(rounds):
            clock = Clock()
            verdicts = clock.measure(lambda: verapdf.validate_many(outputs))
            clock.cpu = kept_jvm_cpu() - used  # still running: getrusage does not count them
            used += clock.cpu
            clocks.append(clock)
    fallback.measure(lambda: [pdfa_check.check(output) for output in outputs])
    return clocks, fallback, verdicts


def kept_jvm_cpu() -> float:
    """CPU seconds the kept veraPDF JVMs have used so far (/proc/PID/stat utime + stime)."""
    total = 0.0
    for server in verapdf._idle:
        fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def time_ocr(folder: Path, pages: int) -> Clock:
    font = ImageFont.truetype(DEJAVU, 34)
    frames = []
    for number in range(pages):
        img = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
        draw = ImageDraw.Draw(img)
        for row in range(40):
            draw.text((150, 150 + row * 80), f"{SENTENCES[row % len(SENTENCES)]} ({number + 1})", font=font, fill=0)
        frames.append(img.convert("1"))  # bilevel, as office scanners deliver text pages
    scan = folder / "scan.tif"
    frames[0].save(scan, save_all=True, append_images=frames[1:], dpi=(300, 300), compression="group4")
    clock = Clock()
    clock.measure(lambda: ocr.to_searchable_pdfa(scan, folder / "scan.pdf"))
    return clock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--verapdf-rounds", type=int, default=3, help="dossiers validated in the same JVMs")
    parser.add_argument("--cold", action="store_true", help="no JVM started ahead: dossier 1 starts them")
    parser.add_argument("--warm-up-files", type=int, default=verapdf.WARM_UP_FILES,
                        help="times a JVM started ahead validates its warm-up PDF/A copy")
    args = parser.parse_args()
    verapdf.WARM_UP_FILES = args.warm_up_files
    folder = Path(tempfile.mkdtemp(prefix="luutru-gs-bench-"))
    try:
        print(f"Ghostscript {ghostscript.version()}, LibreOffice {libreoffice.version()}, OCRmyPDF {ocr.version()}")
        if args.count:
            time_pdfs(folder, args.count, args.verapdf_rounds, ahead=not args.cold)
        if args.ocr_pages:
            clock = time_ocr(folder, args.ocr_pages)
            print(f"OCR (vie): {args.ocr_pages} A4 pages at 300 dpi: wall {clock.wall:.1f} s = "
                  f"{args.ocr_pages / clock.wall:.2f} pages/s, cpu {clock.cpu / args.ocr_pages:.1f} s per page")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def time_pdfs(folder: Path, count: int, rounds: int, ahead: bool) -> None:
    verapdf.close_all()
    started = start_ahead() if ahead and get_settings().verapdf_path else None
    pdfs = make_pdfs(folder, count)
    normalise(pdfs[0], folder / "warm-up", validate=False)  # load FIDO signatures, warm caches (not veraPDF)
    warm = wait_warm(started) if started else None      # not while gs is timed
    plain, identifying, ours, pages, outputs = time_gs_and_normalise(pdfs, folder)
    clocks, fallback, verdicts = time_validation(outputs, rounds)
    print(f"{len(pdfs)} PDFs, {pages} pages")
    both = Clock()
    both.wall, both.cpu = identifying.wall + ours.wall, identifying.cpu + ours.cpu
    for name, clock in (("plain gs", plain), ("normalise", ours), ("identify", identifying),
                        ("identify + normalise", both)):
        print(f"{name:21} wall {clock.wall:6.2f} s ({pages / clock.wall:6.1f} pages/s)   cpu {clock.cpu:6.2f} s")
    for name, clock in (("normalise", ours), ("identify + normalise", both)):
        print(f"overhead, {name:21} wall {clock.wall / plain.wall - 1:+.1%}   cpu {clock.cpu / plain.cpu - 1:+.1%}"
              "   (goal <= +15 %)")
    print(f"PDF/A check, fallback (not veraPDF), file by file: wall {fallback.wall:.2f} s   cpu {fallback.cpu:.2f} s")
    if not verdicts:
        print("veraPDF not installed (bash scripts/verapdf/install.sh): no veraPDF figures")
        return
    failed = {path.name: [r.rule_id for r in v.failed_rules] for path, v in verdicts.items() if not v.compliant}
    print(f"veraPDF {verapdf.version()}, {len(outputs)} copies, compliant {len(outputs) - len(failed)}/{len(outputs)} "
          f"{failed or ''}")
    print(f"  in {len(verapdf._idle)} JVM(s) side by side (one per free core)")
    if warm:
        print(f"  started ahead of need (warm-up: a document, then its PDF/A copy {verapdf.WARM_UP_FILES} times): "
              f"ready after {warm[0]:.2f} s wall, {warm[1]:.2f} s cpu, before dossier 1")
    for number, clock in enumerate(clocks, 1):
        name = "JVMs kept running" if number > 1 else "JVMs started ahead" if warm else "JVMs started for it"
        print(f"  dossier {number}, {name:19} wall {clock.wall:6.2f} s   cpu {clock.cpu:6.2f} s   / plain gs: wall "
              f"{clock.wall / plain.wall:.2f}   cpu {clock.cpu / plain.cpu:.2f}   (goal <= 1)")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verapdf.close_idle()


if __name__ == "__main__":
    main()
