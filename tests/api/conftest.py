"""One archive per test package: two real dossiers ingested once (an open one of agency B,
a restricted one of agency A), a user of every role in both agencies, the app in-process.

A module that changes the archive at random (the fuzzer's users, grants, lists) or checks whole
pages (every word, every link) has an archive of its own instead (``own_archive``), so that
neither leaks into the other's results whatever order the modules run in."""
from __future__ import annotations

import contextlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.agencies import register_agencies
from tests.fixtures.archives import SAMPLES, copy_sample, slow_fixture, use_embedded_archive

AGENCY_A, AGENCY_B = "000.00.00.H41", "000.00.31.H41"
OPEN_SAMPLE = "stttt-2021-21cntt-van-ban-khan-attt"          # Công khai, agency B
RESTRICTED_SAMPLE = "ubnd-2021-20vp-hop-trien-khai-qlvb"     # Hạn chế, agency A
PASSWORD = "mat-khau-thu-nghiem"
BASE_URL = "https://testserver"                              # session cookies are Secure

# name → (role, agency)
USERS = {
    "researcher": ("researcher", None),
    "researcher_granted": ("researcher", None),
    "archivist_a": ("archivist", AGENCY_A),
    "archivist_b": ("archivist", AGENCY_B),
    "council_a": ("council", AGENCY_A),
    "council_b": ("council", AGENCY_B),
    "head_a": ("agency_head", AGENCY_A),
    "head_b": ("agency_head", AGENCY_B),
    "auditor": ("auditor", None),
    "admin": ("admin", None),
}


@dataclass
class Archive:
    home: Path
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]           # user name → API token
    open_code: str
    restricted_code: str
    restricted_job: str              # the job that ingested the restricted dossier (agency A)

    def as_user(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def file(self, dossier_code: str, role: str, ordinal: int = 1) -> dict:
        """A file of the dossier (as its agency's archivist lists it): original or preservation."""
        owner = "archivist_a" if dossier_code == self.restricted_code else "archivist_b"
        docs = self.client.get(f"/api/v1/dossiers/{dossier_code}/documents", headers=self.as_user(owner)).json()
        return next(f for f in docs[ordinal - 1]["files"] if f["role"] == role)

    def zip_of(self, sample: str) -> bytes:
        """A valid sample dossier as a ZIP upload."""
        return zip_folder(SAMPLES / sample)


def zip_folder(folder: Path) -> bytes:
    """The folder's files as a ZIP, paths relative to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def sample_copy(archive: "Archive", sample: str, name: str, notation: str) -> Path:
    """A copy of ``sample`` under its own dossier code (FileNotation ``notation``): a test that
    destroys or transfers it leaves the shared samples, and the tests that submit them, alone."""
    copy = copy_sample(sample, archive.home / "samples" / name)
    manifest = copy / "hoso.xml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r"<FileNotation>[^<]*</FileNotation>", f"<FileNotation>{notation}</FileNotation>",
                               text, count=1), encoding="utf-8")
    return copy


def permanent_copy(archive: "Archive", name: str, notation: str) -> Path:
    """A copy of the CNTT sample whose retention is set to Vĩnh viễn (permanent: to be transferred)."""
    copy = sample_copy(archive, "stttt-2021-05cntt-trien-khai-chu-ky-so", name, notation)
    manifest = copy / "hoso.xml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "<Maintenance>10 năm</Maintenance>", "<Maintenance>Vĩnh viễn</Maintenance>"), encoding="utf-8")
    return copy


@slow_fixture(scope="package")
def archive(tmp_path_factory) -> Archive:
    with new_archive(tmp_path_factory.mktemp("api-archive")) as shared:
        yield shared


def own_archive(tmp_path_factory) -> Iterator[Archive]:
    """A module's own archive in a folder of its own, the process pointed at it meanwhile: the
    module overrides ``archive`` with a ``@slow_fixture(scope="module")`` yielding from this."""
    with new_archive(tmp_path_factory.mktemp("module-archive")) as own:
        yield own


@contextlib.contextmanager
def new_archive(home: Path) -> Iterator[Archive]:
    """The archive in ``home``, this process pointed at it until the block ends."""
    from api import accounts
    from api.app import create_app
    from archive.lifecycle.transfer.signing import generate_identity
    from ingest import pipeline

    with pytest.MonkeyPatch.context() as mp:
        use_embedded_archive(mp, home / "var")
        mp.setenv("LUUTRU_MAX_SUBMISSION_BYTES", str(2 * 1024 * 1024))
        # It may receive transfers too: the receiving route refuses to start without a key.
        generate_identity("LuuTru", home / "transfer-key.pem", home / "transfer-cert.pem")
        mp.setenv("LUUTRU_TRANSFER_SIGNING_KEY", str(home / "transfer-key.pem"))
        for name in ("LUUTRU_SESSION_SECRET", "LUUTRU_COOKIE_SECURE"):
            mp.delenv(name, raising=False)
        register_agencies(AGENCY_A, AGENCY_B)
        jobs = {}
        for sample, agency in ((OPEN_SAMPLE, AGENCY_B), (RESTRICTED_SAMPLE, AGENCY_A)):
            copy = copy_sample(sample, home / "samples" / sample)
            jobs[sample] = pipeline.submit(copy, organ_id=agency, actor=f"archivist of {agency}")
        tokens = {}
        for name, (role, agency) in USERS.items():
            user = accounts.create_user(name, role, agency, PASSWORD, actor="test")
            tokens[name] = accounts.issue_token(user.id, "test", actor="test")
        restricted = jobs[RESTRICTED_SAMPLE].dossier().code
        accounts.grant("researcher_granted", restricted, actor="test")
        app = create_app()
        with TestClient(app, base_url=BASE_URL) as client:
            yield Archive(home, app, client, tokens, jobs[OPEN_SAMPLE].dossier().code, restricted,
                          jobs[RESTRICTED_SAMPLE].id)


@pytest.fixture(autouse=True)
def no_login_attempts_from_other_tests(archive) -> None:
    """Each test starts with no login attempts counted: the users are shared by the package,
    and another test's wrong passwords (the matrix tries one for every user) must not lock
    them out here. A test of the lock-out makes its attempts itself."""
    from sqlalchemy import delete

    from archive.catalog.accounts import LoginThrottle
    from archive.catalog.db import session_scope
    with session_scope() as session:
        session.execute(delete(LoginThrottle))


@pytest.fixture
def client(archive) -> TestClient:
    """A client with no session of its own (cookies cleared between tests)."""
    archive.client.cookies.clear()
    return archive.client
