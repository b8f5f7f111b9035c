"""The CLI speaks Vietnamese in the framework's words too (help, usage, errors): none of
Click's or Typer's English reaches the archivist."""
from __future__ import annotations

import re
import subprocess

import pytest
from tests.fixtures.archives import LUUTRU

ENGLISH = re.compile(r"Show this message|\bOptions\b|\bOPTIONS\b|\[required\]|No such command|\bUsage\b|\bMissing\b|"
                     r"\bError\b|\bCommands\b|\bArguments\b|for help|\[default|completion|No such option")


@pytest.mark.parametrize("args", [["--help"], ["nope"], ["report"], ["report", "--help"], ["destruction", "--help"],
                                  ["report", "--out", "x.xlsx", "--bogus"], ["destruction", "show", "abc"]])
def test_help_and_usage_errors_are_vietnamese(args, tmp_path):
    done = subprocess.run([LUUTRU, *args], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "100", "LUUTRU_DATA_DIR": str(tmp_path)})
    shown = done.stdout + done.stderr
    assert shown.strip() and not ENGLISH.search(shown), shown
    assert ("Cách dùng" in shown) or ("Lỗi" in shown)
