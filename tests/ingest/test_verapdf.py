"""The real veraPDF (scripts/verapdf/install.sh): batch runs, and its verdict on its own corpus."""
from __future__ import annotations

import os
import signal
import time

import pytest

from archive.errors import ToolFailed, ToolTimedOut

from ingest.pdfa_check import iter_corpus
from ingest.tools import cores, verapdf as verapdf_tool

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


def test_one_jvm_serves_several_calls_and_a_killed_one_is_replaced(verapdf, tmp_path, text_pdf):
    [passing] = [p for _, p, must_fail in iter_corpus(CORPUS) if p.name.endswith("6-5-1-t02-pass-a.pdf")]
    verapdf_tool.close_idle()
    first = verapdf_tool.validate_many([passing], "2b")
    [server] = verapdf_tool._idle
    # A name veraPDF would skip without --nonpdfext still gets its own report.
    renamed = tmp_path / "ban-sao.pdfa"
    renamed.write_bytes(passing.read_bytes())
    second = verapdf_tool.validate_many([renamed], "2b") | verapdf_tool.validate_many([text_pdf], "2b")
    assert verapdf_tool._idle == [server] and server.proc.poll() is None  # the same JVM, still running
    assert first[passing].compliant and second[renamed].compliant and second[renamed].complete
    assert not second[text_pdf].compliant and second[text_pdf].failed_rules
    assert not list(server.scratch.glob("tempReport*"))  # each report is removed once read

    os.kill(server.proc.pid, signal.SIGKILL)  # e.g. the OOM killer, between two dossiers
    server.proc.wait()
    again = verapdf_tool.validate_many([text_pdf], "2b")
    assert not again[text_pdf].compliant and again[text_pdf].failed_rules
    [replacement] = verapdf_tool._idle
    assert replacement is not server
    verapdf_tool.close_idle()
    # "q" ended it (not a kill): it exits with its batch status, 1 = some file was not compliant.
    assert replacement.proc.poll() == 1 and not replacement.scratch.exists()


def test_a_dossier_is_shared_out_over_a_jvm_per_free_core(verapdf, tmp_path, text_pdf):
    passing = [p for _, p, must_fail in iter_corpus(CORPUS) if not must_fail][:3]
    verapdf_tool.close_idle()
    verdicts = verapdf_tool.validate_many([*passing, text_pdf], "2b")
    assert len(verapdf_tool._idle) == min(verapdf_tool.KEEP, cores.process_cores())
    assert all(verdicts[p].compliant for p in passing) and not verdicts[text_pdf].compliant
    assert sum(server.files for server in verapdf_tool._idle) == 4  # each file validated once
    verapdf_tool.close_idle()


def test_an_idle_jvm_is_closed_after_idle_seconds(verapdf, text_pdf, monkeypatch):
    monkeypatch.setattr(verapdf_tool, "IDLE_SECONDS", 1)
    verapdf_tool.close_idle()
    verapdf_tool.validate_many([text_pdf], "2b")
    [server] = verapdf_tool._idle
    deadline = time.monotonic() + 30
    while server.scratch.exists() and time.monotonic() < deadline:  # removed last, once the JVM has ended
        time.sleep(0.2)
    assert verapdf_tool._idle == [] and server.proc.poll() is not None and not server.scratch.exists()


def test_a_missing_file_is_refused_before_any_jvm_waits_for_it(verapdf, tmp_path, text_pdf):
    with pytest.raises(ToolFailed, match="khong-co.pdf"):
        verapdf_tool.validate_many([text_pdf, tmp_path / "khong-co.pdf"], "2b", timeout=30)


def test_a_file_past_the_time_limit_kills_the_jvm(verapdf, text_pdf):
    verapdf_tool.close_idle()
    with pytest.raises(ToolTimedOut):
        verapdf_tool.validate_many([text_pdf], "2b", timeout=0.05)  # not even started by then
    assert verapdf_tool._idle == []
    assert verapdf_tool.validate_many([text_pdf], "2b")[text_pdf].failed_rules  # the next call starts afresh


# -- started ahead of need (prestart) ------------------------------------------------------------
# Files a JVM started ahead has validated when warm: its document, then that document's PDF/A copy.
WARMED = verapdf_tool.WARM_UP_FILES + 1


def _wait_until(condition, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_jvms_started_ahead_warm_up_then_serve_the_first_dossier(verapdf, text_pdf):
    [passing] = [p for _, p, must_fail in iter_corpus(CORPUS) if p.name.endswith("6-5-1-t02-pass-a.pdf")]
    verapdf_tool.close_all()
    started = verapdf_tool.prestart("2b")
    assert len(started) == min(verapdf_tool.KEEP, cores.process_cores())
    assert verapdf_tool.prestart("2b") == []            # running already: none started twice
    _wait_until(lambda: sorted(map(id, verapdf_tool._idle)) == sorted(map(id, started)), "the warm-up")
    assert all(s.proc.poll() is None and s.files == WARMED for s in started)
    assert not list(started[0].scratch.glob("tempReport*"))    # the warm-up's reports are not left behind

    verdicts = verapdf_tool.validate_many([passing, text_pdf], "2b")
    assert verdicts[passing].compliant and verdicts[passing].complete
    assert not verdicts[text_pdf].compliant and verdicts[text_pdf].failed_rules
    assert {id(s) for s in verapdf_tool._idle} == {id(s) for s in started}   # no JVM started for the dossier
    assert sum(s.files for s in started) == len(started) * WARMED + 2
    verapdf_tool.close_all()


def test_a_dossier_arriving_during_the_warm_up_waits_for_it_instead_of_starting_another_jvm(verapdf, text_pdf,
                                                                                           monkeypatch):
    verapdf_tool.close_all()
    created = []

    class Recorded(verapdf_tool._Server):
        def __init__(self, *args):
            super().__init__(*args)
            created.append(self)

    monkeypatch.setattr(verapdf_tool, "_Server", Recorded)
    started = verapdf_tool.prestart("2b")
    assert verapdf_tool._starting == started                   # still warming up as the dossier comes
    verdicts = verapdf_tool.validate_many([text_pdf], "2b")
    assert verdicts[text_pdf].failed_rules
    _wait_until(lambda: verapdf_tool._starting == [], "the other warm-up")
    assert created == started
    assert [s.files for s in started if s.files > WARMED] == [WARMED + 1]
    verapdf_tool.close_all()


def test_a_warm_up_finishes_while_a_dossier_holds_every_core_waiting_for_it(verapdf, text_pdf):
    """A dossier's check takes its cores, then waits for the JVMs warming up: the warm-up's
    own conversion must not wait for one of those cores (it did, and both waited forever)."""
    verapdf_tool.close_all()
    budget = cores.budget()
    with budget.hold(at_least=budget.cores):                  # as validate_many does before it waits
        started = verapdf_tool.prestart("2b")
        _wait_until(lambda: verapdf_tool._starting == [], "the warm-up with no free core", timeout=120)
    assert started and all(s.files == WARMED for s in started)
    verapdf_tool.close_all()


def test_a_jvm_started_ahead_and_never_used_is_closed_once_idle_for_idle_seconds(verapdf, monkeypatch):
    monkeypatch.setattr(verapdf_tool, "IDLE_SECONDS", 1)
    verapdf_tool.close_all()
    started = verapdf_tool.prestart("2b")
    _wait_until(lambda: all(not s.scratch.exists() for s in started), "the idle JVMs to be closed")
    assert verapdf_tool._idle == verapdf_tool._starting == []
    # Warmed up first (idle counts from then), then ended by "q", not killed.
    assert all(s.files == WARMED and s.proc.poll() is not None for s in started)


def test_closing_all_at_exit_kills_a_jvm_still_warming_up(verapdf):
    verapdf_tool.close_all()
    started = verapdf_tool.prestart("2b")
    verapdf_tool.close_all()                                   # what atexit runs
    assert all(s.proc.poll() is not None and not s.scratch.exists() for s in started)
    assert not any(s.record.exists() for s in started)        # nothing left for kill_orphans
    _wait_until(lambda: verapdf_tool._starting == [], "the warm-up threads to give up")
    assert verapdf_tool._idle == []


def test_after_an_idle_close_a_dossiers_normalise_step_warms_a_jvm_before_validate_pdfa(verapdf, archive_home,
                                                                                       born_digital_sample,
                                                                                       monkeypatch):
    from ingest import pipeline
    from ingest.steps import STEPS
    idle_seconds = verapdf_tool.IDLE_SECONDS
    monkeypatch.setattr(verapdf_tool, "IDLE_SECONDS", 1)
    verapdf_tool.close_all()
    at_start = verapdf_tool.prestart()                         # as a worker does when it starts
    _wait_until(lambda: all(not s.scratch.exists() for s in at_start), "the idle JVMs to be closed")
    assert verapdf_tool._idle == verapdf_tool._starting == []  # an idle spell: nothing is running
    monkeypatch.setattr(verapdf_tool, "IDLE_SECONDS", idle_seconds)

    created, running_at_validation = [], []

    class Recorded(verapdf_tool._Server):
        def __init__(self, *args):
            super().__init__(*args)
            created.append(self)
    monkeypatch.setattr(verapdf_tool, "_Server", Recorded)
    validate_pdfa = STEPS["validate_pdfa"]

    def observed(job):
        with verapdf_tool._changed:
            running_at_validation.extend(s for s in verapdf_tool._starting + verapdf_tool._idle
                                         if s.proc.poll() is None)
        validate_pdfa(job)
    monkeypatch.setitem(STEPS, "validate_pdfa", observed)

    job = pipeline.submit(born_digital_sample)
    assert job.result("validate_pdfa")
    # started by the normalise step (warming while the converters ran), and the only JVMs the check used
    assert running_at_validation and created == running_at_validation
    assert sum(s.files for s in created) > len(created) * WARMED     # the dossier's copies were checked on them
    verapdf_tool.close_all()
