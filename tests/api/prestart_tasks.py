"""A task that reports the veraPDF JVMs of the worker process running it, then validates a
file there (included by tests/api/test_verapdf_prestart.py into a real Celery worker)."""
from __future__ import annotations

from pathlib import Path

from api.worker import app
from ingest.tools import verapdf


@app.task(name="tests.first_check")
def first_check(path: str) -> dict:
    with verapdf._changed:
        running = [s.proc.pid for s in verapdf._idle + verapdf._starting]
    verdict = verapdf.validate_many([Path(path)])[Path(path)]
    return {"running_before": running, "files": [[s.proc.pid, s.files] for s in verapdf._idle],
            "failed_rules": len(verdict.failed_rules)}
