"""get_settings() reads the settings of the current LUUTRU_* environment, with nothing to clear."""
from __future__ import annotations

from pathlib import Path

from archive.settings import get_settings


def test_settings_are_read_once_per_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "one"))
    first = get_settings()
    assert get_settings() is first and first.data_dir == tmp_path / "one"

    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "two"))
    monkeypatch.setenv("LUUTRU_FIXED_TODAY", "2030-01-02")
    assert get_settings().data_dir == tmp_path / "two"
    assert str(get_settings().fixed_today) == "2030-01-02"

    monkeypatch.delenv("LUUTRU_FIXED_TODAY")
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "one"))
    assert get_settings().fixed_today is None and get_settings().data_dir == tmp_path / "one"


def test_other_variables_do_not_make_new_settings(monkeypatch):
    before = get_settings()
    monkeypatch.setenv("NOT_LUUTRU_DATA_DIR", str(Path("/elsewhere")))
    assert get_settings() is before
