"""Jobs staged in the object store (ingest.staging): the API and each Celery worker have their
own data folder, sharing only PostgreSQL, Redis and SeaweedFS, as on separate hosts.

A submission through the API is archived by a worker that never saw the API's folder; a
worker killed half-way leaves the staging area whole and a worker in yet another folder
finishes the job; once archived, only the step results stay in staging. A failed job keeps
its staged submission for a retry, until LUUTRU_FAILED_JOB_DAYS."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from archive.errors import ChecksumMismatch, StorageError
from archive.settings import get_settings
from ingest import staging
from tests.fixtures.agencies import register_agencies

pytestmark = [pytest.mark.services, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples"
AGENCY = "000.00.00.H41"


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _wait_for(condition, timeout: float, what) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


class Worker:
    """A real Celery worker whose data folder (its work folders) is ``home``."""

    def __init__(self, env: dict, home: Path):
        self.home, self.log = home, home.parent / f"{home.name}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "api.worker", "worker", "--pool=solo", "--without-gossip",
             "--without-mingle", "--loglevel=INFO", "-n", f"{home.name}@%h"],
            cwd=ROOT, env={**env, "LUUTRU_DATA_DIR": str(home)}, stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def staged(tmp_path, seaweedfs, redis_server, postgres_url, monkeypatch):
    """This process is the API (its own data folder); ``env`` is what a worker is given."""
    import api.worker
    from archive.catalog.db import init_catalog, session_scope
    from archive.catalog.models import Agency

    broker = redis_server.url       # as the other Celery tests: the app keeps its first connection pool
    common = {"LUUTRU_DATABASE_URL": postgres_url, "LUUTRU_BROKER_URL": broker,
              "LUUTRU_STORAGE_URL": seaweedfs.s3_url(f"stg-{uuid.uuid4().hex[:10]}"),
              "LUUTRU_TRUST_ROOTS_DIR": str(SAMPLES / "trust"), "LUUTRU_COOKIE_SECURE": "false"}
    for name in ("LUUTRU_STAGING_URL", "LUUTRU_SEARCH_BACKEND", "LUUTRU_SESSION_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**common, "LUUTRU_DATA_DIR": str(tmp_path / "api")}.items():
        monkeypatch.setenv(name, value)
    api.worker.app.conf.broker_url = api.worker.app.conf.result_backend = broker
    init_catalog()
    with session_scope() as session:
        session.add(Agency(organ_id=AGENCY, name="UBND tỉnh Khánh Hòa"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    return {**env, **common, "LUUTRU_AUDIT_KEY": os.environ["LUUTRU_AUDIT_KEY"]}


@pytest.fixture
def api_client(staged):
    from fastapi.testclient import TestClient

    from api import accounts
    from api.app import create_app

    user = accounts.create_user("van-thu", "archivist", AGENCY, None, actor="test")
    token = accounts.issue_token(user.id, "test", actor="test")
    with TestClient(create_app(), base_url="http://testserver") as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _submit(client, folder: Path) -> str:
    response = client.post("/api/v1/submissions", files={"file": ("hoso.zip", _zip(folder), "application/zip")})
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


def _job(client, job_id: str) -> dict:
    return client.get(f"/api/v1/jobs/{job_id}").json()


def test_submission_archived_by_workers_that_share_no_folder_with_the_api(staged, api_client, tmp_path):
    from archive.storage import open_store
    from ingest import state

    settings = get_settings()
    stage = staging.open_staging(settings)
    assert stage.store.url.endswith("-staging") and not stage.store.supports_object_lock
    first = Worker(staged, tmp_path / "worker-1")
    try:
        job_id = _submit(api_client, SAMPLES / "valid" / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt")
        # the API kept nothing: the upload is in staging, checked, and nowhere in its folder
        assert not (settings.data_dir / "jobs" / job_id).exists()
        assert not any((settings.data_dir / "uploads").iterdir())
        staged_files = stage.manifest(job_id)
        assert set(staged_files) == {"job.json", "ho-so-nop.zip"}
        assert stage.read(job_id, "job.json") is not None

        steps = lambda: {s.step: s.state for s in state.states(job_id)}
        _wait_for(lambda: steps()["normalise"] == "running", 300, lambda: f"normalise to start: {first.tail()}")
        first.kill()                    # SIGKILL mid-job: its step is left running, staging as it was
        assert steps()["store"] == "pending"
        assert {"job.json", "ho-so-nop.zip", "receive.json", "validate.json"} <= set(stage.manifest(job_id))
        assert (tmp_path / "worker-1" / "jobs" / job_id / "submission").is_dir()

        second = Worker(staged, tmp_path / "worker-2")  # another "host": nothing of the job in its folder
        try:
            from api.worker import enqueue
            from ingest import pipeline
            pipeline.resume(job_id, wait=False, runner=enqueue)
            _wait_for(lambda: _job(api_client, job_id)["state"] in ("done", "failed"), 600,
                      lambda: f"the job to finish: {second.tail()}")
            # once the last step is done, the worker removes the staged artefacts
            _wait_for(lambda: not stage.has_artefacts(job_id), 60, "the staged artefacts to go")
        finally:
            second.kill()
    finally:
        first.kill()

    job = _job(api_client, job_id)
    assert job["state"] == "done", job
    assert "luutru.ingest.index" in second.log.read_text()     # the second worker finished it
    # archived under Object Lock in the main bucket, downloadable through the API byte for byte
    store = open_store()
    keys = list(store.list(""))
    assert keys and all(store.retention(k) is not None for k in keys if not k.startswith("audit"))
    documents = api_client.get(f"/api/v1/dossiers/{job['dossier_code']}/documents").json()
    original = next(f for f in documents[0]["files"] if f["role"] == "original")
    content = api_client.get(f"/api/v1/files/{original['id']}/content").content
    import hashlib
    assert hashlib.sha256(content).hexdigest() == original["sha256"]
    # staging holds only the step results (the job's record); no work folder is left anywhere
    record = stage.manifest(job_id)
    assert set(record) == {f"{s}.json" for s in ("job", *state_names())}
    assert not stage.has_artefacts(job_id)
    assert len(list(stage.store.list(f"jobs/{job_id}/"))) == 1 + len({e["sha256"] for e in record.values()})
    for home in (settings.data_dir, tmp_path / "worker-2"):
        assert not (home / "jobs" / job_id).exists()
    # the killed worker's copy is a stale cache, dropped when that worker starts again
    from archive.settings import Settings
    from ingest.recovery import drop_stale_caches
    assert (tmp_path / "worker-1" / "jobs" / job_id).is_dir()
    assert drop_stale_caches(Settings(data_dir=tmp_path / "worker-1")) == [job_id]
    assert not (tmp_path / "worker-1" / "jobs" / job_id).exists()


def state_names() -> list[str]:
    from ingest.steps import STEP_NAMES
    return STEP_NAMES


def test_failed_job_keeps_its_staged_submission_until_failed_job_days(staged, api_client, tmp_path):
    from ingest.recovery import tidy_failed_jobs

    worker = Worker(staged, tmp_path / "worker")
    try:
        job_id = _submit(api_client, SAMPLES / "invalid" / "field_required" / "submission")
        _wait_for(lambda: _job(api_client, job_id)["state"] in ("done", "failed"), 300, worker.tail)
    finally:
        worker.kill()
    job = _job(api_client, job_id)
    assert job["state"] == "failed" and job["steps"][1]["step"] == "validate"
    described = api_client.get(f"/api/v1/jobs/{job_id}").json()
    stage = staging.open_staging()
    assert stage.has_artefacts(job_id)          # kept for a retry: the submission and what was received
    assert "ho-so-nop.zip" in stage.manifest(job_id)
    assert not (tmp_path / "worker" / "jobs" / job_id).exists()   # the worker's copy was only a cache

    assert tidy_failed_jobs(get_settings()) == []                  # not yet LUUTRU_FAILED_JOB_DAYS old
    assert stage.has_artefacts(job_id)
    from archive.settings import Settings
    assert tidy_failed_jobs(Settings(failed_job_days=0)) == [job_id]
    assert not stage.has_artefacts(job_id)
    assert set(stage.manifest(job_id)) == {"job.json", "receive.json", "validate.json"}
    assert api_client.get(f"/api/v1/jobs/{job_id}").json() == described   # its record, still readable


def test_staging_round_trip_is_checked_and_crash_safe(seaweedfs, tmp_path):
    stage = staging.Staging(__import__("archive.storage", fromlist=["open_store"]).open_store(
        seaweedfs.s3_url(f"stg-{uuid.uuid4().hex[:10]}-staging"), object_lock=False))
    job = tmp_path / "a"
    (job / "sub").mkdir(parents=True)
    (job / "job.json").write_text("{}")
    (job / "sub" / "x.pdf").write_bytes(b"%PDF-1.7 one")
    (job / "sub" / "copy.pdf").write_bytes(b"%PDF-1.7 one")          # same bytes: one blob
    extra = tmp_path / "incoming.zip"
    extra.write_bytes(b"PK zip")
    stage.push("j1", job, {"ho-so-nop.zip": extra})
    assert len(list(stage.store.list("jobs/j1/files/"))) == 3

    other = tmp_path / "b"
    (other / "stale").mkdir(parents=True)
    (other / "stale" / "old.txt").write_text("from an earlier attempt")
    assert stage.pull("j1", other)
    assert sorted(p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file()
                  and p.name != staging.CACHE) == ["ho-so-nop.zip", "job.json", "sub/copy.pdf", "sub/x.pdf"]
    assert (other / "ho-so-nop.zip").read_bytes() == b"PK zip"

    # a push interrupted before its manifest: the blobs are there, the staged state is the old one
    (other / "new.json").write_text('{"n": 1}')
    manifest = stage.manifest("j1")
    stage.store.put_file("jobs/j1/files/" + "0" * 64, other / "new.json")
    assert stage.manifest("j1") == manifest
    stage.push("j1", other)
    assert "new.json" in stage.manifest("j1") and len(stage._manifests("j1")) == 1

    # a staged blob changed behind our back is refused on the way down
    sha = manifest["sub/x.pdf"]["sha256"]
    stage.store.delete(f"jobs/j1/files/{sha}")
    stage.store.put_file(f"jobs/j1/files/{sha}", io.BytesIO(b"%PDF-1.7 two"))
    shutil.rmtree(job)
    with pytest.raises(ChecksumMismatch):
        stage.pull("j1", job)

    # a manifest naming a path outside the folder (a hostile or broken store) is refused
    hostile = {"../../escaped.txt": manifest["job.json"]}
    stage.store.put_file("jobs/j2/manifest/00000001.json", io.BytesIO(json.dumps(hostile).encode()))
    with pytest.raises(StorageError):
        stage.pull("j2", tmp_path / "c" / "d")
    assert not (tmp_path / "escaped.txt").exists()

    assert stage.remove("j1") > 0 and set(stage.manifest("j1")) == {"job.json", "new.json"}
    stage.remove("j1", keep_results=False)
    assert list(stage.store.list("jobs/j1/")) == []


def test_a_push_reads_nothing_back_and_a_file_changed_after_hashing_is_refused_by_the_server(seaweedfs, tmp_path,
                                                                                           monkeypatch):
    """Staging is a transient copy: the store checks each blob against the sha256 the push
    computed (no read-back); bytes that changed after hashing never get staged under it."""
    from archive.storage import open_store
    stage = staging.Staging(open_store(seaweedfs.s3_url(f"stg-{uuid.uuid4().hex[:10]}-staging"), object_lock=False))
    job = tmp_path / "a"
    job.mkdir()
    (job / "job.json").write_text("{}")
    (job / "ban-goc.pdf").write_bytes(os.urandom(3 * 1024 * 1024))

    def no_read_back(*args, **kwargs):
        raise AssertionError("read back")
    monkeypatch.setattr(stage.store.client, "get_object", no_read_back)
    staged = stage.push("j1", job)
    monkeypatch.undo()
    assert set(staged) == {"job.json", "ban-goc.pdf"}
    assert stage.read("j1", "ban-goc.pdf") == (job / "ban-goc.pdf").read_bytes()

    # the size/mtime cache says what the file held when hashed; it changed since, mtime restored
    changed = job / "ban-sao.pdf"
    changed.write_bytes(b"%PDF-1.7 da sua")
    cache = json.loads((job / staging.CACHE).read_text())
    hashed = hashlib.sha256(b"%PDF-1.7 ban dau").hexdigest()
    cache["ban-sao.pdf"] = [changed.stat().st_size, changed.stat().st_mtime_ns, hashed]
    (job / staging.CACHE).write_text(json.dumps(cache))
    with pytest.raises(ChecksumMismatch):
        stage.push("j1", job)
    assert not stage.store.exists(f"jobs/j1/files/{hashed}") and stage.manifest("j1") == staged


def test_staging_location_derives_from_the_store(tmp_path, monkeypatch):
    from archive.settings import Settings
    assert Settings(data_dir=tmp_path).staging_store_url == f"file://{tmp_path.resolve()}/staging"
    assert Settings(storage_url="s3://k:s@h:9000/archive/p").staging_store_url == "s3://k:s@h:9000/archive-staging/p"
    assert Settings(storage_url="file:///srv/kho").staging_store_url == "file:///srv/kho-staging"
    assert Settings(storage_url="file:///srv/kho", staging_url="s3://k:s@h:1/tam").staging_store_url == \
        "s3://k:s@h:1/tam"
    assert not staging.enabled(Settings(data_dir=tmp_path, broker_url=None))     # the embedded default


def test_a_folder_submitted_on_one_host_is_received_on_another(tmp_path, monkeypatch, born_digital_sample):
    """``luutru ingest FOLDER`` with a broker: the folder is staged (its files, not its path),
    and a worker whose data folder is elsewhere receives and validates it after it is gone."""
    from ingest import pipeline
    from ingest.job import IngestJob
    for name, value in {"BROKER_URL": "redis://127.0.0.1:9/0",       # staged; nothing is sent to it
                        "DATA_DIR": str(tmp_path / "cli"), "STAGING_URL": f"file://{tmp_path / 'staging'}",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'catalog.db'}",
                        "STORAGE_URL": f"file://{tmp_path / 'store'}"}.items():
        monkeypatch.setenv(f"LUUTRU_{name}", value)
    register_agencies(AGENCY)                            # ingest adds no agency: an administrator did
    job = pipeline.create(born_digital_sample, organ_id=AGENCY, actor="operator")
    assert not job.workdir.exists()
    assert f"nop/{born_digital_sample.name}/hoso.xml" in staging.open_staging().manifest(job.id)
    shutil.rmtree(born_digital_sample)                   # never read again where it was

    monkeypatch.setenv("LUUTRU_DATA_DIR", str(tmp_path / "worker"))
    for step in ("receive", "validate"):
        pipeline.run_step(job.id, step, staged=True)
    received = IngestJob.load(job.id)
    assert (received.submission_dir / "hoso.xml").is_file()     # the worker's own copy
    assert received.result("receive")["source"] == str(born_digital_sample)
    assert received.dossier().code.startswith(AGENCY)
    assert {"receive.json", "validate.json", "submission/hoso.xml"} <= set(staging.open_staging().manifest(job.id))


# The API process submitting a folder, killed (SIGKILL) once two of its files are in staging.
KILLED_HALF_WAY = """
import os, signal, sys
from archive.storage.s3 import S3Store
real, written = S3Store.put_file, []
def put_then_die(self, *args, **kwargs):
    stored = real(self, *args, **kwargs)
    written.append(stored.key)
    if len(written) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return stored
S3Store.put_file = put_then_die
from ingest import pipeline
pipeline.create(sys.argv[1], organ_id=sys.argv[2], actor="api")
"""


@pytest.fixture
def staging_env(seaweedfs, tmp_path, monkeypatch) -> dict[str, str]:
    """Staging on SeaweedFS (a broker configured, nothing sent to it); the environment of the
    submitting process, this one's too."""
    env = {"LUUTRU_BROKER_URL": "redis://127.0.0.1:9/0", "LUUTRU_DATA_DIR": str(tmp_path / "api"),
           "LUUTRU_STAGING_URL": seaweedfs.s3_url(f"stg-{uuid.uuid4().hex[:10]}-staging"),
           "LUUTRU_DATABASE_URL": f"sqlite:///{tmp_path / 'catalog.db'}", "LUUTRU_STORAGE_URL": f"file://{tmp_path}/kho"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    register_agencies(AGENCY)
    return {**os.environ, **env}


def _job_rows(job_id: str) -> int:
    from sqlalchemy import func, select

    from archive.catalog.db import session_scope
    from archive.catalog.models import PipelineStep
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(PipelineStep).where(PipelineStep.job_id == job_id))


def test_a_push_cut_off_by_a_killed_process_is_swept_once_idle_and_live_jobs_are_kept(staging_env,
                                                                                       born_digital_sample):
    from archive.settings import Settings
    from ingest import pipeline
    from ingest.recovery import drop_stale_caches, tidy_failed_jobs
    live = pipeline.create(born_digital_sample, organ_id=AGENCY, actor="operator")     # pushed whole, steps recorded
    killed = subprocess.run([sys.executable, "-c", KILLED_HALF_WAY, str(born_digital_sample), AGENCY], cwd=ROOT,
                            env=staging_env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stage = staging.open_staging()
    [orphan] = stage.jobs() - {live.id}
    assert len(list(stage.store.list(f"jobs/{orphan}/"))) == 2 and stage.manifest(orphan) is None
    assert _job_rows(orphan) == 0 and _job_rows(live.id) > 0            # the killed push made no job
    staged_live = sorted(stage.store.list(f"jobs/{live.id}/"))

    assert tidy_failed_jobs(get_settings()) == []                       # written moments ago: maybe still going on
    assert len(list(stage.store.list(f"jobs/{orphan}/"))) == 2
    assert tidy_failed_jobs(Settings(staging_orphan_minutes=0)) == [orphan]     # idle past the grace period
    assert list(stage.store.list(f"jobs/{orphan}/")) == []
    assert sorted(stage.store.list(f"jobs/{live.id}/")) == staged_live and stage.manifest(live.id)
    assert tidy_failed_jobs(Settings(staging_orphan_minutes=0)) == []   # nothing left to sweep

    left_here = get_settings().data_dir / "jobs" / orphan                # the killed process's own folder
    assert (left_here / "job.json").is_file()
    assert drop_stale_caches(get_settings()) == [] and left_here.exists()
    assert drop_stale_caches(Settings(staging_orphan_minutes=0)) == [orphan] and not left_here.exists()


def test_a_push_that_fails_half_way_leaves_nothing_in_staging(staging_env, born_digital_sample, monkeypatch):
    from archive.storage.s3 import S3Store
    from ingest import pipeline
    real, written = S3Store.put_file, []

    def put_then_fail(self, *args, **kwargs):
        if len(written) == 2:
            raise StorageError("the staging store went away")
        stored = real(self, *args, **kwargs)
        written.append(stored.key)
        return stored
    monkeypatch.setattr(S3Store, "put_file", put_then_fail)
    with pytest.raises(StorageError, match="went away"):
        pipeline.create(born_digital_sample, organ_id=AGENCY, actor="api")
    assert len(written) == 2
    stage = staging.open_staging()
    assert [k for k in written if list(stage.store.list(k))] == [] and stage.jobs() == set()
