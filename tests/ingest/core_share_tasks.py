"""A task that reports the core budget of the worker process running it (included by
tests/ingest/test_core_share.py into a real Celery worker)."""
from __future__ import annotations

import os
import time

from api.worker import app
from ingest.tools import cores


@app.task(name="tests.process_cores")
def process_cores() -> tuple[int, int]:
    time.sleep(0.5)          # keeps this child busy so the next task goes to the other one
    return os.getpid(), cores.budget().cores
