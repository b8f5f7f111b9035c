"""The Vietnamese web pages: login with CSRF, search with facets and snippets, the dossier
page with its metadata, PDF viewer, checksums and history, and the submission page."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _login(client, username: str, next_page: str = "/search"):
    page = client.get(f"/login?next={next_page}")
    token = CSRF.search(page.text).group(1)
    return client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                       "next": next_page}, follow_redirects=False)


def test_pages_without_a_session_send_the_browser_to_login_and_back(client):
    response = client.get("/search?q=van+ban", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/search%3Fq%3Dvan%2Bban"


def test_login_form_without_the_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "researcher", "password": PASSWORD})
    assert response.status_code == 403 and "Phiên làm việc không hợp lệ" in response.text


def test_wrong_password_shows_the_form_again_in_vietnamese(client):
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    response = client.post("/login", data={"username": "researcher", "password": "sai", "csrf_token": token})
    assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng." in response.text


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client):
    assert _login(client, "researcher", "/dossiers").headers["location"] == "/dossiers"
    client.cookies.clear()
    assert _login(client, "researcher", "//evil.example").headers["location"] == "/search"


def test_search_without_diacritics_shows_snippets_and_facets(archive, client):
    _login(client, "researcher")
    page = client.get("/search", params={"q": "an toan thong tin"})
    assert page.status_code == 200
    assert f'href="/dossiers/{archive.open_code}"' in page.text
    assert "<mark>" in page.text and "Chế độ sử dụng" in page.text and "kết quả" in page.text
    assert archive.restricted_code not in page.text


def test_facet_link_filters_the_results(archive, client):
    _login(client, "archivist_a")
    page = client.get("/search", params={"q": "", "rights": "Hạn chế"})
    assert archive.restricted_code in page.text and archive.open_code not in page.text


def test_dossier_page_shows_metadata_documents_pdf_checksums_and_history(verapdf, archive, client):
    _login(client, "researcher")
    page = client.get(f"/dossiers/{archive.open_code}")
    assert page.status_code == 200
    text = page.text
    assert "Tiêu đề hồ sơ" in text and "Thời hạn bảo quản" in text and "Trích yếu nội dung" in text
    assert re.search(r"\b\d{2}/\d{2}/2021\b", text)                   # dates dd/mm/yyyy
    copy = archive.file(archive.open_code, "preservation")
    # The viewer is made when opened (static/dossier.js): showing the page fetches no document.
    assert f'data-src="/api/v1/files/{copy["id"]}/content?view=1"' in text and "<object" not in text
    assert copy["sha256"] in text
    assert "Lịch sử bảo quản" in text and "Kiểm tra toàn vẹn" in text and "fixity check" not in text
    assert "Tiếng Việt" in text and "warning(s)" not in text
    # Each copy's check: validator and version, level and profile, outcome.
    assert re.search(r"Kiểm tra bản PDF/A: veraPDF \d+\.\d+\.\d+, PDF/A-2b \(bộ quy tắc PDF/A-2B của veraPDF\) —\s+hợp lệ",
                     text)


def test_restricted_dossier_page_is_not_found_for_a_researcher(archive, client):
    _login(client, "researcher")
    page = client.get(f"/dossiers/{archive.restricted_code}")
    assert page.status_code == 404 and "Không tìm thấy hồ sơ" in page.text


def test_auditor_sees_restricted_metadata_but_no_viewer_or_download_links(archive, client):
    _login(client, "auditor")
    page = client.get(f"/dossiers/{archive.restricted_code}")
    assert page.status_code == 200 and "hạn chế sử dụng" in page.text
    assert "<object" not in page.text and "/api/v1/files/" not in page.text


@pytest.mark.parametrize("user, status", [("archivist_a", 200), ("researcher", 403), ("auditor", 403)])
def test_submission_page_is_for_archivists(client, user, status):
    _login(client, user)
    page = client.get("/submit")
    assert page.status_code == status
    if status == 200:
        assert 'data-csrf="' in page.text and "/static/submit.js" in page.text


def test_logout_form_ends_the_session(client):
    _login(client, "council_a")
    page = client.get("/search")
    token = CSRF.search(page.text).group(1)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/search", follow_redirects=False).status_code == 303


def test_blank_fields_of_the_search_form_are_no_filter(archive, client):
    _login(client, "researcher")
    page = client.get("/search?q=an+toan+thong+tin&agency=&type=&year=&from=&to=&rights=&retention=&sort=relevance")
    assert page.status_code == 200 and f'href="/dossiers/{archive.open_code}"' in page.text


def test_a_malformed_filter_is_shown_as_an_error_page(client):
    _login(client, "researcher")
    page = client.get("/search?year=hai-nghin")
    assert page.status_code == 400 and "Yêu cầu tìm kiếm không hợp lệ." in page.text


def test_auditor_dashboard_shows_every_agency_with_charts(archive, client):
    _login(client, "auditor")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "toàn tỉnh" in page.text and "Hồ sơ đang lưu trữ" in page.text and "Kiểm tra toàn vẹn" in page.text
    assert page.text.count('class="bar-fill"') >= 3          # two agencies, at least one retention class
    assert "000.00.00.H41" in page.text and "000.00.31.H41" in page.text


def test_agency_head_dashboard_is_their_agency_only(client):
    _login(client, "head_a")
    page = client.get("/dashboard")
    assert page.status_code == 200 and "cơ quan 000.00.00.H41" in page.text and "000.00.31.H41" not in page.text
    assert client.get("/dashboard?agency=000.00.31.H41").status_code == 403
    client.cookies.clear()
    _login(client, "researcher")
    assert client.get("/dashboard").status_code == 403


def test_pages_carry_a_content_security_policy_that_allows_only_own_frames(client):
    page = client.get("/login")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN" and page.headers["x-content-type-options"] == "nosniff"


def test_dossier_page_shows_an_active_hold_with_its_reason_and_placer(archive, client):
    from archive.lifecycle.legal_hold import lift_hold, place_hold
    from archive.access import Principal
    auditor = Principal("auditor", "auditor")
    place_hold(auditor, archive.open_code, "Phục vụ thanh tra theo Quyết định 88/QĐ-SNV")
    try:
        _login(client, "head_b")
        page = client.get(f"/dossiers/{archive.open_code}")
        assert "Hồ sơ đang bị phong tỏa" in page.text and "88/QĐ-SNV" in page.text
        assert re.search(r"auditor \(Sở Nội vụ \(thẩm định\)\), \d\d/\d\d/\d{4} \d\d:\d\d</td><td>Phục vụ thanh tra", page.text)
        client.cookies.clear()
        _login(client, "researcher")          # the reason is not the public's
        page = client.get(f"/dossiers/{archive.open_code}")
        assert page.status_code == 200 and "88/QĐ-SNV" not in page.text
    finally:
        lift_hold(auditor, archive.open_code, "Kết thúc thanh tra")
    client.cookies.clear()
    _login(client, "head_b")
    page = client.get(f"/dossiers/{archive.open_code}").text
    assert "Hồ sơ đang bị phong tỏa" not in page and "<strong>đang phong tỏa</strong>" not in page


@pytest.mark.parametrize("user", ["archivist_a", "auditor", "researcher"])
def test_only_an_administrator_sees_or_changes_the_agency_registry(client, user):
    from archive.agencies import list_agencies
    _login(client, user)
    assert client.get("/agencies").status_code == 403
    token = CSRF.search(client.get("/search").text).group(1)
    before = list_agencies()
    refused = client.post("/agencies", data={"csrf_token": token, "organ_id": "000.00.99.H41", "name": "Giả mạo"})
    assert refused.status_code == 403 and list_agencies() == before


@pytest.mark.parametrize("user", ["archivist_a", "auditor", "researcher"])
def test_only_an_administrator_adds_a_user_through_the_page(client, user):
    """The add-user form was the one administrator's form without the role check."""
    from api import accounts
    from archive.catalog.db import session_scope
    _login(client, user)
    token = CSRF.search(client.get("/search").text).group(1)
    refused = client.post("/users", data={"csrf_token": token, "username": f"ke-gian-{user}", "role": "admin",
                                           "organ_id": "", "password": "mat-khau-gia-mao"})
    assert refused.status_code == 403
    with session_scope() as s:
        assert s.query(accounts.User).filter_by(username=f"ke-gian-{user}").first() is None
