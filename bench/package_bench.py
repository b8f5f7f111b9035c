"""Package building and checking time against a plain copy of the same bytes.

Builds one package of ``--documents`` documents, each with an original and a preservation
copy of ``--mib`` MiB (random bytes behind a PDF header: the builder never parses them),
then measures on warm page cache:

1. ``cp -r`` of the input files (the bar: the builder must copy every byte once);
2. ``build_package`` (copy + SHA-256 of every file + METS/EAD/PREMIS);
3. ``verify_package`` (SHA-256 of every file again);
4. ``validate_package`` (eark-validator) and ``validate_xml_against_shipped_xsds``.

    .venv/bin/python bench/package_bench.py [--documents 50] [--mib 4] [--dir /tmp/x]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.package import (DocumentContent, OriginalFile, PackageContent, PreservationCopy,  # noqa: E402
                             build_package, validate_package, validate_xml_against_shipped_xsds, verify_package)
from schemas.models import Document, DocumentFile, Dossier, DossierCode  # noqa: E402


def _file(path: Path, mib: int) -> tuple[str, int]:
    data = b"%PDF-1.7\n" + os.urandom(mib * 1024 * 1024)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), len(data)


def _content(src: Path, n: int, mib: int) -> PackageContent:
    docs, meta = [], []
    for i in range(1, n + 1):
        o, c = src / f"{i:03d}.pdf", src / f"{i:03d}-a.pdf"
        (osha, osize), (csha, csize) = _file(o, mib), _file(c, mib)
        docs.append(DocumentContent(i, [OriginalFile(o, f"files/{i:03d}.pdf", osha, osize, "application/pdf",
                                                     "fmt/276", "Acrobat PDF 1.7")],
                                    PreservationCopy(c, csha, csize, "Ghostscript", "10", True)))
        meta.append(Document(direction="internal", files=[DocumentFile(path=f"files/{i:03d}.pdf")], DocOrdinal=i,
                             TypeName="Báo cáo", IssuedDate=date(2021, 1, 1), OrganName="UBND", Subject=f"Văn bản {i}"))
    dossier = Dossier(FileCode=DossierCode(OrganId="000.00.00.H41", FileCatalog=2021, FileNotation="BENCH"),
                      Title="Hồ sơ đo hiệu năng", Maintenance="10 năm", Rights="Công khai", Creator="Bench",
                      Language="vie", StartDate=date(2021, 1, 1), EndDate=date(2021, 1, 1), Documents=meta)
    return PackageContent(dossier, "000.00.00.H41", "UBND", docs)


def _timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<42} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=50)
    ap.add_argument("--mib", type=int, default=4)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="package-bench-"))
    src = work / "src"
    src.mkdir(parents=True, exist_ok=True)
    content = _content(src, args.documents, args.mib)
    total = sum(f.stat().st_size for f in src.iterdir()) / 2**20
    print(f"{args.documents} documents, {total:.0f} MiB of input")
    subprocess.run(["cat", *map(str, src.iterdir())], stdout=subprocess.DEVNULL, check=True)   # warm the cache
    _timed("cp -r (bar)", lambda: subprocess.run(["cp", "-r", str(src), str(work / "copy")], check=True))
    built = _timed("build_package", lambda: build_package(content, work / "out"))
    report = _timed("verify_package", lambda: verify_package(built.path))
    eark = _timed("validate_package (eark-validator)", lambda: validate_package(built.path))
    xsd = _timed("validate_xml_against_shipped_xsds", lambda: validate_xml_against_shipped_xsds(built.path))
    print(f"fixity ok={report.ok}, eark errors={len(eark.errors)}, xsd problems={len(xsd)}")
    if args.dir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
