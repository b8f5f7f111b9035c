"""Small builders for validator tests: manifests, PDFs and submission folders made in the test."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree
from reportlab.pdfgen import canvas

from schemas.examples import EXAMPLE_FILES, EXAMPLE_MANIFEST_XML, example_raw
from schemas.manifest import NS
from schemas.problems import Report
from ingest.validation import validate

TODAY = date(2026, 1, 1)


def write_pdf(path: Path, pages: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.drawString(72, 720, f"Trang {n + 1}")
        c.showPage()
    c.save()
    return path


def write_submission(folder: Path, manifest: str | bytes | dict | None = None,
                     pages: dict[str, int] | None = None) -> Path:
    """A submission folder: the manifest (default: the specification's example) and its PDFs."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = EXAMPLE_MANIFEST_XML if manifest is None else manifest
    if isinstance(manifest, dict):
        (folder / "hoso.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    else:
        (folder / "hoso.xml").write_bytes(manifest.encode() if isinstance(manifest, str) else manifest)
    for relative, n in (pages if pages is not None else dict(zip(EXAMPLE_FILES, (2, 3)))).items():
        write_pdf(folder / relative, n)
    return folder


def example_xml(**changes: str | None) -> str:
    """The example manifest with dossier-level elements set (a value) or removed (None)."""
    root = etree.fromstring(EXAMPLE_MANIFEST_XML.encode())
    for name, value in changes.items():
        el = root.find(f"{{{NS}}}{name}")
        if value is None:
            root.remove(el)
        else:
            el.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def check(raw: dict[str, Any], **kw) -> Report:
    """Validate a metadata-only dossier (no files) as of ``TODAY``."""
    return validate(raw, today=kw.pop("today", TODAY), **kw)


def codes(report: Report, severity: str | None = None) -> set[str]:
    return {p.code for p in report.problems if severity is None or p.severity == severity}


def doc(raw: dict, n: int) -> dict:
    """Document ``n`` (1-based) of a raw dossier."""
    return raw["Documents"][n - 1]


__all__ = ["TODAY", "check", "codes", "doc", "example_raw", "example_xml", "write_pdf", "write_submission"]
