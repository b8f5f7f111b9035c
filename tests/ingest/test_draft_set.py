"""A slice of the labelled set (scripts/build_draft_set.py) read by ``luutru draft``: the goals of
bench/draft_bench.py hold on it (born-digital ≥ 95 % exact, scans ≥ 85 %, nothing wrong at ≥ 0.9)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from sample_dossiers.draft_set import labelled_set, render  # noqa: E402
from sample_dossiers.render import register_fonts  # noqa: E402
from sample_dossiers.source import read_decision  # noqa: E402

from ingest.draft import draft_document  # noqa: E402


def _items():
    with (ROOT / "schemas" / "codelists" / "document_types.csv").open(encoding="utf-8") as f:
        types = [(row["name"], row["abbreviation"]) for row in csv.DictReader(f)]
    return labelled_set(read_decision(), types)


def _score(items, folder: Path) -> tuple[int, int, list]:
    register_fonts()
    right = total = 0
    sure_but_wrong = []
    for item in items:
        draft = draft_document(render(item, folder))
        for name, label in item.labels.items():
            proposal = draft.fields[name]
            value = proposal.value.isoformat() if hasattr(proposal.value, "isoformat") else proposal.value
            total += 1
            right += value == label
            if value not in (label, None) and proposal.confidence >= 0.9:
                sure_but_wrong.append((item.doc.stem, name, value, label))
    return right, total, sure_but_wrong


def test_every_appendix_iii_type_is_in_the_set():
    items = _items()
    with (ROOT / "schemas" / "codelists" / "document_types.csv").open(encoding="utf-8") as f:
        names = {row["name"] for row in csv.DictReader(f)}
    assert {i.labels["TypeName"] for i in items} == names and len(items) >= 60
    assert {i.fmt for i in items} == {"pdf", "docx", "odt", "scan"} and {i.layout for i in items} == {"a", "b"}


def test_born_digital_slice_meets_the_goals(tmp_path):
    items = [i for i in _items() if i.fmt != "scan"][::3]
    right, total, sure_but_wrong = _score(items, tmp_path)
    assert right / total >= 0.95, (right, total)
    assert not sure_but_wrong


@pytest.mark.slow
def test_scanned_slice_meets_the_goals(tmp_path):
    items = [i for i in _items() if i.fmt == "scan"][:3]
    right, total, sure_but_wrong = _score(items, tmp_path)
    assert right / total >= 0.85, (right, total)
    assert not sure_but_wrong
