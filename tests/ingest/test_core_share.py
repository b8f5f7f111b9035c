"""Under Celery's prefork pool each worker process converts with its share of the cores:
with concurrency 2 on 2 cores, each child's core budget is 1, not the whole machine (2 each
would run 4 converters on 2 cores); a single-process pool keeps them all."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.tools import cores

ROOT = Path(__file__).resolve().parents[2]


def test_a_process_share_is_the_cores_divided_by_the_processes_at_least_one():
    assert cores.share(2, 2) == 1
    assert cores.share(2, 1) == 2
    assert cores.share(8, 3) == 2
    assert cores.share(2, 3) == 1


def _worker(pool: str, concurrency: int, redis_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "LUUTRU_BROKER_URL": redis_url, "LUUTRU_INGEST_WORKERS": "2",
           "LUUTRU_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "api.worker", "worker", f"--pool={pool}",
                             f"--concurrency={concurrency}", "--include", "tests.ingest.core_share_tasks",
                             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
                            cwd=ROOT, env=env, stdout=open(tmp_path / f"{pool}.log", "ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.services
@pytest.mark.slow           # starts a real worker twice
@pytest.mark.parametrize("pool, concurrency, expected", [("prefork", 2, 1), ("solo", 1, 2)])
def test_each_worker_process_gets_its_share_of_the_cores(redis_server, tmp_path, pool, concurrency, expected):
    from api.worker import app
    from tests.ingest.core_share_tasks import process_cores
    app.conf.broker_url = app.conf.result_backend = redis_server.url
    worker = _worker(pool, concurrency, redis_server.url, tmp_path)
    try:
        results = [process_cores.delay() for _ in range(4)]
        reported = [r.get(timeout=180) for r in results]
    finally:
        os.killpg(worker.pid, 9)
        worker.wait(timeout=30)
    assert {budget for _, budget in reported} == {expected}, reported
    assert len({pid for pid, _ in reported}) <= concurrency
