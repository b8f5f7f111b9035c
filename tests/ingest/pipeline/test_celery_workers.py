"""The same steps on real Celery workers with Redis: a worker killed mid-dossier, a new
worker started, the job re-run: it finishes with nothing duplicated or missing."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.catalog.db import init_catalog, session_scope
from archive.catalog.models import PackageVersion, StoredObjectRecord
from archive.storage import open_store
from ingest import pipeline, state
from ingest.job import IngestJob
from ingest.steps import STEP_NAMES
from api import jobs
from api.worker import enqueue

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[3]


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "api.worker", "worker", "--pool=solo",
                             "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                            cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.fixture
def celery_archive(archive_home, redis_server, monkeypatch):
    monkeypatch.setenv("LUUTRU_BROKER_URL", redis_server.url)
    import api.worker
    api.worker.app.conf.broker_url = api.worker.app.conf.result_backend = redis_server.url
    init_catalog()
    return {**os.environ, "LUUTRU_BROKER_URL": redis_server.url, "LUUTRU_DATA_DIR": str(archive_home)}


def test_worker_killed_mid_dossier_then_rerun_finishes_without_duplicates(celery_archive, born_digital_sample,
                                                                           tmp_path):
    log = tmp_path / "worker.log"
    worker = _worker(celery_archive, log)
    try:
        job = IngestJob.new()
        job.workdir.mkdir(parents=True)
        job.save("job", {"source": str(born_digital_sample), "organ_id": None, "actor": "test"})
        state.create(job.id, STEP_NAMES)
        enqueue(job.id, STEP_NAMES, wait=False)
        running = lambda: {s.step: s.state for s in state.states(job.id)}.get("normalise") == "running"
        _wait_for(running, 180, "the worker to start normalising")
        _kill(worker)  # SIGKILL: no clean shutdown, the step is left 'running'
        assert {s.step: s.state for s in state.states(job.id)}["store"] == "pending"

        worker = _worker(celery_archive, log)
        pipeline.resume(job.id, wait=False, runner=enqueue)
        finished = lambda: all(s.state == "done" for s in state.states(job.id))
        _wait_for(finished, 300, "the re-run to finish: " + log.read_text(errors="replace")[-2000:])
    finally:
        _kill(worker)

    stored = job.result("store")
    keys = sorted(open_store().list(""))
    assert keys == sorted(o["key"] for o in stored["objects"])  # nothing extra, nothing missing
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(PackageVersion)).scalar() == 1
        assert s.execute(select(func.count()).select_from(StoredObjectRecord)).scalar() == len(keys)
    normalise = {s.step: s for s in state.states(job.id)}["normalise"]
    assert normalise.attempts == 2  # the killed attempt, then the re-run


@pytest.mark.slow
def test_ocr_after_is_the_last_task_of_the_chain_and_adds_the_next_version(celery_archive, tmp_path):
    scan = tmp_path / "scans"
    shutil.copytree(ROOT / "samples" / "valid" / "stttt-2021-12vp-van-ban-den-ban-giay", scan)
    log = tmp_path / "worker.log"
    worker = _worker({**celery_archive, "LUUTRU_OCR_MODE": "after"}, log)
    try:
        job = pipeline.submit(scan, wait=False, runner=enqueue)
        archived = lambda: {s.step: s.state for s in state.states(job.id)}["index"] == "done"
        _wait_for(archived, 300, "the dossier to be archived: " + log.read_text(errors="replace")[-2000:])
        assert jobs.progress(job.id)["awaiting_ocr"]      # read from the job's staging area
        with session_scope() as s:
            assert s.execute(select(func.count()).select_from(PackageVersion)).scalar() == 1
        finished = lambda: all(s.state == "done" for s in state.states(job.id))
        _wait_for(finished, 600, "the OCR step to finish: " + log.read_text(errors="replace")[-2000:])
    finally:
        _kill(worker)
    with session_scope() as s:
        versions = s.execute(select(PackageVersion).order_by(PackageVersion.version)).scalars().all()
        assert [v.version for v in versions] == [1, 2] and versions[1].package_id == job.result("ocr")["package_id"]
