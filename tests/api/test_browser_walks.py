"""Each role's walk through the pages in headless Chromium (against ``luutru serve`` on a
training instance whose today is 01/01/2032): archivist (submit, jobs, dossier, PDF viewer,
retention, destruction draft, execution), council, Sở Nội vụ, agency head (holds, decision),
auditor (reports, audit trail, dashboard), administrator (users), researcher (search, read),
transfers and the API documentation. Every page visited fails the test on a word of a
fixed English list in its text, a console error, or a link that does not answer.
``LUUTRU_SCREENSHOTS=1`` also saves each page into docs/screenshots/ (small PNGs)."""
from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from tests.api.conftest import AGENCY_A, AGENCY_B, PASSWORD, Archive, own_archive, permanent_copy, sample_copy
from tests.fixtures.archives import ROOT, slow_fixture
from tests.api.test_browser import browser, serve  # noqa: F401 (fixture)

TODAY = "2032-01-01"              # the 10-year sample dossiers have expired by then
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Words that must not reach a user: the workflow's English states, the CLI framework's, code names.
ENGLISH = re.compile(r"\b(pending|done|running|failed|archived|receiving|ingesting|transferred|destroyed|incoming|"
                     r"outgoing|document|dossier|error\(s\)|warning\(s\)|ingestion|migration|fixity|validation|"
                     r"download|upload|submit|search|login|logout|Show this message|Options|required|None|True|"
                     r"False|null|undefined|OrganId|vie|council_review|audit_review|head_approval|approved|"
                     r"executed|rejected|success|failure|agree|keep|legal hold|warning|error)\b")


@slow_fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    """The walks' own archive: every word and link of a page is checked, so nothing another
    module left (users, requests, grants) may be on it."""
    yield from own_archive(tmp_path_factory)


@pytest.fixture(scope="module")
def server(archive) -> str:
    yield from serve(LUUTRU_FIXED_TODAY=TODAY)


@pytest.fixture(scope="module")
def expired_code(archive) -> str:
    """A 10-year dossier of agency A (ended 20/07/2021, expired on the instance's today)."""
    from ingest import pipeline
    copy = sample_copy(archive, "ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii", "walk-expired", "91.VP")
    return pipeline.submit(copy, organ_id=AGENCY_A, actor="archivist_a").dossier().code


class Walk:
    """A browser tab of one user that checks every page it shows."""

    def __init__(self, page, server: str):
        self.page, self.server, self.errors, self.checked = page, server, [], set()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def login(self, username: str) -> None:
        self.page.goto(f"{self.server}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.server}/search")

    def go(self, path: str, shot: str | None = None, english_ok: bool = False) -> str:
        response = self.page.goto(self.server + path)
        assert response.status < 400, f"{path}: {response.status}"
        return self.check(shot, english_ok)

    def check(self, shot: str | None = None, english_ok: bool = False) -> str:
        """The page as shown: no console error, no English word, every link answering."""
        self.page.wait_for_load_state()
        text = self.page.inner_text("body")
        assert not self.errors, f"{self.page.url}: console errors {self.errors}"
        found = ENGLISH.findall(text) if not english_ok else []
        assert not found, f"{self.page.url}: English words {sorted(set(found))}"
        for href in self.page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
            url = urljoin(self.page.url, href)
            if href.startswith("#") or urlparse(url).netloc != urlparse(self.server).netloc:
                continue
            url = url.split("#")[0]
            if url not in self.checked:
                self.checked.add(url)
                status = self.page.request.get(url).status
                assert status < 400, f"{self.page.url}: broken link {href} ({status})"
        if shot and os.environ.get("LUUTRU_SCREENSHOTS") == "1":
            save_screenshot(self.page.screenshot(), SCREENSHOTS / f"{shot}.png")
        return text

    def submit(self, selector: str, shot: str | None = None) -> str:
        with self.page.expect_navigation():
            self.page.click(selector)
        return self.check(shot)


def save_screenshot(png: bytes, path: Path) -> None:
    """A small PNG: 256 colours are plenty for these pages."""
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128).save(path, optimize=True)


@pytest.fixture
def walk(browser, server):  # noqa: F811
    context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 860})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield lambda username: _walk_as(page, server, username)
    context.close()


def _walk_as(page, server: str, username: str) -> Walk:
    page.context.clear_cookies()
    walk = Walk(page, server)
    walk.login(username)
    return walk


def test_destruction_walk_archivist_council_auditor_head(walk, archive, expired_code):
    w = walk("archivist_a")
    w.go("/submit", "nop-ho-so")
    jobs = w.go("/jobs", "phien-nop")
    assert expired_code in jobs and "Lập chỉ mục tìm kiếm: xong" in jobs
    w.page.click(f"a[href='/dossiers/{expired_code}'] >> nth=0")
    w.page.wait_for_url(f"**/dossiers/{expired_code}")
    w.check("ho-so")
    assert w.page.locator("object.pdf").count() == 0                # no viewer before it is opened
    w.page.click("text=Xem bản bảo quản PDF/A >> nth=0")
    w.page.wait_for_selector("object.pdf")
    retention = w.go("/retention", "thoi-han-bao-quan")
    assert expired_code in retention and "01/01/2032" in retention
    w.go("/destruction-lists/new")
    w.page.locator("input[name=code]").evaluate_all("boxes => boxes.forEach(b => b.checked = false)")
    w.page.check(f"input[name=code][value='{expired_code}']")
    w.page.fill("input[name=reason]", "Hết thời hạn bảo quản, không còn giá trị")
    w.check("lap-danh-muc-huy")
    listed = w.submit("text=Lập danh mục hủy >> nth=-1", "danh-muc-huy")
    assert "Đã lập danh mục hủy số" in listed
    list_path = urlparse(w.page.url).path

    # Each member of the procedure at their stage: (user, field to fill, its value, button, what follows)
    steps = [("council_a", "note", "Đồng ý", "Ghi ý kiến", "Sở Nội vụ thẩm định"),
             ("auditor", None, None, "Ghi kết quả thẩm định", "Chờ thủ trưởng"),
             ("head_a", "decision_ref", "15/QĐ-UBND", "Ban hành quyết định hủy", "Đã ban hành quyết định hủy")]
    for username, field, value, button, then in steps:
        w = walk(username)
        w.go(list_path)
        if field:
            w.page.fill(f"input[name={field}]", value)
        assert then in w.submit(f"text={button}")
    w = walk("archivist_a")
    w.go(list_path)
    w.page.check("input[name=confirm]")
    done = w.submit("text=Thực hiện hủy", "bien-ban-huy")
    assert "Đã hủy, có biên bản hủy" in done and "Biên bản hủy" in done


def test_head_places_and_lifts_a_hold(walk, archive):
    w = walk("head_a")
    w.go(f"/dossiers/{archive.restricted_code}")
    w.page.fill("#phong-toa input[name=reason]", "Thanh tra tỉnh yêu cầu giữ nguyên")
    held = w.submit("text=Phong tỏa hồ sơ >> nth=-1", "phong-toa")
    assert "Đã phong tỏa hồ sơ" in held and "Thanh tra tỉnh yêu cầu giữ nguyên" in held
    w.page.fill("#phong-toa input[name=reason]", "Thanh tra đã kết thúc")
    assert "Đã gỡ phong tỏa" in w.submit("#phong-toa button")


def test_auditor_reports_trail_and_dashboard(walk, archive):
    w = walk("auditor")
    w.go("/reports", "bao-cao")
    w.go("/dashboard", "tong-quan")
    w.go("/retention")
    trail = w.go(f"/audit?action=view&dossier={archive.open_code}", "nhat-ky")
    assert "Chuỗi nhật ký nguyên vẹn" in trail
    w.go("/destruction-lists", "cac-danh-muc-huy")
    w.go("/transfers")
    w.go("/jobs")


def test_admin_users(walk):
    w = walk("admin")
    assert "researcher_granted" in w.go("/users", "nguoi-dung")


def test_admin_registers_an_agency_then_its_archivist(walk):
    """From the users page to the agency registry: a malformed OrganId is refused with the form
    kept, a new agency is listed, and a staff account of it can then be added."""
    w = walk("admin")
    w.go("/users")
    w.page.click("a[href='/agencies'] >> nth=-1")
    w.page.wait_for_url("**/agencies")
    assert "Danh mục cơ quan" in w.check("co-quan")
    w.page.fill("input[name=organ_id]", "000.00.00.H4")
    w.page.fill("input[name=name]", "Sở Tư pháp tỉnh Khánh Hòa")
    with w.page.expect_navigation():
        w.page.click("text=Đăng ký >> nth=-1")
    assert [e for e in w.errors if "422" not in e] == []        # the refusal is the page's 422, nothing else
    w.errors.clear()
    assert "Mã định danh cơ quan không hợp lệ" in w.check()
    assert w.page.input_value("input[name=name]") == "Sở Tư pháp tỉnh Khánh Hòa"
    w.page.fill("input[name=organ_id]", "000.00.15.H41")
    assert "Đã đăng ký cơ quan 000.00.15.H41: Sở Tư pháp tỉnh Khánh Hòa." in w.submit("text=Đăng ký >> nth=-1")
    assert "Sở Tư pháp tỉnh Khánh Hòa" in w.page.inner_text("#co-quan-000\\.00\\.15\\.H41")
    w.go("/users")
    w.page.fill("form[action='/users'] input[name=username]", "vanthu.stp")
    w.page.select_option("form[action='/users'] select[name=role]", "archivist")
    w.page.select_option("form[action='/users'] select[name=organ_id]", "000.00.15.H41")
    w.page.fill("form[action='/users'] input[name=password]", PASSWORD)
    assert "Đã tạo người dùng vanthu.stp." in w.submit("form[action='/users'] button")
    assert "Sở Tư pháp tỉnh Khánh Hòa" in w.page.inner_text("#user-vanthu\\.stp")


def test_researcher_searches_and_reads(walk, archive):
    w = walk("researcher")
    w.go("/search?q=van+ban+khan", "tra-cuu")
    w.go(f"/search?q=van+ban&agency={archive.open_code[:13]}&kind=document")
    assert "Xóa bộ lọc" in w.check()
    w.go(f"/dossiers/{archive.open_code}")


def test_researcher_asks_the_agency_approves_the_researcher_reads(walk, archive):
    from datetime import timedelta
    code = archive.restricted_code
    w = walk("researcher")
    w.go("/access-requests")
    w.page.fill("input[name=dossier_code]", code)
    w.page.fill("input[name=reason]", "Nghiên cứu lịch sử ngành")
    w.page.fill("input[name=period_to]", str(date.fromisoformat(TODAY) + timedelta(days=30)))
    w.page.fill("input[name=period_from]", TODAY)
    assert "Chờ cơ quan giải quyết" in w.submit("text=Gửi yêu cầu", "yeu-cau-khai-thac")
    w = walk("archivist_a")
    w.go("/access-requests")
    w.page.fill(f"#yeu-cau-{_last_request(w)} input[name=note]", "Đọc tại phòng đọc")
    assert "Đã đồng ý" in w.submit(f"#yeu-cau-{_last_request(w)} button", "duyet-yeu-cau")
    try:
        w = walk("researcher")
        w.go("/access-requests")
        w.page.click(f"a[href='/dossiers/{code}']")
        w.page.wait_for_url(f"**/dossiers/{code}")
        assert "Tiêu đề hồ sơ" in w.check()
    finally:                        # the other tests' researcher has no grant
        from api import accounts
        accounts.revoke("researcher", code, actor="test")


def _last_request(w: Walk) -> str:
    return w.page.get_attribute("[id^=yeu-cau-]", "id").removeprefix("yeu-cau-")


@pytest.fixture(scope="module")
def held_transfer(archive) -> tuple[str, str, int]:
    """A transfer of agency B prepared from a permanent dossier that was then put under a legal
    hold: (reference, dossier code, hold number)."""
    from archive.access import Principal
    from archive.lifecycle.legal_hold import place_hold
    from archive.lifecycle.transfer import prepare_transfer
    from archive.settings import get_settings
    from ingest import pipeline
    copy = permanent_copy(archive, "walk-permanent", "95.CNTT")
    code = pipeline.submit(copy, organ_id=AGENCY_B, actor="archivist_b").dossier().code
    prepared = prepare_transfer([code], get_settings().data_dir / "transfers", organ_id=AGENCY_B, actor="archivist_b")
    return prepared.reference, code, place_hold(Principal("head_b", "agency_head", AGENCY_B), code, "Thanh tra")


def test_transfer_pages_and_api_docs(walk, held_transfer):
    ref, code, hold_id = held_transfer
    w = walk("archivist_b")
    w.go("/transfers", "nop-luu")
    notice = w.page.locator(f"[id='tam-giu-{ref}']")        # why this transfer cannot be handed over
    assert notice.count() == 1
    notice = notice.inner_text()
    assert f"{code} đang bị tạm giữ (lệnh phong tỏa số {hold_id}" in notice and "Chưa được giao nộp" in notice
    assert w.page.locator(f"a[href^='/api/v1/transfers/{ref}/documents/']").count() == 0
    w.go("/transfers/received", "tiep-nhan-nop-luu")
    w.go("/api/v1/docs", english_ok=True)                # Swagger UI is for developers
    w.page.wait_for_selector(".swagger-ui .info")
    assert not w.errors
