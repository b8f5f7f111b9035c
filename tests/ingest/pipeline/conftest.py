"""An archive on its embedded defaults in a temporary folder, and samples to ingest."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.settings import get_settings

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples" / "valid"


@pytest.fixture
def archive_home(tmp_path, monkeypatch) -> Path:
    """LUUTRU_DATA_DIR in a fresh folder: SQLite catalog, filesystem store, embedded index."""
    home = tmp_path / "archive"
    monkeypatch.setenv("LUUTRU_DATA_DIR", str(home))
    monkeypatch.setenv("LUUTRU_TRUST_ROOTS_DIR", str(ROOT / "samples" / "trust"))
    for name in ("LUUTRU_DATABASE_URL", "LUUTRU_STORAGE_URL", "LUUTRU_BROKER_URL", "LUUTRU_SEARCH_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def born_digital_sample(tmp_path) -> Path:
    """A copy of a sample dossier of born-digital PDFs (fast to normalise)."""
    source = SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt"
    copy = tmp_path / source.name
    shutil.copytree(source, copy)
    return copy
