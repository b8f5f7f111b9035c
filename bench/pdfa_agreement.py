"""The PDF/A fallback checker beside veraPDF: on veraPDF's PDF/A-2b corpus, and on LuuTru's own copies.

Corpus, per clause (folder): how many files each validator judges as the file name says
(``-fail-`` files must fail, ``-pass-`` files must pass: the verdict), how often the
fallback's verdict equals veraPDF's, how many files the fallback passes that veraPDF
fails, and the fallback's clause-level agreement (a fail file must fail *that* clause,
the measure behind ingest.pdfa_check.CLAUSES_CHECKED). The fallback "passes" a file only
when it is compliant and its check complete, as ingest counts it. veraPDF runs once for
the whole corpus (one JVM).

Own copies (``--copies``): every original of samples/valid/ normalised to PDF/A as ingest
does, then both validators on the copies.

    .venv/bin/python bench/pdfa_agreement.py [--corpus DIR] [--copies]   # corpus default ../shared/verapdf-corpus/PDF_A-2b
"""
from __future__ import annotations

import argparse
import collections
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.settings import get_settings  # noqa: E402
from ingest import pdfa_check  # noqa: E402
from ingest.normalise import normalise  # noqa: E402
from ingest.tools import verapdf  # noqa: E402


def _passes(v) -> bool:
    return v.compliant and v.complete


def _checked(paths: list[Path]) -> tuple[dict, dict, float, float]:
    started = time.perf_counter()
    real = verapdf.validate_many(paths, "2b")
    real_seconds = time.perf_counter() - started
    started = time.perf_counter()
    fallback = {p: pdfa_check.check(p, "2b") for p in paths}
    return real, fallback, real_seconds, time.perf_counter() - started


def corpus_table(corpus: Path) -> None:
    files = list(pdfa_check.iter_corpus(corpus))
    real, fallback, real_s, fallback_s = _checked([p for _, p, _ in files])
    # files, veraPDF right, fallback right, same verdict, fallback passes what veraPDF fails, fallback clause-level
    tally: dict[str, list[int]] = collections.defaultdict(lambda: [0] * 6)
    for clause, path, must_fail in files:
        v, f = real[path], fallback[path]
        row = tally[clause]
        row[0] += 1
        row[1] += (not _passes(v)) == must_fail
        row[2] += (not _passes(f)) == must_fail
        row[3] += _passes(v) == _passes(f)
        row[4] += _passes(f) and not _passes(v)
        row[5] += f.fails_clause(clause) == must_fail
    print(f"veraPDF {verapdf.version()} vs fallback (pikepdf) on the corpus\n")
    print("| clause | files | veraPDF verdict right | fallback verdict right | same verdict "
          "| fallback passes, veraPDF fails | fallback clause right | fallback claims |")
    print("|---|---|---|---|---|---|---|---|")
    for clause in sorted(tally, key=lambda c: [int(part) for part in c.split(".")]):
        n, vr, fr, same, missed, clause_right = tally[clause]
        claimed = "yes" if clause in pdfa_check.CLAUSES_CHECKED else ""
        print(f"| {clause} | {n} | {vr} | {fr} | {same} | {missed} | {clause_right} | {claimed} |")
    sums = [sum(row[i] for row in tally.values()) for i in range(6)]
    n = sums[0]
    print(f"| **all** | {n} | {sums[1]} ({sums[1] / n:.1%}) | {sums[2]} ({sums[2] / n:.1%}) | "
          f"{sums[3]} ({sums[3] / n:.1%}) | {sums[4]} | {sums[5]} ({sums[5] / n:.1%}) | |")
    print(f"\nveraPDF {real_s:.1f} s in one run ({n / real_s:.0f} files/s); fallback {fallback_s:.1f} s "
          f"({n / fallback_s:.0f} files/s)")


def copies_table() -> None:
    work = Path(tempfile.mkdtemp(prefix="luutru-pdfa-copies-"))
    copies = []
    for original in sorted((ROOT / "samples" / "valid").glob("*/files/*")):
        result = normalise(original, work / original.parent.parent.name, validate=False)
        if result.output:
            copies.append(result.output)
    real, fallback, real_s, fallback_s = _checked(copies)
    print(f"\nOwn copies: {len(copies)} PDF/A copies of samples/valid/\n")
    print("| copy | veraPDF | fallback: compliant | fallback: complete | same verdict |")
    print("|---|---|---|---|---|")
    for path in copies:
        v, f = real[path], fallback[path]
        rules = ", ".join(r.rule_id for r in v.failed_rules)
        print(f"| {path.parent.name[:24]}/{path.name} | {'pass' if _passes(v) else 'fail ' + rules} | "
              f"{f.compliant} | {f.complete} | {'yes' if _passes(v) == _passes(f) else 'no'} |")
    print(f"\nveraPDF {real_s:.1f} s in one run; fallback {fallback_s:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "verapdf-corpus" / "PDF_A-2b")
    parser.add_argument("--copies", action="store_true", help="also LuuTru's own copies of samples/valid/")
    args = parser.parse_args()
    if not get_settings().verapdf_path:
        print("veraPDF not installed (bash scripts/verapdf/install.sh)", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # pikepdf's XMP date warnings
    corpus_table(args.corpus)
    if args.copies:
        copies_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
