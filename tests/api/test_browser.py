"""End to end in headless Chromium against ``luutru serve``: every role logs in; an archivist
uploads a dossier and watches it finish; it is found by a query without diacritics and its
PDF opens; a researcher reaches a restricted dossier neither by search, URL nor download."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.steps import STEP_NAMES
from tests.api.conftest import PASSWORD, USERS, zip_folder, SAMPLES
from tests.fixtures.archives import LUUTRU

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
UPLOADED = "ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii"     # Công khai, agency A (000.00.00.H41)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(**extra_env: str):
    """``luutru serve`` on the package's archive (a generator: the base URL, then stopped);
    localhost is a secure context, so the Secure session cookie works over plain HTTP there."""
    port = _free_port()
    process = subprocess.Popen([LUUTRU, "serve", "--host", "127.0.0.1",
                                "--port", str(port), "--log-level", "warning"], env={**os.environ, **extra_env})
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("luutru serve did not start")
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def server(archive) -> str:
    yield from serve()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("LUUTRU_REQUIRE_SERVICES") == "1":
            pytest.fail("chromium not installed (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _agency_name(organ_id: str) -> str:
    from archive.vn import agency_names
    from archive.catalog.db import session_scope
    with session_scope() as session:
        return agency_names(session).get(organ_id, organ_id)


def _login(page, server: str, username: str) -> None:
    page.goto(f"{server}/search")
    assert "/login" in page.url                      # no session: sent to the login page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/search")


@pytest.mark.parametrize("username", list(USERS))
def test_every_role_logs_in_and_out(page, server, username):
    _login(page, server, username)
    role, agency = USERS[username]
    header = page.inner_text("header")
    assert username in header and (agency is None or _agency_name(agency) in header)
    assert ("Nộp hồ sơ" in header) == (role == "archivist")
    page.click("text=Đăng xuất")
    page.wait_for_url(f"{server}/login")


def test_archivist_uploads_watches_it_finish_and_anyone_finds_and_reads_it(page, server, tmp_path):
    upload = tmp_path / "hoso.zip"
    upload.write_bytes(zip_folder(SAMPLES / UPLOADED))
    _login(page, server, "archivist_a")
    page.click("text=Nộp hồ sơ")
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=Kiểm tra và nộp")
    page.wait_for_selector("#progress:not([hidden])")
    page.wait_for_selector("#status.ok", timeout=240_000)
    assert "Đã lưu trữ xong hồ sơ" in page.inner_text("#status")
    code = page.inner_text("#status a")
    assert page.locator("ol.steps li.done").count() == len(STEP_NAMES)

    page.click("text=Đăng xuất")
    _login(page, server, "researcher")
    page.fill("input[name=q]", "tinh hinh trao doi van ban dien tu")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    page.click(f"a[href='/dossiers/{code}']")
    page.wait_for_url(f"{server}/dossiers/{code}")
    assert "Tiêu đề hồ sơ" in page.inner_text("main")
    page.click("text=Xem bản bảo quản PDF/A >> nth=0")
    viewer = page.locator("object.pdf").first     # made by the details' toggle event, which comes after the click
    viewer.wait_for(state="visible", timeout=10_000)
    pdf = page.request.get(server + viewer.get_attribute("data"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"


def test_researcher_reaches_a_restricted_dossier_neither_by_search_url_nor_download(page, server, archive):
    restricted_file = archive.file(archive.restricted_code, "preservation")["id"]
    _login(page, server, "researcher")
    page.goto(f"{server}/search?q=hop+trien+khai")
    assert archive.restricted_code not in page.content()
    response = page.goto(f"{server}/dossiers/{archive.restricted_code}")
    assert response.status == 404 and "Không tìm thấy hồ sơ" in page.inner_text("main")
    download = page.request.get(f"{server}/api/v1/files/{restricted_file}/content")
    assert download.status == 404 and download.body()[:5] != b"%PDF-"


def test_invalid_dossier_shows_each_problem_with_its_field_and_is_not_submitted(page, server, tmp_path):
    upload = tmp_path / "hoso.zip"
    upload.write_bytes(zip_folder(SAMPLES.parent / "invalid" / "date_order" / "submission"))
    _login(page, server, "archivist_a")
    page.goto(f"{server}/submit")
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=Kiểm tra và nộp")
    page.wait_for_selector("#problems:not([hidden])")
    assert "chưa nộp" in page.inner_text("#status")
    rows = page.locator("#problems tbody tr")
    assert rows.count() >= 1
    first = rows.first.locator("td")
    assert first.nth(0).inner_text() and first.nth(2).inner_text()      # field label and Vietnamese message
    assert page.locator("#progress").is_hidden()
