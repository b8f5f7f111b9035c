"""Archive now, OCR after (LUUTRU_OCR_MODE=after): a dossier of scans is archived and found by
its metadata before any OCR runs; the follow-up step adds the OCR'd copies as the package's
next version, verified in the store, indexed, and covered by fixity."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import jobs
from api.app import create_app
from archive import process as _process
from archive.access import Principal
from archive.errors import AmendmentRefused
from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, DossierRecord, FileRecord, PackageVersion
from archive.lifecycle.fixity import run_fixity
from archive.package.eark import validate_package
from archive.settings import get_settings
from archive.storage import open_store
from ingest import pipeline, state
from ingest.job import IngestJob
from search.base import open_index
from search.query import SearchQuery
from tests.fixtures.archives import SAMPLES
from tests.ingest.pipeline.test_crash_recovery import LUUTRU, _wait_for
from tests.fixtures.agencies import archivist_token

SCANS = "stttt-2021-12vp-van-ban-den-ban-giay"   # a PNG and a TIFF scan, no text layer
BODY = "kinh gui"                                 # printed on the PNG scan, in no metadata field


@pytest.fixture
def ocr_after(monkeypatch):
    monkeypatch.setenv("LUUTRU_OCR_MODE", "after")


@pytest.fixture
def scan_sample(tmp_path):
    copy = tmp_path / SCANS
    shutil.copytree(SAMPLES / SCANS, copy)
    return copy


def _found(text: str, code: str, organ_id: str) -> bool:
    with open_index(get_settings()) as index:
        results = index.search(SearchQuery(text=text), Principal("lan", "archivist", organ_id))
    return code in {h.record.dossier_code for h in results.hits}


def _versions(code: str) -> list[dict]:
    with session_scope() as s:
        record = s.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()
        versions = s.execute(select(PackageVersion).where(PackageVersion.dossier_id == record.id)
                             .order_by(PackageVersion.version)).scalars()
        return [{"version": v.version, "package_id": v.package_id, "prefix": v.object_prefix,
                 "objects": {o.key: o.sha256 for o in v.objects},
                 "copies": s.execute(select(FileRecord.path).where(FileRecord.package_version_id == v.id,
                                                                   FileRecord.role == "preservation")).scalars().all()}
                for v in versions]


@pytest.mark.slow
def test_scans_are_archived_at_once_and_their_ocr_becomes_the_next_version(ocr_after, archive_home, scan_sample):
    before: dict = {}

    def progress(step: str, status: str) -> None:
        if step == "ocr" and status == "running":     # archived, OCR not started
            job_id = pipeline.unfinished_job_for(scan_sample)
            dossier = IngestJob.load(job_id).dossier()
            before.update(steps={s.step: s.state for s in state.states(job_id)}, versions=_versions(dossier.code),
                          awaiting=jobs.progress(job_id)["awaiting_ocr"],
                          title=_found("trao doi van ban dien tu", dossier.code, dossier.FileCode.OrganId),
                          body=_found(BODY, dossier.code, dossier.FileCode.OrganId))

    job = pipeline.submit(scan_sample, progress=progress)
    dossier = job.dossier()
    code, organ = dossier.code, dossier.FileCode.OrganId

    assert before["steps"]["ocr"] == "pending" and all(v == "done" for k, v in before["steps"].items() if k != "ocr")
    assert [v["version"] for v in before["versions"]] == [1] and before["versions"][0]["copies"] == []
    assert before["title"] and not before["body"]
    assert {s.step: s.state for s in state.states(job.id)}["ocr"] == "done"
    assert before["awaiting"] and not jobs.progress(job.id)["awaiting_ocr"]     # what the submit page says

    versions = _versions(code)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["objects"] == before["versions"][0]["objects"]          # version 1 untouched
    assert sorted(versions[1]["copies"]) and len(versions[1]["copies"]) == 2   # both scans, OCR'd
    assert job.result("ocr")["version"] == 2 and job.result("ocr")["package_id"] == versions[1]["package_id"]
    assert _found(BODY, code, organ) and _found("trao doi van ban dien tu", code, organ)

    store = open_store()
    for v in versions:              # both versions whole in the store, as the catalog records them
        assert set(store.list(v["prefix"] + "/")) == set(v["objects"])
        for key, sha256 in v["objects"].items():
            assert store.hash(key)[0] == sha256
        assert validate_package(store.physical_path(v["prefix"])).valid
    report = run_fixity("all")
    checked = {c.key for c in report.checked if c.outcome == "ok"}
    assert checked == {key for v in versions for key in v["objects"]} and not report.alarms
    with session_scope() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "preservation_version")).scalar_one()
        assert entry.object == code and entry.detail["version"] == 2


def _ocr_tool_of(pid: int, tools: Path) -> dict | None:
    for record in tools.glob("*.json") if tools.exists() else []:
        try:
            data = json.loads(record.read_text())
        except ValueError:
            continue
        if data["owner"]["pid"] == pid and "ocr" in data["tool"].lower():
            return data
    return None


@pytest.mark.slow
def test_kill_9_during_the_ocr_step_resumes_it_on_restart(ocr_after, archive_home, scan_sample):
    env = {**os.environ, "LUUTRU_DATA_DIR": str(archive_home), "LUUTRU_OCR_MODE": "after",
           "LUUTRU_TOKEN": archivist_token("000.00.31.H41")}
    ingest = subprocess.Popen([LUUTRU, "ingest", str(scan_sample)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ocr = _wait_for(lambda: _ocr_tool_of(ingest.pid, archive_home / "run" / "tools"), 300, "OCRmyPDF to start")
    finally:
        os.kill(ingest.pid, signal.SIGKILL)         # the parent only: its tool's group lives on
        ingest.wait()
    [job_id] = state.unfinished_jobs()
    steps = {s.step: s.state for s in state.states(job_id)}
    assert steps["ocr"] == "running" and steps["index"] == "done"     # archived before OCR began
    code = IngestJob.load(job_id).dossier().code
    assert [v["version"] for v in _versions(code)] == [1]

    with TestClient(create_app(), base_url="https://testserver"):     # the server starts again
        _wait_for(lambda: not _process.alive(ocr["pgid"], ocr["leader_start"]), 10, "the orphan to be killed")
        _wait_for(lambda: all(s.state == "done" for s in state.states(job_id)), 600, "the job to finish")
    assert {s.step: s for s in state.states(job_id)}["ocr"].attempts == 2
    versions = _versions(code)
    assert [v["version"] for v in versions] == [1, 2] and len(versions[1]["copies"]) == 2
    store = open_store()
    for v in versions:
        assert set(store.list(v["prefix"] + "/")) == set(v["objects"])
        assert all(store.hash(key)[0] == sha256 for key, sha256 in v["objects"].items())


@pytest.mark.slow
def test_ocr_of_a_version_superseded_meanwhile_is_refused_and_the_newer_version_gets_its_own(
        ocr_after, archive_home, scan_sample, tmp_path):
    update = tmp_path / "update"
    shutil.copytree(scan_sample, update)
    manifest = update / "hoso.xml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("<Title>", "<Title>Bổ sung: "), encoding="utf-8")
    newer: dict = {}

    def all_but_ocr(job_id, steps, **kw):    # its own OCR still queued
        pipeline.in_process(job_id, [s for s in steps if s != "ocr"], **kw)

    def progress(step: str, status: str) -> None:
        if step == "ocr" and status == "running" and not newer:      # version 2 lands before version 1's OCR
            newer["job"] = pipeline.submit(update, runner=all_but_ocr)

    with pytest.raises(AmendmentRefused) as refused:
        pipeline.submit(scan_sample, progress=progress)
    assert refused.value.context["reason"] == "superseded"
    first = pipeline.unfinished_job_for(scan_sample)
    ocr = {s.step: s for s in state.states(first)}["ocr"]
    assert ocr.state == "failed" and ocr.reason.startswith("amendment_refused:")
    code = newer["job"].dossier().code
    assert [(v["version"], len(v["copies"])) for v in _versions(code)] == [(1, 0), (2, 0)]

    pipeline.resume(newer["job"].id)              # the newer version's own OCR: version 3
    assert [(v["version"], len(v["copies"])) for v in _versions(code)] == [(1, 0), (2, 0), (3, 2)]
    with session_scope() as s:
        assert s.execute(select(DossierRecord.status).where(DossierRecord.code == code)).scalar_one() == "archived"
