"""The external-program runner and the Ghostscript PDF/A prologue."""
from __future__ import annotations

import time
from pathlib import Path

import pikepdf
import pytest

from archive.errors import MissingDependency, ToolFailed, ToolTimedOut
from archive import process as _process
from ingest.tools import ghostscript, libreoffice


def test_tool_running_past_its_limit_is_stopped_with_its_children(tmp_path):
    pidfile = tmp_path / "child.pid"
    started = time.monotonic()
    with pytest.raises(ToolTimedOut):
        _process.run(["sh", "-c", f"sleep 60 & echo $! > {pidfile}; wait"], tool="sh", timeout=0.5)
    assert time.monotonic() - started < 10
    child = int(pidfile.read_text())
    while _running(child):      # SIGKILL takes effect when the child next runs: soon, later on a loaded machine
        assert time.monotonic() - started < 30, "the tool's child outlived it (its sleep is 60 s)"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    # A killed child not yet reaped by init lingers as a zombie ("Z"): it no longer runs.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_missing_program_is_a_missing_dependency():
    with pytest.raises(MissingDependency):
        _process.run(["luutru-no-such-program"], tool="none")


def test_failing_program_reports_its_exit_status_and_message():
    with pytest.raises(ToolFailed) as error:
        _process.run(["sh", "-c", "echo 'hỏng rồi' >&2; exit 3"], tool="sh")
    assert error.value.context["returncode"] == 3 and "hỏng rồi" in error.value.detail


def test_pdfa_level_comes_from_settings_and_only_level_b_is_accepted():
    assert ghostscript.pdfa_part("3b") == "3"
    with pytest.raises(ValueError):
        ghostscript.pdfa_part("2a")


def test_each_libreoffice_call_gets_its_own_profile(tmp_path):
    first = libreoffice.convert_command(tmp_path / "a.docx", tmp_path, tmp_path / "p1")
    second = libreoffice.convert_command(tmp_path / "b.xlsx", tmp_path, tmp_path / "p2")
    assert any(arg.endswith("/p1") for arg in first) and any(arg.endswith("/p2") for arg in second)
    assert any("calc_pdf_Export" in arg for arg in second)


@pytest.mark.slow
@pytest.mark.parametrize("level", ["1b", "2b", "3b"])
def test_ghostscript_output_declares_the_level_and_carries_an_srgb_output_intent(tmp_path, text_pdf, level):
    output = ghostscript.to_pdfa(text_pdf, tmp_path / "out.pdf", level=level)
    with pikepdf.open(output) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == (level[0], "B")
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "  # an ICC RGB profile
