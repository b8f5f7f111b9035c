"""The production stack (scripts/stack.sh: PostgreSQL, Redis, SeaweedFS with Object Lock,
Elasticsearch, two Celery workers, beat, the API) end to end over HTTP: two dossiers submitted
through the API and ingested by the workers, each with its own data folder (the jobs go
through the staging bucket, emptied of them once archived); the kept one is in S3 under Object Lock (a delete
is refused), found in Elasticsearch, downloaded byte for byte and fixity-checked; the expired
one goes through lawful destruction and is gone from S3 (every version), Elasticsearch and
PostgreSQL (but the stub the certificate names)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import services
from tests.api.conftest import SAMPLES, zip_folder
from tests.fixtures.archives import LUUTRU

pytestmark = [pytest.mark.slow, pytest.mark.services]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import stack as native_stack  # noqa: E402

AGENCY = "000.00.00.H41"
ADMIN_PASSWORD = "mat-khau-quan-tri-stack"
KEPT = "ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii"          # 10 năm: locked until 2032
EXPIRING = "ubnd-2021-20vp-hop-trien-khai-qlvb"         # moved to 2015, 5 năm: expired at the end of 2020
USERS = {"archivist": "archivist", "council": "council", "head": "agency_head", "auditor": "auditor"}
REASON = "Hết thời hạn bảo quản 5 năm, không còn giá trị"


@dataclass
class Stack:
    env: dict[str, str]
    api: str
    tokens: dict[str, str]

    def call(self, user: str, method: str, path: str, status: int = 200, **kw) -> httpx.Response:
        response = httpx.request(method, f"{self.api}/api/v1{path}", headers={
            "Authorization": f"Bearer {self.tokens[user]}"}, timeout=120, **kw)
        assert response.status_code == status, response.text
        return response

    def cli(self, *args: str, as_token: str | None = None, stdin: str | None = None) -> str:
        env = {**os.environ, **self.env, **({"LUUTRU_TOKEN": as_token} if as_token else {})}
        done = subprocess.run([LUUTRU, *args], cwd=ROOT, capture_output=True,
                              text=True, env=env, input=stdin, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def stack():
    missing = [n for n, f in (("postgres", services.find_postgres_bin), ("redis", services.find_redis),
                              ("weed", services.find_weed), ("elasticsearch", services.find_elasticsearch)) if not f()]
    if missing:
        (pytest.fail if os.environ.get("LUUTRU_REQUIRE_SERVICES") == "1" else pytest.skip)(f"not installed: {missing}")
    # not under pytest's folder (mode 700): PostgreSQL and Elasticsearch run as other users
    directory = Path(tempfile.mkdtemp(prefix="luutru-stack-"))
    try:
        state = native_stack.up(directory)
        running = Stack(state["env"], state["api"], {})
        # the first administrator needs no credential; every other account change needs its token
        running.cli("user", "add", "admin", "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
        admin = running.cli("user", "token", "admin", "--password-stdin",
                            stdin=ADMIN_PASSWORD + "\n").strip().splitlines()[-1]
        running.cli("agency", "add", AGENCY, "--name", "UBND tỉnh Khánh Hòa", as_token=admin)
        for name, role in USERS.items():
            agency = [] if role == "auditor" else ["--agency", AGENCY]
            running.cli("user", "add", name, "--role", role, *agency, "--no-password", as_token=admin)
            running.tokens[name] = running.cli("user", "token", name, as_token=admin).strip().splitlines()[-1]
        yield running
    finally:
        native_stack.down(directory)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def in_stack(stack, monkeypatch):
    """This process configured like the stack's (to look into its catalog, store and index)."""
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)
    yield


def submit(stack: Stack, folder: Path) -> str:
    job = stack.call("archivist", "POST", "/submissions", 202,
                     files={"file": ("hoso.zip", zip_folder(folder), "application/zip")}).json()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        state = stack.call("archivist", "GET", job["status_url"].removeprefix("/api/v1")).json()
        if state["state"] in ("done", "failed"):
            assert state["state"] == "done", state
            return state["dossier_code"]
        time.sleep(2)
    raise AssertionError(f"job {job['job_id']} not done in 900 s")


def expired_copy(tmp_path: Path) -> Path:
    copy = tmp_path / EXPIRING
    shutil.copytree(SAMPLES / EXPIRING, copy)
    manifest = copy / "hoso.xml"
    text = manifest.read_text(encoding="utf-8").replace(">2021-", ">2015-").replace(
        "<FileCatalog>2021<", "<FileCatalog>2015<").replace("<Rights>Hạn chế<", "<Rights>Công khai<")
    manifest.write_text(text, encoding="utf-8")
    return copy


def package_versions(store, code: str) -> list:
    from archive.catalog.db import session_scope
    from archive.catalog.models import PackageVersion
    from archive.lifecycle.legal_hold import find_dossier
    with session_scope() as session:
        prefixes = [v.object_prefix for v in session.query(PackageVersion).filter_by(
            dossier_id=find_dossier(session, code).id)]
    return [o for p in prefixes for o in store.client.list_objects(store.bucket, prefix=f"{store.prefix}{p}/",
                                                                   recursive=True, include_version=True)]


def test_dossier_through_the_stack_from_submission_to_lawful_destruction(stack, in_stack, tmp_path):
    from archive.errors import ObjectLocked
    from archive.storage import open_store
    from ingest.staging import open_staging
    from search.backends.elasticsearch import ElasticsearchIndex
    from tests.archive.lifecycle.conftest import catalog_rows

    kept, expiring = submit(stack, SAMPLES / KEPT), submit(stack, expired_copy(tmp_path))
    store = open_store()
    # the workers, each in its own folder, took the jobs from the staging bucket, and emptied it
    stage = open_staging()
    assert stage.store.url.endswith("/luutru-staging") and len(stage.jobs()) == 2
    deadline = time.monotonic() + 60
    while any(stage.has_artefacts(job) for job in stage.jobs()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(stage.has_artefacts(job) for job in stage.jobs())
    api_jobs = Path(stack.env["LUUTRU_DATA_DIR"]) / "jobs"
    assert not api_jobs.exists() or not any(api_jobs.iterdir())
    es = ElasticsearchIndex(stack.env["LUUTRU_ELASTICSEARCH_URL"])

    # the kept dossier: in S3 under Object Lock, which refuses a delete
    objects = package_versions(store, kept)
    assert objects and all(store.retention(o.object_name.removeprefix(store.prefix)).mode == "COMPLIANCE"
                           for o in objects)
    with pytest.raises(ObjectLocked):
        store.delete(objects[0].object_name.removeprefix(store.prefix))
    # searchable through the API, from Elasticsearch
    hits = stack.call("archivist", "GET", "/search", params={"q": "tinh hinh van ban dien tu"}).json()["hits"]
    assert kept in {h["record"]["dossier_code"] for h in hits}
    assert es.client.count(index=es.index_name, query={"term": {"dossier_code": kept}})["count"] > 1
    # downloaded byte for byte, and its fixity checked
    file = next(f for f in stack.call("archivist", "GET", f"/dossiers/{kept}/files").json() if f["role"] == "original")
    content = stack.call("archivist", "GET", f"/files/{file['id']}/content").content
    assert hashlib.sha256(content).hexdigest() == file["sha256"]
    stack.cli("fixity", kept)

    # the expired dossier: lawful destruction (archivist → council → Sở Nội vụ → head → archivist)
    assert package_versions(store, expiring) and catalog_rows(expiring)["documents"] > 0
    list_id = stack.call("archivist", "POST", "/destruction-lists", 201,
                         json={"items": [{"dossier_code": expiring, "reason": REASON}]}).json()["id"]
    stack.call("council", "POST", f"/destruction-lists/{list_id}/items/{expiring}/review",
               json={"decision": "agree", "note": "Đã hết giá trị"})
    stack.call("auditor", "POST", f"/destruction-lists/{list_id}/audit", json={"agree": True})
    stack.call("head", "POST", f"/destruction-lists/{list_id}/approve", json={"decision_ref": "15/QĐ-UBND"})
    done = stack.call("archivist", "POST", f"/destruction-lists/{list_id}/execute").json()
    assert done["items"][0]["outcome"] == "destroyed"

    assert package_versions(store, expiring) == []                      # every version, every delete marker
    assert es.client.count(index=es.index_name, query={"term": {"dossier_code": expiring}})["count"] == 0
    rows = catalog_rows(expiring)
    assert (rows["status"], rows["documents"]) == ("destroyed", 0)
    assert stack.call("archivist", "GET", f"/dossiers/{expiring}/files").json() == []
    assert package_versions(store, kept)                                 # the other dossier untouched
