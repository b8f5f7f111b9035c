"""Crashes leave nothing behind: a server killed with kill -9 in the middle of OCR leaves a
job running and an OCRmyPDF process alive, which the next start resumes and kills; a full
disk is the coded error ``storage_full`` with nothing half-written; an archived dossier's
copies do not linger in the work folder, a failed job's for LUUTRU_FAILED_JOB_DAYS."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from archive.catalog.db import dispose_engine, session_scope
from archive.catalog.models import PipelineStep
from archive.clock import utcnow
from archive.errors import StorageFull
from archive.settings import get_settings
from archive.storage import open_store
from ingest import pipeline, recovery, state
from ingest.job import IngestJob
from archive import process as _process
from ingest.tools import verapdf
from tests.fixtures.agencies import archivist_token
from tests.fixtures.archives import LUUTRU, SAMPLES



def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_archived_job_keeps_only_its_step_results(archive_home, born_digital_sample):
    job = pipeline.submit(born_digital_sample)
    assert all(s.state == "done" for s in state.states(job.id))
    left = _files(job.workdir)
    assert left and all(name.endswith(".json") and "/" not in name for name in left), left
    assert job.dossier().code        # the results still describe the job


def test_failed_job_keeps_its_folder_for_the_configured_days_then_only_results(archive_home, born_digital_sample,
                                                                                monkeypatch):
    (archive_home / "store").parent.mkdir(parents=True, exist_ok=True)
    (archive_home / "store").write_text("not a folder")      # the store step fails
    with pytest.raises(FileExistsError, match="store"):     # the store's folder cannot be made
        pipeline.submit(born_digital_sample)
    job = IngestJob.load(pipeline.unfinished_job_for(born_digital_sample))
    assert any("/" in name for name in _files(job.workdir)), "kept for a retry"
    assert recovery.tidy_failed_jobs(get_settings()) == []
    with session_scope() as s:
        s.execute(update(PipelineStep).where(PipelineStep.job_id == job.id)
                  .values(updated_at=utcnow() - timedelta(days=31)))
    assert recovery.tidy_failed_jobs(get_settings()) == [job.id]
    assert all(name.endswith(".json") for name in _files(job.workdir))


def test_orphaned_upload_parts_are_removed_and_live_ones_kept(archive_home):
    uploads = archive_home / "uploads"
    uploads.mkdir(parents=True)
    live = uploads / recovery.upload_name()
    live.write_bytes(b"arriving")
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = uploads / f"{_process.identity()['host']}.{dead.pid}.1.0.part"
    orphan.write_bytes(b"half an upload")
    assert recovery.remove_orphan_uploads(get_settings()) == [orphan.name]
    assert live.exists() and not orphan.exists()


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow   # ingests a dossier
def test_kill_9_in_the_middle_of_ocr_then_restart_resumes_the_job_and_kills_the_orphan(archive_home, tmp_path):
    scan = tmp_path / "scan-dossier"
    shutil.copytree(SAMPLES / "stttt-2021-12vp-van-ban-den-ban-giay", scan)
    env = {**os.environ, "LUUTRU_DATA_DIR": str(archive_home),
           "LUUTRU_TRUST_ROOTS_DIR": os.environ.get("LUUTRU_TRUST_ROOTS_DIR", ""),
           "LUUTRU_TOKEN": archivist_token("000.00.31.H41")}
    ingest = subprocess.Popen([LUUTRU, "ingest", str(scan)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    tools = archive_home / "run" / "tools"

    def ocr_running():
        for record in tools.glob("*.json") if tools.exists() else []:
            try:
                data = json.loads(record.read_text())
            except ValueError:
                continue
            if data["owner"]["pid"] == ingest.pid and "ocr" in data["tool"].lower():
                return data
        return None
    try:
        ocr = _wait_for(ocr_running, 120, "OCRmyPDF to start")
    finally:
        os.kill(ingest.pid, signal.SIGKILL)         # the parent only: its tool's group lives on
        ingest.wait()
    assert _process.alive(ocr["pgid"], ocr["leader_start"]), "the orphan outlived its parent"
    [job_id] = state.unfinished_jobs()
    assert {s.step: s.state for s in state.states(job_id)}["normalise"] == "running"

    from fastapi.testclient import TestClient

    from api.app import create_app
    with TestClient(create_app(), base_url="https://testserver"):     # the server starts again
        _wait_for(lambda: not _process.alive(ocr["pgid"], ocr["leader_start"]), 10, "the orphan to be killed")
        _wait_for(lambda: all(s.state == "done" for s in state.states(job_id)), 300, "the job to finish")
    normalise = {s.step: s for s in state.states(job_id)}["normalise"]
    assert normalise.attempts == 2
    verapdf.close_idle()  # the veraPDF JVMs this process keeps between dossiers: not orphans, ended here
    assert not any(tools.glob("*.json"))


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MiB tmpfs, mounted for the test and unmounted after (needs root)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def test_full_store_disk_is_storage_full_with_nothing_half_written_then_resumes(archive_home, born_digital_sample,
                                                                                tiny_disk, monkeypatch):
    monkeypatch.setenv("LUUTRU_STORAGE_URL", f"file://{tiny_disk / 'store'}")
    filler = _fill(tiny_disk, leave=48 * 1024)
    with pytest.raises(StorageFull):
        pipeline.submit(born_digital_sample)
    job_id = pipeline.unfinished_job_for(born_digital_sample)
    store_step = {s.step: s for s in state.states(job_id)}["store"]
    assert store_step.state == "failed" and store_step.reason.startswith("storage_full:")
    store = open_store()
    leftovers = [name for name in _files(tiny_disk) if name != "filler"]
    assert all(store.hash(key)[0] for key in store.list("")), "every object there is whole"
    assert not [n for n in leftovers if ".tmp" in n or n.rsplit("/", 1)[-1].startswith(".")], leftovers
    filler.unlink()
    pipeline.resume(job_id)
    assert all(s.state == "done" for s in state.states(job_id))


def _token_in(data: Path) -> str:
    """An archivist's token in the archive at ``data`` (made before the disk is filled)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LUUTRU_DATA_DIR", str(data))
        try:
            return archivist_token("000.00.00.H41")
        finally:
            dispose_engine(get_settings().catalog_url)


@pytest.mark.slow   # ingests a dossier
def test_full_disk_under_the_cli_is_exit_code_4_storage_full(tmp_path, tiny_disk):
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", sample)
    env = {**os.environ, "LUUTRU_DATA_DIR": str(tiny_disk / "data"), "LUUTRU_TOKEN": _token_in(tiny_disk / "data")}
    _fill(tiny_disk, leave=200 * 1024)
    done = subprocess.run([LUUTRU, "ingest", str(sample)], env=env, capture_output=True, text=True)
    assert done.returncode == 4 and "storage_full" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    jobs = tiny_disk / "data" / "jobs"
    assert not [p for p in jobs.rglob("*.tmp")] if jobs.exists() else True
