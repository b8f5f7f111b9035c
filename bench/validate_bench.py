"""Validation benchmark: 1,000 generated metadata-only dossiers through the validator.

Each dossier is written as a hoso.xml in memory (1–20 documents, varied types, dates,
directions, retention), then read the way a submission's manifest is read (encoding
checks, hardened parse, XSD) and validated (every field, every rule). No files, so no
page counting: this measures the metadata path.

    .venv/bin/python bench/validate_bench.py              # 1,000 dossiers
    .venv/bin/python bench/validate_bench.py --count 5000
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.settings import load_codelists  # noqa: E402
from schemas.manifest import NS, parse_xml  # noqa: E402
from ingest.validation import validate  # noqa: E402

TYPES = [("Quyết định", "QĐ-UBND"), ("Công văn", "UBND-VP"), ("Kế hoạch", "KH-UBND"), ("Báo cáo", "BC-UBND"),
         ("Thông báo", "TB-UBND"), ("Tờ trình", "TTr-STTTT"), ("Hướng dẫn", "HD-SNV")]
RETENTION = ["Vĩnh viễn", "70 năm", "50 năm", "20 năm", "10 năm", "5 năm"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đinh Văn Thiệu"]
ORGANS = ["Ủy ban nhân dân tỉnh Khánh Hòa", "Sở Nội vụ tỉnh Khánh Hòa", "Sở Thông tin và Truyền thông tỉnh Khánh Hòa"]


def _add(parent: etree._Element, tag: str, text: object) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    el.text = str(text)
    return el


def dossier_xml(n: int, rng: random.Random) -> bytes:
    start = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
    issued = sorted(start + timedelta(days=rng.randrange(300)) for _ in range(rng.randint(1, 20)))
    root = etree.Element(f"{{{NS}}}Dossier", nsmap={None: NS})
    code = etree.SubElement(root, f"{{{NS}}}FileCode")
    _add(code, "FileNotation", f"{n:04d}.VP")
    _add(root, "Title", f"Hồ sơ số {n} về công tác văn thư, lưu trữ năm {issued[-1].year}")
    for tag, value in (("Maintenance", rng.choice(RETENTION)), ("Rights", rng.choice(["Công khai", "Hạn chế"])),
                       ("Creator", rng.choice(NAMES)), ("Language", "vie"), ("StartDate", issued[0]),
                       ("EndDate", issued[-1])):
        _add(root, tag, value)
    docs = etree.SubElement(root, f"{{{NS}}}Documents")
    for i, day in enumerate(issued, 1):
        direction = rng.choice(["incoming", "outgoing", "internal"])
        doc = etree.SubElement(docs, f"{{{NS}}}Document", direction=direction, file=f"files/{i:03d}.pdf")
        type_name, notation = rng.choice(TYPES)
        for tag, value in (("DocOrdinal", i), ("TypeName", type_name), ("CodeNumber", rng.randint(1, 999)),
                           ("CodeNotation", notation), ("IssuedDate", day), ("OrganName", rng.choice(ORGANS)),
                           ("Subject", f"Về việc triển khai nhiệm vụ số {i} của hồ sơ {n}"), ("Language", "vie")):
            _add(doc, tag, value)
        if direction == "incoming":
            _add(doc, "ArrivalDate", day)
            _add(doc, "ArrivalNumber", rng.randint(1, 99999))
        if direction != "internal":
            signer = etree.SubElement(doc, f"{{{NS}}}SignerInfo")
            _add(signer, "Position", "Giám đốc")
            _add(signer, "FullName", rng.choice(NAMES))
        if direction == "outgoing":
            _add(etree.SubElement(doc, f"{{{NS}}}To"), "OrganName", rng.choice(ORGANS))
        if direction != "internal":
            _add(doc, "Priority", rng.randint(0, 3))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=30)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    manifests = [dossier_xml(n, rng) for n in range(1, args.count + 1)]
    load_codelists()
    today = date(2026, 1, 1)
    documents = errors = 0
    started = time.perf_counter()
    for data in manifests:
        manifest = parse_xml(data)
        report = validate(manifest.raw, today=today)
        documents += len(report.dossier.Documents)
        errors += len(report.errors) + len(manifest.problems)
    elapsed = time.perf_counter() - started
    print(f"{args.count} dossiers ({documents} documents) validated in {elapsed:.2f} s: "
          f"{args.count / elapsed:.0f} dossiers/s, {documents / elapsed:.0f} documents/s; {errors} errors")


if __name__ == "__main__":
    main()
