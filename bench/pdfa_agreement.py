"""Agreement of the PDF/A fallback checker with the veraPDF corpus, per clause.

For every folder (clause) of the PDF/A-2b corpus: how many files the checker judges as
the file name says (``-fail-`` files must fail that clause, ``-pass-`` files must not),
and whether the checker claims the clause (ingest.pdfa_check.CLAUSES_CHECKED).

    .venv/bin/python bench/pdfa_agreement.py [CORPUS_DIR]   # default ../shared/verapdf-corpus/PDF_A-2b
"""
from __future__ import annotations

import collections
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import pdfa_check  # noqa: E402


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "verapdf-corpus" / "PDF_A-2b"
    if not corpus.is_dir():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # pikepdf's XMP date warnings
    # agree, files, fail files with no failure found, of which nothing was left unchecked
    tally: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    started = time.perf_counter()
    for clause, path, must_fail in pdfa_check.iter_corpus(corpus):
        result = pdfa_check.check(path, "2b")
        row = tally[clause]
        row[0] += result.fails_clause(clause) == must_fail
        row[1] += 1
        row[2] += must_fail and result.compliant
        row[3] += must_fail and result.compliant and result.complete
    elapsed = time.perf_counter() - started
    print("| clause | agree / files | fail files: no failure found | … and nothing unchecked | claimed |")
    print("|---|---|---|---|---|")
    for clause in sorted(tally, key=lambda c: [int(part) for part in c.split(".")]):
        agree, files, missed, approved = tally[clause]
        claimed = "yes" if clause in pdfa_check.CLAUSES_CHECKED else ""
        print(f"| {clause} | {agree} / {files} | {missed} | {approved} | {claimed} |")
    total = sum(row[1] for row in tally.values())
    agree = sum(row[0] for row in tally.values())
    print(f"\n{total} files, {agree} agree ({agree / total:.1%}), {elapsed:.1f} s ({total / elapsed:.0f} files/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
