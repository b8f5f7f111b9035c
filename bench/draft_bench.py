"""Accuracy of ``luutru draft`` on the labelled set: per field, born-digital and scanned apart,
and calibration (how many wrong values at each confidence).

    .venv/bin/python bench/draft_bench.py                  # builds bench/data/draft-set if missing
    .venv/bin/python bench/draft_bench.py --rebuild --json out.json
    .venv/bin/python bench/draft_bench.py --no-scans       # born-digital only (seconds, no OCR)

A field is exact when the proposed value equals the label (dates ISO, strings as entered).
No value where the label has one is a miss, not a wrong value. PageAmount of DOCX/ODT is not
scored: the archive counts office pages when it renders them. Goals (issue 14): ≥ 95 % exact
born-digital, ≥ 85 % exact on 200 dpi scans, no wrong value at confidence ≥ 0.9.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
SET = ROOT / "bench" / "data" / "draft-set"
BUCKETS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def _proposed(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def run(folder: Path, scans: bool, limit: int | None = None) -> dict:
    from ingest.draft import draft_document
    from archive.settings import load_codelists

    lists = load_codelists()
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    items = [i for i in labels if scans or i["format"] != "scan"][:limit]
    scores = {g: defaultdict(lambda: [0, 0]) for g in ("born-digital", "scan")}
    wrong = defaultdict(list)        # bucket -> [(file, field, proposed, label, confidence)]
    seconds = defaultdict(float)
    for n, item in enumerate(items, 1):
        group = "scan" if item["format"] == "scan" else "born-digital"
        started = time.perf_counter()
        draft = draft_document(folder / item["file"], lists)
        seconds[group] += time.perf_counter() - started
        for name, label in item["fields"].items():
            if name == "PageAmount" and label is None:
                continue
            proposal = draft.fields[name]
            value = _proposed(proposal.value)
            scores[group][name][1] += 1
            if value == label:
                scores[group][name][0] += 1
            elif value is not None:
                bucket = next(b for b in BUCKETS if b[0] <= proposal.confidence < b[1])
                wrong[bucket].append((item["file"], name, value, label, proposal.confidence))
        print(f"\r{n}/{len(items)} {item['file']:<40}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    counts = {g: sum(1 for i in items if (i["format"] == "scan") == (g == "scan")) for g in scores}
    return {"scores": scores, "wrong": wrong, "seconds": seconds, "documents": counts}


def report(result: dict) -> dict:
    out = {"documents": result["documents"], "fields": {}, "exact": {}, "wrong_by_confidence": {},
           "seconds_per_document": {}}
    for group, fields in result["scores"].items():
        if not fields:
            continue
        right, total = sum(v[0] for v in fields.values()), sum(v[1] for v in fields.values())
        out["exact"][group] = round(100 * right / total, 1)
        out["fields"][group] = {k: f"{v[0]}/{v[1]}" for k, v in fields.items()}
        out["seconds_per_document"][group] = round(result["seconds"][group] / max(1, result["documents"][group]), 2)
    for (low, high), items in sorted(result["wrong"].items()):
        out["wrong_by_confidence"][f"[{low}, {min(high, 1.0)}]"] = [
            {"file": f, "field": n, "proposed": v, "label": lab, "confidence": c} for f, n, v, lab, c in items]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-scans", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.rebuild or not (args.set / "labels.json").is_file():
        from build_draft_set import build
        build(args.set)
    out = report(run(args.set, not args.no_scans, args.limit))
    print(f"documents: {out['documents']}")
    for group, exact in out["exact"].items():
        print(f"\n{group}: {exact} % of fields exact, {out['seconds_per_document'][group]} s/document")
        for name, score in out["fields"][group].items():
            print(f"  {name:<22} {score}")
    print("\nwrong values by confidence:")
    for low, high in BUCKETS:
        key = f"[{low}, {min(high, 1.0)}]"
        items = out["wrong_by_confidence"].get(key, [])
        print(f"  {key:<12} {len(items)}")
        for w in items[:8]:
            print(f"      {w['file']} {w['field']}: {w['proposed']!r} ≠ {w['label']!r} ({w['confidence']})")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
