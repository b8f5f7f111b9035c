"""Memory of ingesting one very large file: the Python process's anonymous memory stays flat.

    .venv/bin/python bench/ingest_memory.py [--gb 1 2] [--work DIR]

For each size, builds (once, cached in DIR) a dossier whose one document is a text PDF of
about that size (pages of text over large incompressible JPEG photos, as in a scanned
annex with a text layer), ingests it in this process with the pipeline's in-process
steps, and samples ``RssAnon`` of /proc/self/status every 50 ms: anonymous memory only,
not the page cache that RSS also counts for files read through mmap. Children
(Ghostscript…) are separate processes and not counted. Prints peak RssAnon per step.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



def rss_anon_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def big_pdf(path: Path, gigabytes: float) -> None:
    """Text pages, each over its own incompressible JPEG (written page by page, never all in memory)."""
    from PIL import Image
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    rng = random.Random(2)
    rl_config.useA85 = 0    # the JPEGs as they are, not ASCII85 text a quarter larger
    page = canvas.Canvas(str(path), pageCompression=0)
    pages, number = 1, 0
    while number < pages:
        noise = Image.frombytes("RGB", (2600, 2600), rng.randbytes(2600 * 2600 * 3))
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=95)
        if number == 0:   # the file is the size asked for (10^9 bytes a GB), whatever JPEG makes of the noise
            pages = max(1, round(gigabytes * 1e9 / buf.tell()))
        page.drawImage(ImageReader(buf), 0, 0, 595, 842)
        page.setFont("DejaVuSans", 14)
        page.drawString(60, 780, f"Phụ lục ảnh hiện trường, trang {number + 1} / {pages}")
        page.showPage()
        number += 1
    page.save()


def dossier(folder: Path, gigabytes: float) -> Path:
    target = folder / f"big-{gigabytes:g}gb"
    if (target / "hoso.xml").is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "files").mkdir(parents=True)
    # made by a child process: ReportLab holds the whole document until it writes it, and
    # memory freed in this process would not all go back to the system before measuring
    import subprocess
    subprocess.run([sys.executable, __file__, "--make", str(target / "files" / "phu-luc.pdf"), str(gigabytes)],
                   check=True)
    (target / "hoso.xml").write_text(f"""<?xml version='1.0' encoding='UTF-8'?>
<Dossier xmlns="urn:luutru:dossier:1">
  <FileCode><OrganId>000.00.00.H41</OrganId><FileCatalog>2021</FileCatalog><FileNotation>{int(gigabytes * 10)}.MEM</FileNotation></FileCode>
  <Title>Hồ sơ phụ lục ảnh dung lượng lớn</Title><Maintenance>10 năm</Maintenance><Rights>Công khai</Rights>
  <Creator>Nguyễn Thị Lan</Creator><Language>vie</Language><StartDate>2021-03-15</StartDate><EndDate>2021-03-15</EndDate>
  <DocTotal>1</DocTotal>
  <Documents><Document direction="internal" file="files/phu-luc.pdf"><DocOrdinal>1</DocOrdinal><TypeName>Báo cáo</TypeName>
    <IssuedDate>2021-03-15</IssuedDate><OrganName>Ủy ban nhân dân tỉnh Khánh Hòa</OrganName>
    <Subject>Phụ lục ảnh hiện trường</Subject><Language>vie</Language></Document></Documents>
</Dossier>
""", encoding="utf-8")
    return target


def measure(source: Path, data: Path) -> dict[str, float]:
    os.environ["LUUTRU_DATA_DIR"] = str(data)
    from archive.access import Principal
    from archive.agencies import register_agency
    from archive.catalog import init_catalog
    from archive.catalog.models import StepState
    from ingest import pipeline
    init_catalog()
    register_agency(Principal("bench", "admin"), "000.00.00.H41", "Ủy ban nhân dân tỉnh Khánh Hòa")  # ingest adds none

    peaks: dict[str, float] = {}
    current = ["start"]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peaks[current[0]] = max(peaks.get(current[0], 0.0), rss_anon_mb())
            time.sleep(0.05)

    def progress(step: str, state: str) -> None:
        if state == StepState.RUNNING:
            current[0] = step

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        pipeline.submit(source, progress=progress)
    finally:
        stop.set()
        sampler.join()
    peaks["wall_s"] = time.perf_counter() - started
    return peaks


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        big_pdf(Path(sys.argv[2]), float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "luutru-memory-bench")
    args = parser.parse_args()
    if len(args.gb) > 1:    # each size in a fresh process: nothing left from the one before
        import subprocess
        for size in args.gb:
            subprocess.run([sys.executable, __file__, "--gb", f"{size:g}", "--work", str(args.work)], check=True)
        return
    for size in args.gb:
        source = dossier(args.work, size)
        mb = (source / "files" / "phu-luc.pdf").stat().st_size / 1e6
        data = args.work / f"data-{size:g}"
        shutil.rmtree(data, ignore_errors=True)
        print(f"{mb:.0f} MB PDF: RssAnon at start {rss_anon_mb():.0f} MB, load {os.getloadavg()[0]:.2f}", flush=True)
        peaks = measure(source, data)
        wall = peaks.pop("wall_s")
        print("  peak RssAnon per step (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in peaks.items()))
        print(f"  ingested in {wall:.0f} s; peak {max(peaks.values()):.0f} MB")
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
