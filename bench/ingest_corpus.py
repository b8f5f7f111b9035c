"""The mixed corpus of bench/ingest_bench.py: what agencies actually send, at a chosen scale.

At ``scale=1`` it has 488 files in ~50 dossiers, like the published Archivematica case:
text PDFs from several producers (ReportLab, LibreOffice, Ghostscript), scans at 200 and
300 dpi (PNG, multi-page TIFF G4, JPEG, image-only PDF), DOCX/XLSX/ODT, and a few files
that stay as they are (TXT, CSV). The text is the public Decision 04/2021/QĐ-UBND of
Khánh Hòa, laid out by the sample renderers of ``scripts/sample_dossiers``; seeds and
dates are fixed, so a corpus is the same on every machine. Each dossier holds one
category of files (pdf, office, ocr), so the bench can time each against its bare tool.
"""
from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import img2pdf  # noqa: E402
from PIL import Image  # noqa: E402

from sample_dossiers.documents import Doc  # noqa: E402
from sample_dossiers.manifest import document_record, to_xml, xml_bytes  # noqa: E402
from sample_dossiers.render import (SCAN_DPI, register_fonts, render_docx, render_odt, render_pdf,  # noqa: E402
                                    render_scan_pages)
from sample_dossiers.source import read_decision  # noqa: E402

SEED = 16
FILES_PER_DOSSIER = 10
# kind: (category, files at scale 1). 298 born-digital PDFs and others, 60 office, 130 scans = 488.
KINDS = {
    "pdf-reportlab": ("pdf", 150), "pdf-libreoffice": ("pdf", 90), "pdf-ghostscript": ("pdf", 40),
    "txt": ("pdf", 10), "csv": ("pdf", 8),
    "docx": ("office", 30), "xlsx": ("office", 15), "odt": ("office", 15),
    "png-300": ("ocr", 25), "tiff-300": ("ocr", 25), "jpeg-300": ("ocr", 20), "jpeg-200": ("ocr", 20),
    "pdfscan-300": ("ocr", 25), "pdfscan-200": ("ocr", 15),
}
CATEGORIES = ("pdf", "office", "ocr")
EXTENSION = {"pdf-reportlab": "pdf", "pdf-libreoffice": "pdf", "pdf-ghostscript": "pdf", "txt": "txt", "csv": "csv",
             "docx": "docx", "xlsx": "xlsx", "odt": "odt", "png-300": "png", "tiff-300": "tif", "jpeg-300": "jpg",
             "jpeg-200": "jpg", "pdfscan-300": "pdf", "pdfscan-200": "pdf"}
TYPES = ("Công văn", "Báo cáo", "Tờ trình", "Kế hoạch", "Thông báo", "Quyết định")
ORGANS = ("ubnd", "vp", "stttt", "snv", "stp", "nhatrang", "dienkhanh")
SIGNER = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", "Phạm Minh Tuấn")


@dataclass
class CorpusFile:
    dossier: str
    category: str
    kind: str
    path: Path          # relative to the corpus root
    size: int
    pages: int | None   # known for PDFs and scans
    words: list[str]    # the words drawn on a scan (for OCR word accuracy), else []


def plan(scale: float) -> list[tuple[str, str, int]]:
    """(kind, category, index) of every file, grouped into dossiers of one category."""
    files = []
    for kind, (category, count) in KINDS.items():
        files += [(kind, category, i) for i in range(max(1, round(count * scale)))]
    return files


def build(root: Path, scale: float, categories: tuple[str, ...] | list[str] = CATEGORIES) -> list[CorpusFile]:
    """Build the corpus of ``categories`` under ``root``, each category once (reused when
    already built at this scale): a run without OCR does not make the scans."""
    root.mkdir(parents=True, exist_ok=True)
    return [f for category in categories for f in _category(root, scale, category)]


def _category(root: Path, scale: float, category: str) -> list[CorpusFile]:
    index = root / f"{category}.json"
    if index.is_file():
        return [CorpusFile(**{**f, "path": Path(f["path"])}) for f in json.loads(index.read_text())]
    shutil.rmtree(root / category, ignore_errors=True)
    register_fonts()
    paragraphs = _paragraphs()
    items = [(kind, i) for kind, of, i in plan(scale) if of == category]
    random.Random(f"{SEED}-{category}").shuffle(items)
    corpus: list[CorpusFile] = []
    for number, start in enumerate(range(0, len(items), FILES_PER_DOSSIER), 1):
        corpus += _dossier(root, category, number, items[start:start + FILES_PER_DOSSIER], paragraphs)
    _libreoffice_pdfs(root, [f for f in corpus if f.kind == "pdf-libreoffice"])
    for f in corpus:
        f.size = (root / f.path).stat().st_size
    index.write_text(json.dumps([{**f.__dict__, "path": str(f.path)} for f in corpus], ensure_ascii=False))
    return corpus


def _paragraphs() -> list[str]:
    dec = read_decision()
    return dec.preamble + dec.articles + [p for _, paras in dec.regulation for p in paras]


def _doc(rng: random.Random, paragraphs: list[str], issued: date, stem: str, pages: int) -> Doc:
    """A document of about ``pages`` A4 pages (a page holds ~7 paragraphs of the decision)."""
    start = rng.randrange(len(paragraphs))
    body = [("p", paragraphs[(start + k) % len(paragraphs)]) for k in range(max(2, pages * 7 - 4))]
    type_name = rng.choice(TYPES)
    return Doc("outgoing", type_name, str(rng.randint(10, 3000)), f"{type_name[:1]}-UBND", issued,
               rng.choice(ORGANS), f"Triển khai {paragraphs[start][:80].rstrip(' ,;.')}", body, SIGNER,
               ["Các sở, ban, ngành", "Lưu: VT"], stem=stem)


def _dossier(root: Path, category: str, number: int, items, paragraphs) -> list[CorpusFile]:
    name = f"{category}-{number:03d}"
    folder = root / category / name
    (folder / "files").mkdir(parents=True)
    rng = random.Random(f"{SEED}-{name}")
    start = date(2021, 1, 4) + timedelta(days=7 * number)
    files, records = [], []
    for ordinal, (kind, i) in enumerate(items, 1):
        pages = rng.choice((1, 1, 2, 2, 3)) if category == "ocr" else rng.choice((1, 2, 3, 4, 6, 12))
        doc = _doc(rng, paragraphs, start + timedelta(days=ordinal), f"{kind}-{i:03d}", pages)
        rel = Path(category) / name / "files" / f"{doc.stem}.{EXTENSION[kind]}"
        page_count, words = _render(kind, doc, root / rel, rng)
        files.append(CorpusFile(name, category, kind, rel, 0, page_count, words))
        records.append(document_record(doc, ordinal, [(f"files/{rel.name}", "main")], page_count))
    record = {"FileCode": {"OrganId": "000.00.00.H41", "FileCatalog": 2021, "FileNotation": f"{number:02d}.B{category[:2].upper()}"},
              "Title": f"Hồ sơ đo tốc độ lưu trữ {category} số {number}", "Maintenance": "10 năm",
              "Rights": "Công khai", "Creator": "Nguyễn Thị Lan", "Language": "vie",
              "StartDate": min(r["IssuedDate"] for r in records), "EndDate": max(r["IssuedDate"] for r in records),
              "DocTotal": len(records), "Documents": records}
    (folder / "hoso.xml").write_bytes(xml_bytes(to_xml(record)))
    return files


def _render(kind: str, doc: Doc, path: Path, rng: random.Random) -> tuple[int | None, list[str]]:
    if kind == "pdf-reportlab":
        render_pdf(doc, path)
    elif kind == "pdf-libreoffice":       # DOCX now, exported to PDF by LibreOffice in one batch later
        render_docx(doc, path.with_suffix(".docx"))
        return None, []
    elif kind == "pdf-ghostscript":       # a PDF rewritten by Ghostscript, as many scanner suites do
        with tempfile.TemporaryDirectory() as tmp:
            render_pdf(doc, Path(tmp) / "in.pdf")
            subprocess.run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite",
                            f"-sOutputFile={path}", str(Path(tmp) / "in.pdf")], check=True)
    elif kind == "docx":
        render_docx(doc, path)
        return None, []
    elif kind == "odt":
        render_odt(doc, path)
        return None, []
    elif kind == "xlsx":
        _xlsx(doc, path, rng)
        return None, []
    elif kind == "txt":
        path.write_text("\n\n".join(str(v) for k, v in doc.blocks() if k == "p"), encoding="utf-8")
        return None, []
    elif kind == "csv":
        path.write_text("stt,so_ky_hieu,trich_yeu\n" + "".join(
            f"{n},{rng.randint(1, 999)}/UBND,\"{str(v)[:60]}\"\n" for n, (k, v) in enumerate(doc.blocks()) if k == "p"),
            encoding="utf-8")
        return None, []
    else:
        return _scan(kind, doc, path)
    import pikepdf
    with pikepdf.open(path) as pdf:
        return len(pdf.pages), []


def _scan(kind: str, doc: Doc, path: Path) -> tuple[int, list[str]]:
    fmt, dpi = kind.split("-")[0], int(kind.split("-")[1])
    pages = render_scan_pages(doc)
    if dpi != SCAN_DPI:
        pages = [p.resize((p.width * dpi // SCAN_DPI, p.height * dpi // SCAN_DPI), Image.LANCZOS) for p in pages]
    words = [w for kind_, value in doc.blocks() for w in _block_words(kind_, value)]
    if fmt == "png":
        pages = pages[:1]        # a PNG holds one page: only its words can be read back
        pages[0].save(path, dpi=(dpi, dpi), optimize=True)
        words = []               # not known which words made it onto page 1
    elif fmt == "tiff":
        bilevel = [p.point(lambda v: 255 if v > 150 else 0, mode="1") for p in pages]
        bilevel[0].save(path, save_all=True, append_images=bilevel[1:], compression="group4", dpi=(dpi, dpi))
    elif fmt == "jpeg":
        pages = pages[:1]
        _tinted(pages[0]).save(path, "JPEG", quality=85, dpi=(dpi, dpi))
        words = []
    else:                        # image-only PDF: JPEG pages wrapped without re-encoding
        jpegs = []
        for page in pages:
            buf = io.BytesIO()
            _tinted(page).save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
            jpegs.append(buf.getvalue())
        path.write_bytes(img2pdf.convert(jpegs))
    return len(pages), words


def _tinted(page: Image.Image) -> Image.Image:
    """Colour scans of slightly yellow paper, the usual office scanner output."""
    return Image.merge("RGB", (page, page, page.point(lambda v: v * 0.9)))


def _block_words(kind: str, value) -> list[str]:
    if kind == "header":
        organ, number, motto, place_date = value
        texts = [*organ, number, *motto, place_date]
    elif isinstance(value, (tuple, list)):
        texts = [str(v) for v in value]
    else:
        texts = [str(value)]
    return " ".join(texts).split()


def _xlsx(doc: Doc, path: Path, rng: random.Random) -> None:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Thống kê"
    sheet.append(["STT", "Số, ký hiệu", "Ngày", "Trích yếu", "Số trang"])
    for n, (_, text) in enumerate((b for b in doc.body if b[0] == "p"), 1):
        sheet.append([n, f"{rng.randint(1, 999)}/UBND", doc.issued.isoformat(), str(text)[:90], rng.randint(1, 9)])
    book.properties.creator = "LuuTru bench"
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2021, 1, 1)
    book.save(path)


def _libreoffice_pdfs(root: Path, files: list[CorpusFile]) -> None:
    """Export the DOCX of the LibreOffice-made PDFs in one soffice run, then drop the DOCX."""
    if not files:
        return
    with tempfile.TemporaryDirectory() as tmp:
        sources = [root / f.path.with_suffix(".docx") for f in files]
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={Path(tmp).as_uri()}",
                        "--convert-to", "pdf", "--outdir", tmp, *map(str, sources)], check=True, capture_output=True)
        import pikepdf
        for f, source in zip(files, sources):
            shutil.move(Path(tmp) / f"{source.stem}.pdf", root / f.path)
            source.unlink()
            with pikepdf.open(root / f.path) as pdf:
                f.pages = len(pdf.pages)
        # PageAmount of these documents is only known now
        for folder in {root / f.path.parents[1] for f in files}:
            _fill_page_amounts(folder, {f.path.name: f.pages for f in files})


def _fill_page_amounts(folder: Path, pages: dict[str, int]) -> None:
    from lxml import etree
    ns = "urn:luutru:dossier:1"
    tree = etree.parse(str(folder / "hoso.xml"))
    for el in tree.getroot().iter(f"{{{ns}}}Document"):
        name = Path(el.get("file", "")).name
        if name in pages and el.find(f"{{{ns}}}PageAmount") is None:
            amount = etree.Element(f"{{{ns}}}PageAmount")
            amount.text = str(pages[name])
            el.find(f"{{{ns}}}Language").addnext(amount)
    tree.write(str(folder / "hoso.xml"), xml_declaration=True, encoding="UTF-8", pretty_print=True)
