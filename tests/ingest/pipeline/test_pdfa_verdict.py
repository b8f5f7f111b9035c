"""The PDF/A verdict is honoured, with the real veraPDF: sample copies pass with no failed
rule; a copy no strategy makes compliant is not labelled PDF/A and the dossier needs
attention, which `luutru status` shows."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import api.cli.ingest  # noqa: F401  (registers `status`)
from api.cli.app import app
from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, FileRecord
from archive.lifecycle.reports import build_report
from archive.package.content import PDFA_PUIDS
from archive.storage import open_store
from ingest import pipeline
from ingest.normalise import retry_strategies
from ingest.tools import libreoffice

ROOT = Path(__file__).resolve().parents[3]

# A veraPDF corpus file Ghostscript cannot repair: its annotation keeps no appearance stream.
OFFICE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNREPAIRABLE = (ROOT.parent / "shared" / "verapdf-corpus" / "PDF_A-2b" / "6.3 Annotations" /
                "6.3.3 Annotation appearances" / "veraPDF test suite 6-3-3-t01-fail-a.pdf")


def _read(store, key: str) -> str:
    with store.open(key) as stream:
        return stream.read().decode("utf-8")


def _status(*args: str) -> str:
    """``luutru status`` as the auditor reads it (every agency's jobs)."""
    from archive.access import Principal
    from tests.archive.lifecycle.conftest import token_for
    env = {"COLUMNS": "250", "LUUTRU_TOKEN": token_for(Principal("mai.snv", "auditor"))}   # no wrapped cells
    result = CliRunner().invoke(app, ["status", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_copy_of_the_sample_passes_verapdf_and_status_names_the_validator(
        verapdf, archive_home, born_digital_sample):
    job = pipeline.submit(born_digital_sample)
    checked = job.result("validate_pdfa")
    assert checked["needs_attention"] == [] and checked["copies"]
    for copy in checked["copies"].values():
        assert copy["validator"] == "veraPDF" and copy["compliant"] and copy["failed_rules"] == []
        assert copy["strategy"] == "first"
    # Every original has its copy: document 4's attachment (quy-dinh-kem-theo.pdf) too.
    originals = [f for d in job.dossier().Documents for f in d.files]
    assert len(checked["copies"]) == len(originals) == 5 and "4.2" in checked["copies"]
    # In the archived package: rep1/data/004-02.pdf, a PDF/A, described in PREMIS under its own id.
    store, prefix = open_store(), job.result("store")["prefix"]
    [key] = [k for k in store.list(prefix + "/") if k.endswith("/representations/rep1/data/004-02.pdf")]
    with store.open(key) as stream, pikepdf.open(io.BytesIO(stream.read())) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") == "2"
    [premis] = [k for k in store.list(prefix + "/") if k.endswith("metadata/preservation/PREMIS.xml")]
    assert "rep1-doc004-file02" in _read(store, premis)
    with session_scope() as s:
        record = s.execute(select(DossierRecord)).scalar_one()
        assert record.status == "archived"
        puids = {f.puid for f in s.execute(select(FileRecord).where(FileRecord.role == "preservation")).scalars()}
    assert puids == {PDFA_PUIDS["2b"]}
    out = _status(record.code)
    assert re.search(r"veraPDF \d+\.\d+\.\d+", out) and "bộ quy tắc PDF/A-2B của veraPDF" in out
    assert "hợp lệ" in out and "không đạt" not in out and "4 (tệp 2)" in out


def test_a_copy_that_fails_every_strategy_is_not_pdfa_and_the_dossier_needs_attention(
        verapdf, archive_home, born_digital_sample):
    # Document 2 becomes the corpus file; its page count is declared as the manifest demands.
    shutil.copy(UNREPAIRABLE, born_digital_sample / "files" / "bc-12-stp-tham-dinh.pdf")
    with pikepdf.open(UNREPAIRABLE) as pdf:
        pages = len(pdf.pages)
    manifest = born_digital_sample / "hoso.xml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index('file="files/bc-12-stp-tham-dinh.pdf"')
    end = text.index("</PageAmount>", start)
    cut = text.rindex("<PageAmount>", start, end) + len("<PageAmount>")
    manifest.write_text(text[:cut] + str(pages) + text[end:], encoding="utf-8")

    job = pipeline.submit(born_digital_sample)
    checked = job.result("validate_pdfa")
    assert checked["needs_attention"] == ["2"]
    tries = checked["attempts"]["2"]
    # Every strategy was tried, each attempt judged by veraPDF or recorded as failing to run.
    assert [t["strategy"] for t in tries] == ["first", *retry_strategies("application/pdf")]
    assert all(not t["compliant"] for t in tries)
    assert "6.3.3-1" in tries[0]["failed_rules"]
    copy = checked["copies"]["2"]
    assert not copy["compliant"] and copy["failed_rules"] and copy["validator"] == "veraPDF"
    others = [c for o, c in checked["copies"].items() if o != "2"]
    assert others and all(c["compliant"] for c in others)
    with session_scope() as s:
        record = s.execute(select(DossierRecord)).scalar_one()
        assert record.status == "needs_attention"
        copies = s.execute(select(FileRecord).where(FileRecord.role == "preservation")).scalars().all()
        not_pdfa = [f for f in copies if f.puid not in PDFA_PUIDS.values()]
        assert len(not_pdfa) == 1 and not_pdfa[0].puid.startswith("fmt/")  # plain PDF's PUID
    # The package's PREMIS records the failure with the failed rules.
    # (read from the archived package: once verified, the work folder keeps only step results)
    store = open_store()
    premis = [k for k in store.list(job.result("store")["prefix"] + "/") if k.lower().endswith(".xml")
              and "premis" in k.rsplit("/", 1)[-1].lower()]
    text = "\n".join(_read(store, k) for k in premis)
    assert "6.3.3-1" in text and "failure" in text
    assert record.code in _status()  # listed as needing attention, by the CLI and the dashboard's report
    report = build_report()
    assert [row[1] for row in report.section("needs_attention").rows] == [record.code]
    assert report.summary["needs_attention"] == 1 and report.summary["holdings"] == 1  # still held
    out = _status(record.code)
    assert "không đạt" in out and "6.3.3-1" in out


@pytest.mark.slow
def test_an_office_copy_that_fails_is_exported_again_by_libreoffice_and_the_new_copy_is_kept(
        verapdf, archive_home, born_digital_sample, monkeypatch):
    # The first export in LibreOffice's list makes a plain PDF (PDF/A not selected), which the
    # real veraPDF fails; the re-export ("pdfa-static") is left as it is.
    monkeypatch.setitem(libreoffice.EXPORTS, "pdfa", {"SelectPdfVersion": 0})
    job = pipeline.submit(born_digital_sample)
    documents = job.result("normalise")["documents"]
    [office] = [key for key, doc in documents.items() if doc["source"].endswith("bc-35-vp-tong-hop-gop-y.docx")]
    checked = job.result("validate_pdfa")
    tries = checked["attempts"][office]
    assert [t["strategy"] for t in tries] == ["first", "libreoffice"] == ["first", *retry_strategies(OFFICE)[:1]]
    assert tries[0]["validator"] == "veraPDF" and not tries[0]["compliant"] and tries[0]["failed_rules"]
    assert tries[1]["tool"] == "LibreOffice" and tries[1]["compliant"] and tries[1]["failed_rules"] == []
    assert checked["copies"][office]["output"] == tries[1]["output"] != tries[0]["output"]
    assert checked["needs_attention"] == []
    # The package holds the re-export, a PDF/A-2 (the plain first copy declared no PDF/A part).
    store, prefix = open_store(), job.result("store")["prefix"]
    [key] = [k for k in store.list(prefix + "/") if k.endswith(f"/representations/rep1/data/{int(office):03}.pdf")]
    with store.open(key) as stream, pikepdf.open(io.BytesIO(stream.read())) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") == "2"
    with session_scope() as s:
        assert s.execute(select(DossierRecord)).scalar_one().status == "archived"
        puids = {f.puid for f in s.execute(select(FileRecord).where(FileRecord.role == "preservation")).scalars()}
    assert puids == {PDFA_PUIDS["2b"]}
