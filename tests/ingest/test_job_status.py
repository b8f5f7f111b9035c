"""A job's status as the pages and the API show it, read from its steps' states."""
from __future__ import annotations

import pytest

from archive.errors import AmendmentPending
from ingest.state import JobStatus, JobStep, job_status

WAITING = f"{AmendmentPending.code}: amendment 3 of X waits for the agency head's approval"


@pytest.mark.parametrize("steps, expected", [
    ([("pending", None), ("pending", None)], JobStatus.PENDING),
    ([("done", None), ("running", None), ("pending", None)], JobStatus.RUNNING),
    ([("done", None), ("pending", None)], JobStatus.RUNNING),                 # between two steps
    ([("done", None), ("pending", WAITING), ("pending", None)], JobStatus.AWAITING_APPROVAL),
    ([("done", None), ("pending", "interrupted: resumed")], JobStatus.RUNNING),
    ([("done", None), ("failed", "boom"), ("pending", WAITING)], JobStatus.FAILED),
    ([("done", None), ("done", "unchanged: identical to the archived version")], JobStatus.DONE),
])
def test_job_status_follows_its_steps(steps, expected):
    assert job_status([JobStep(f"s{i}", state, reason, 1) for i, (state, reason) in enumerate(steps)]) is expected
