"""Build the labelled set of ``luutru draft``'s benchmark (``bench/draft_bench.py``).

    .venv/bin/python scripts/build_draft_set.py [OUT]        # OUT defaults to bench/data/draft-set

Writes every document (born-digital PDF in two layouts, DOCX, ODT, 200 dpi scans) and
``labels.json``: for each file its format, layout and the Appendix VI values an archivist
would enter. Same seed, same fonts (fonts-dejavu-core), same set on every run; the pieces are
in ``scripts/sample_dossiers/draft_set.py``.
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

from sample_dossiers.draft_set import labelled_set, render
from sample_dossiers.render import register_fonts
from sample_dossiers.source import read_decision

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "data" / "draft-set"
TYPES = ROOT / "schemas" / "codelists" / "document_types.csv"


def build(out: Path = DEFAULT_OUT) -> Path:
    from ingest.pagecount import count_pages

    register_fonts()
    with TYPES.open(encoding="utf-8") as f:
        types = [(row["name"], row["abbreviation"]) for row in csv.DictReader(f)]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    labels = []
    for item in labelled_set(read_decision(), types):
        path = render(item, out)
        office = path.suffix in (".docx", ".odt")
        labels.append({"file": path.name, "format": item.fmt, "layout": item.layout,
                       "fields": {**item.labels, "PageAmount": None if office else count_pages(path)}})
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT))
