from __future__ import annotations

import pytest

from tests.schemas.builders import example_raw, write_submission


@pytest.fixture
def raw() -> dict:
    """The specification's example dossier as raw manifest values, to mutate per test."""
    return example_raw()


@pytest.fixture
def example_folder(tmp_path):
    """The specification's example as a submission folder with real two- and three-page PDFs."""
    return write_submission(tmp_path / "hoso")
