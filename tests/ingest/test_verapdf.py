"""The real veraPDF (scripts/verapdf/install.sh): batch runs, and its verdict on its own corpus."""
from __future__ import annotations

import pytest

from ingest.pdfa_check import iter_corpus
from ingest.tools import verapdf as verapdf_tool

from .conftest import CORPUS


@pytest.fixture(scope="module")
def corpus_verdicts(verapdf):
    """veraPDF on all of its PDF/A-2b corpus in one batch (one JVM; ~30 s on 2 cores)."""
    if not CORPUS.is_dir():
        pytest.fail(f"veraPDF corpus not found at {CORPUS} (shared/ must sit next to the clone)")
    files = list(iter_corpus(CORPUS))
    return files, verapdf_tool.validate_many([path for _, path, _ in files], "2b")


def test_verapdf_judges_every_corpus_file_as_the_corpus_expects(corpus_verdicts):
    files, verdicts = corpus_verdicts
    assert len(verdicts) == len(files) > 900
    wrong = [path.name for _, path, must_fail in files if verdicts[path].compliant == must_fail]
    assert wrong == []
    assert all(verdicts[path].complete for _, path, _ in files)


def test_a_failing_corpus_file_names_its_rules(corpus_verdicts):
    files, verdicts = corpus_verdicts
    [path] = [p for _, p, _ in files if p.name == "veraPDF test suite 6-5-2-t01-fail-c.pdf"]
    [rule] = verdicts[path].failed_rules
    assert (rule.specification, rule.rule_id) == ("ISO 19005-2:2011", "6.5.2-2")
    assert "AA" in rule.description and rule.contexts


def test_one_run_reports_each_file_and_an_unreadable_file_is_an_incomplete_failure(verapdf, tmp_path, text_pdf):
    [passing] = [p for _, p, must_fail in iter_corpus(CORPUS) if p.name.endswith("6-5-1-t02-pass-a.pdf")]
    garbage = tmp_path / "hỏng tệp.pdf"  # spaces and Vietnamese in the name go through as one argument
    garbage.write_bytes(b"%PDF-1.7\nnot really a PDF")
    verdicts = verapdf_tool.validate_many([passing, text_pdf, garbage], "2b")
    assert verdicts[passing].compliant and verdicts[passing].complete and not verdicts[passing].failed_rules
    assert not verdicts[text_pdf].compliant and verdicts[text_pdf].failed_rules
    assert not verdicts[garbage].compliant and not verdicts[garbage].complete
    assert verdicts[garbage].note  # veraPDF's reason, e.g. "Couldn't parse stream"


def test_batches_split_only_at_the_command_line_limit(tmp_path, monkeypatch):
    paths = [tmp_path / f"{i:04d}.pdf" for i in range(3)]
    monkeypatch.setattr(verapdf_tool, "_MAX_ARGS_CHARS", 2 * (len(str(paths[0])) + 1))
    assert [len(chunk) for chunk in verapdf_tool._chunks(paths)] == [2, 1]
