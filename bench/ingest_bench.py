"""Ingest benchmark: ``luutru ingest`` against the bare tools doing the same conversions.

    .venv/bin/python bench/ingest_bench.py [--scale S] [--work DIR] [--no-ocr] [--workers N] [--only CATEGORY…]

Builds (once per scale, cached in DIR) the mixed corpus of bench/ingest_corpus.py, then for
each category — text PDFs (and files kept as they are), office documents, scans — runs,
one right after the other so both see the same load:

- LuuTru: ``luutru ingest`` of that category's dossiers into a fresh data folder, wall
  and CPU time including every child process (Ghostscript, LibreOffice, Tesseract…);
- bare: the tools alone on the same files, N at a time (N = --workers, default the core
  count, the same parallelism LuuTru is given through LUUTRU_INGEST_WORKERS):
  Ghostscript with the project's exact arguments (one run per PDF), LibreOffice with the
  project's PDF/A export (one soffice process per batch), OCRmyPDF with its defaults on
  the image-only PDF of each scan (one file at a time: its defaults take every core, for
  pages and Tesseract threads; two at once would oversubscribe them), and ``openssl sha256`` of every file; then, when veraPDF
  is installed (LuuTru uses it then), one veraPDF run per dossier on its copies.

It prints per category and overall LuuTru wall and CPU, bare wall, their ratio, OCR
pages/s of both and the word accuracy of both OCR texts against the words drawn on the
scans (both read from the text layer of the PDF/A they archive, as a reindex reads it, and
OCRmyPDF's sidecar text beside), and the load average before and after. The last line is
``ingest/bare ratio R (ocr R1, office R2, pdf R3)``.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ingest_corpus  # noqa: E402
from ingest_corpus import CATEGORIES, CorpusFile  # noqa: E402

from archive.settings import get_settings  # noqa: E402
from archive import poppler  # noqa: E402
from ingest.tools import ghostscript, libreoffice, ocr, verapdf  # noqa: E402

LUUTRU = Path(sys.executable).with_name("luutru")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Timed:
    """Wall seconds and CPU seconds of the child processes finished inside the block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), children_cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, children_cpu() - self.cpu


# In the run's fresh archive: the corpus's agency registered by an administrator, an archivist's token.
ARCHIVIST = """
from api import accounts
from archive.access import Principal
from archive.agencies import register_agency
from archive.catalog import init_catalog
init_catalog()
register_agency(Principal("bench", "admin"), "000.00.00.H41", "Ủy ban nhân dân tỉnh Khánh Hòa")
user = accounts.create_user("vanthu.bench", "archivist", "000.00.00.H41", None, actor="bench")
print(accounts.issue_token(user.id, "bench", actor="bench"))
"""


def archivist_token(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-c", ARCHIVIST], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def run_luutru(files: list[CorpusFile], corpus: Path, category: str, work: Path, workers: int) -> tuple[Timed, Path]:
    data = work / "runs" / category
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {**os.environ, "LUUTRU_DATA_DIR": str(data), "LUUTRU_INGEST_WORKERS": str(workers),
           "COLUMNS": "160"}
    for name in ("LUUTRU_DATABASE_URL", "LUUTRU_STORAGE_URL", "LUUTRU_BROKER_URL", "LUUTRU_SEARCH_BACKEND"):
        env.pop(name, None)
    env["LUUTRU_TOKEN"] = archivist_token(env)            # luutru ingest acts for a person
    with Timed() as t:
        done = subprocess.run([str(LUUTRU), "ingest", str(corpus / category)], env=env, capture_output=True,
                              text=True, cwd=data)
    if done.returncode != 0:
        sys.exit(f"luutru ingest {category} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return t, data


def run_bare(files: list[CorpusFile], corpus: Path, category: str, work: Path, workers: int) -> tuple[Timed, Path]:
    out = work / "bare" / category
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    jobs = [lambda f=f: _sha256(corpus / f.path) for f in files]
    if category == "pdf":
        jobs += [lambda f=f: _ghostscript(corpus / f.path, out) for f in files if f.kind.startswith("pdf")]
    elif category == "office":
        by_filter: dict[str, list[Path]] = {}
        for f in files:
            by_filter.setdefault(libreoffice.export_filter(f.path.suffix), []).append(corpus / f.path)
        for sources in by_filter.values():     # one soffice process per batch, ``workers`` batches at once
            jobs += [lambda chunk=sources[i::workers]: _soffice(chunk, out) for i in range(min(workers, len(sources)))]
    with Timed() as t, ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()
        if category == "ocr":    # one file at a time: OCRmyPDF's defaults use every core themselves
            for f in files:
                _ocrmypdf(corpus / f.path, out)
        if get_settings().verapdf_path:       # LuuTru validates each dossier's copies in one veraPDF run
            copies = {}
            for f in files:
                if (out / f"{f.path.stem}.pdf").is_file():
                    copies.setdefault(f.dossier, []).append(out / f"{f.path.stem}.pdf")
            for future in [pool.submit(_verapdf, paths) for paths in copies.values()]:
                future.result()
    return t, out


def _verapdf(paths: list[Path]) -> None:
    subprocess.run(verapdf.validate_command(paths, get_settings().pdfa_level), capture_output=True)


def _sha256(path: Path) -> None:
    subprocess.run(["openssl", "sha256", str(path)], check=True, capture_output=True)


def _ghostscript(source: Path, out: Path) -> None:
    target = out / f"{source.stem}.pdf"
    definition = ghostscript.write_pdfa_definition(target.with_suffix(".ps"))
    subprocess.run(ghostscript.pdfa_command(source, target, definition), check=True, capture_output=True)


def _soffice(sources: list[Path], out: Path) -> None:
    with tempfile.TemporaryDirectory(dir=out) as profile:
        command = libreoffice.convert_command(sources[0], out, Path(profile))
        command[-1:] = map(str, sources)
        subprocess.run(command, check=True, capture_output=True)


def _ocrmypdf(source: Path, out: Path) -> None:
    """OCRmyPDF with its defaults (jobs = all cores), on the image-only PDF LuuTru also makes."""
    pdf = source if source.suffix == ".pdf" else ocr.images_to_pdf(source, out / f"{source.stem}.images.pdf")
    subprocess.run([sys.executable, "-m", "ocrmypdf", "--language", "vie", "--output-type", "pdfa-2", "--quiet",
                    "--sidecar", str(out / f"{source.stem}.txt"), str(pdf), str(out / f"{source.stem}.pdf")],
                   check=True, capture_output=True)


# Each archived dossier's text as the search index has it: read back from its stored package.
PACKAGE_TEXTS = """
import json
from archive.catalog import init_catalog, session_scope
from archive.storage import open_store
from search.sources import catalog_sources
init_catalog()
with session_scope() as session:
    print(json.dumps({d.code: texts for d, texts, _ in catalog_sources(session, open_store())}))
"""


def luutru_texts(data: Path) -> dict[str, str]:
    """Text LuuTru archived per original file name: each job's documents (its normalise
    result) matched to the text of its dossier's stored package (the work folder is gone
    once a job is archived)."""
    import json
    env = {**os.environ, "LUUTRU_DATA_DIR": str(data)}
    stored = json.loads(subprocess.run([sys.executable, "-c", PACKAGE_TEXTS], env=env, capture_output=True,
                                       text=True, check=True).stdout)
    texts = {}
    for job in (data / "jobs").iterdir():
        if not (job / "normalise.json").is_file():
            continue
        code = json.loads((job / "validate.json").read_text())["report"]["dossier_code"]
        for ordinal, doc in json.loads((job / "normalise.json").read_text())["documents"].items():
            texts[Path(doc["source"]).name] = stored.get(code, {}).get(str(int(ordinal)), "")
    return texts


def ocrmypdf_texts(files: list[CorpusFile], out: Path, suffix: str) -> dict[str, str]:
    """OCRmyPDF's text per original file name: read from its PDF's text layer the way LuuTru's
    is read from the stored copies (``.pdf``), or its sidecar, Tesseract's own text (``.txt``)."""
    def text(path: Path) -> str:
        if not path.is_file():
            return ""
        return poppler.text(path) if suffix == ".pdf" else path.read_text(encoding="utf-8")
    return {f.path.name: text(out / f"{f.path.stem}{suffix}") for f in files}


def _words(text: str) -> Counter:
    text = unicodedata.normalize("NFC", text).lower()
    return Counter(w.strip(".,;:()\"'“”-–…") for w in text.split() if w.strip(".,;:()\"'“”-–…"))


def word_accuracy(files: list[CorpusFile], texts: dict[str, str]) -> float | None:
    """Share of the words drawn on the scans found in the OCR text (multiset recall)."""
    wanted = found = 0
    for f in files:
        if not f.words:
            continue
        expected = _words(" ".join(f.words))
        wanted += sum(expected.values())
        found += sum((expected & _words(texts.get(f.path.name, ""))).values())
    return found / wanted if wanted else None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 488 files in ~50 dossiers")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "luutru-ingest-bench")
    parser.add_argument("--no-ocr", action="store_true", help="leave the scans out")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", choices=CATEGORIES, nargs="+", help="measure these categories only")
    args = parser.parse_args(argv)
    corpus = args.work / f"corpus-{args.scale:g}"
    t0 = time.perf_counter()
    categories = [c for c in args.only or CATEGORIES if not (args.no_ocr and c == "ocr")]
    files = ingest_corpus.build(corpus, args.scale, categories)
    print(f"corpus: {len(files)} files, {sum(f.size for f in files) / 1e6:.0f} MB in "
          f"{len({f.dossier for f in files})} dossiers (built or reused in {time.perf_counter() - t0:.0f} s); "
          f"workers {args.workers}; load before {os.getloadavg()[0]:.2f}")
    rows, results = [], {}
    for category in categories:
        mine = [f for f in files if f.category == category]
        lt, data = run_luutru(mine, corpus, category, args.work, args.workers)
        bare, out = run_bare(mine, corpus, category, args.work, args.workers)
        row = {"category": category, "files": len(mine), "mb": sum(f.size for f in mine) / 1e6,
               "pages": sum(f.pages or 0 for f in mine), "luutru_wall": lt.wall, "luutru_cpu": lt.cpu,
               "bare_wall": bare.wall, "bare_cpu": bare.cpu, "ratio": lt.wall / bare.wall}
        if category == "ocr":
            row |= {"luutru_pages_s": row["pages"] / lt.wall, "bare_pages_s": row["pages"] / bare.wall,
                    "luutru_words": word_accuracy(mine, luutru_texts(data)),
                    "bare_words": word_accuracy(mine, ocrmypdf_texts(mine, out, ".pdf")),
                    "bare_sidecar_words": word_accuracy(mine, ocrmypdf_texts(mine, out, ".txt"))}
        rows.append(row)
        results[category] = row
    total = {"luutru_wall": sum(r["luutru_wall"] for r in rows), "luutru_cpu": sum(r["luutru_cpu"] for r in rows),
             "bare_wall": sum(r["bare_wall"] for r in rows), "bare_cpu": sum(r["bare_cpu"] for r in rows)}
    total["ratio"] = total["luutru_wall"] / total["bare_wall"]
    results["overall"] = total
    print(f"{'category':9} {'files':>5} {'MB':>6} {'pages':>5} {'LuuTru wall':>11} {'LuuTru CPU':>10} "
          f"{'bare wall':>9} {'bare CPU':>8} {'ratio':>6}")
    for r in [*rows, {"category": "overall", "files": len(files), "mb": sum(f.size for f in files) / 1e6,
                      "pages": sum(r["pages"] for r in rows), **total}]:
        print(f"{r['category']:9} {r['files']:5d} {r['mb']:6.1f} {r['pages']:5d} {r['luutru_wall']:10.1f}s "
              f"{r['luutru_cpu']:9.1f}s {r['bare_wall']:8.1f}s {r['bare_cpu']:7.1f}s {r['ratio']:6.2f}")
    if "ocr" in results:
        r = results["ocr"]
        accuracy = " ".join(f"{who} {r[key]:.1%}" for who, key in (
            ("LuuTru", "luutru_words"), ("OCRmyPDF", "bare_words"), ("(OCRmyPDF sidecar", "bare_sidecar_words"))
            if r[key] is not None) + ")"
        print(f"OCR: LuuTru {r['luutru_pages_s']:.2f} pages/s, OCRmyPDF defaults {r['bare_pages_s']:.2f} pages/s "
              f"({r['luutru_pages_s'] / r['bare_pages_s']:.2f}x); word accuracy {accuracy}")
    print(f"load after {os.getloadavg()[0]:.2f}")
    parts = ", ".join(f"{c} {results[c]['ratio']:.2f}" for c in ("ocr", "office", "pdf") if c in results)
    print(f"ingest/bare ratio {total['ratio']:.2f} ({parts})")
    return results


if __name__ == "__main__":
    main()
