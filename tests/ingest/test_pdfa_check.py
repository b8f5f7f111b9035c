"""The PDF/A fallback checker against the veraPDF corpus (ground truth: file names)."""
from __future__ import annotations

import logging

import pikepdf
import pytest

from ingest import pdfa_check

from .conftest import CORPUS

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"veraPDF corpus not found at {CORPUS} (shared/ must sit next to the clone)",
)


def _claimed_corpus_files():
    if not CORPUS.is_dir():
        return []
    return [
        pytest.param(clause, path, must_fail, id=f"{clause}:{path.name.removeprefix('veraPDF test suite ')}")
        for clause, path, must_fail in pdfa_check.iter_corpus(CORPUS)
        if clause in pdfa_check.CLAUSES_CHECKED
    ]


@needs_corpus
def test_every_claimed_clause_has_corpus_files():
    folders = {clause for clause, _, _ in pdfa_check.iter_corpus(CORPUS)}
    assert set(pdfa_check.CLAUSES_CHECKED) <= folders


@needs_corpus
@pytest.mark.parametrize("clause, path, must_fail", _claimed_corpus_files())
def test_checker_agrees_with_the_corpus_on_every_claimed_clause(clause, path, must_fail):
    logging.getLogger("pikepdf").setLevel(logging.ERROR)
    result = pdfa_check.check(path, "2b")
    assert result.fails_clause(clause) == must_fail, [rule.rule_id for rule in result.failed_rules]
    if must_fail:
        # Never "conforming" while claiming to have checked the clause the file violates.
        assert not result.compliant


def test_result_says_it_is_not_verapdf_and_lists_its_clauses(text_pdf):
    result = pdfa_check.check(text_pdf, "2b")
    assert result.validator == "luutru-pdfa-fallback" and "veraPDF" in result.note
    assert result.clauses_checked == pdfa_check.CLAUSES_CHECKED
    # A plain ReportLab PDF is no PDF/A: it has no XMP metadata stream at all.
    assert not result.compliant and result.fails_clause("6.6.2.1")


def test_javascript_action_and_lzw_stream_are_reported(tmp_path, text_pdf):
    path = tmp_path / "script.pdf"
    with pikepdf.open(text_pdf) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
        lzw = pdf.make_stream(b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01")
        lzw.Filter = pikepdf.Name.LZWDecode
        pdf.Root.LuuTruTest = lzw
        # Keep the LZW data as it is (qpdf would otherwise recompress it with Flate).
        pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    result = pdfa_check.check(path, "2b")
    assert {"6.5.1-1", "6.1.7-4"} <= {rule.rule_id for rule in result.failed_rules}


def test_encrypted_file_is_reported_under_the_trailer_clause(encrypted_pdf):
    result = pdfa_check.check(encrypted_pdf, "2b")
    assert not result.compliant and "6.1.3-2" in {rule.rule_id for rule in result.failed_rules}
