"""Time to archived and searchable, OCR inline against OCR after (LUUTRU_OCR_MODE).

    .venv/bin/python bench/ocr_after_bench.py [--dossier DIR]

Ingests a dossier of scans (default: the samples' paper dossier, a PNG and a TIFF scan) once
per mode, each in a fresh process and data folder, and prints when the dossier was indexed
(archived, verified and searchable) and when the job ended (with OCR after: its next version
with the OCR'd copies recorded and indexed).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "valid" / "stttt-2021-12vp-van-ban-den-ban-giay"


def run(mode: str, dossier: Path, work: Path) -> None:
    os.environ.update(LUUTRU_DATA_DIR=str(work / f"data-{mode}"), LUUTRU_OCR_MODE=mode)
    sys.path.insert(0, str(ROOT))
    from ingest import pipeline

    source = work / f"source-{mode}"
    shutil.copytree(dossier, source)
    load, started, done = os.getloadavg()[0], time.perf_counter(), {}
    pipeline.submit(source, progress=lambda step, state: done.setdefault(step, time.perf_counter() - started)
                    if state == "done" else None)
    print(f"{mode:6}: archived and searchable after {done['index']:.1f} s, job done after "
          f"{done['ocr']:.1f} s (load {load:.1f} → {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", type=Path, default=SAMPLE)
    parser.add_argument("--mode", choices=("inline", "after"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        run(args.mode, args.dossier, args.work)
        return
    with tempfile.TemporaryDirectory() as work:
        for mode in ("inline", "after"):
            subprocess.run([sys.executable, __file__, "--mode", mode, "--dossier", str(args.dossier),
                            "--work", work], check=True)


if __name__ == "__main__":
    main()
