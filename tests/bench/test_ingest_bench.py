"""Smoke test of bench/ingest_bench.py at a tiny scale: it builds its corpus, ingests every
dossier with ``luutru ingest`` and runs the bare tools on the same files. No timing is
asserted (speed is measured by the bench itself, docs/benchmarks.md)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

pytestmark = pytest.mark.slow


def test_bench_ingests_its_corpus_and_compares_with_bare_tools(tmp_path, capsys):
    import ingest_bench

    results = ingest_bench.main(["--scale", "0.01", "--work", str(tmp_path), "--no-ocr"])
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"ingest/bare ratio \d+\.\d\d \(office \d+\.\d\d, pdf \d+\.\d\d\)", out[-1])
    assert set(results) == {"pdf", "office", "overall"}
    for category in ("pdf", "office"):
        row = results[category]
        assert row["files"] >= 3 and row["luutru_wall"] > 0 and row["bare_wall"] > 0
        # every dossier of the category was archived: its packages are in the run's store
        stored = {p.name for p in (tmp_path / "runs" / category / "store").iterdir()}
        assert len(stored) == len({p.name for p in (tmp_path / "corpus-0.01" / category).iterdir()})
    # the bare tools really converted: one PDF/A per PDF and per office file
    assert len(list((tmp_path / "bare" / "office").glob("*.pdf"))) == results["office"]["files"]


def test_bench_reads_the_ocr_text_of_both_sides(tmp_path, capsys):
    """The scans' category: LuuTru's archived text (read back from the stored packages) and
    OCRmyPDF's both found most of the words drawn on the scans."""
    import ingest_bench

    results = ingest_bench.main(["--scale", "0.01", "--work", str(tmp_path), "--only", "ocr"])
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"ingest/bare ratio \d+\.\d\d \(ocr \d+\.\d\d\)", out[-1])
    row = results["ocr"]
    assert row["files"] >= 1 and row["pages"] >= 1
    assert row["luutru_words"] > 0.8 and row["bare_words"] > 0.8
