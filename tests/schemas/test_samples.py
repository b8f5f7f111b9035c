"""Every sample dossier gives the outcome its expected.json states (samples/, built by
scripts/build_samples.py): valid ones exit 0, each invalid one shows its rule's codes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.errors import UnreadableSubmission
from ingest.submission import open_submission
from ingest.validation import validate

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
VALID = sorted((SAMPLES / "valid").iterdir()) if (SAMPLES / "valid").is_dir() else []
INVALID = sorted(p for p in (SAMPLES / "invalid").iterdir() if (p / "expected.json").is_file()) \
    if (SAMPLES / "invalid").is_dir() else []


def outcome(path: Path) -> tuple[int, set[str], list[str]]:
    """(exit code as ``luutru validate`` gives it, codes, errors shown)."""
    try:
        with open_submission(path) as submission:
            report = validate(submission)
    except UnreadableSubmission as exc:
        return 2, {exc.reason}, [exc.detail]
    return (0 if report.valid else 1), report.codes, [p.message_vi for p in report.errors]


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_valid_sample_is_valid(sample):
    code, _, errors = outcome(sample)
    assert code == 0, errors


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.name)
def test_invalid_sample_shows_its_expected_codes(sample):
    expected = json.loads((sample / "expected.json").read_text(encoding="utf-8"))
    code, codes, errors = outcome(sample / expected.get("submission", "."))
    assert code == expected["exit_code"], errors
    assert set(expected["codes"]) <= codes
