"""Destruction lists in the web pages: each member of the procedure acts through a form at
their stage (council, Sở Nội vụ, agency head, archivist), with the CSRF token; the page
offers nobody a form that is not theirs, and other agencies cannot open the list."""
from __future__ import annotations

import re

import pytest

from archive import audit
from tests.api.conftest import AGENCY_A, PASSWORD, sample_copy
from tests.api.test_lifecycle_api import after_expiry, call  # noqa: F401 (fixture)
from tests.archive.lifecycle.conftest import REASON

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def expired_dossier(archive) -> str:
    """A 10-year dossier of agency A, ended 2021-07-20: expired on the archive's fixed today."""
    from ingest import pipeline
    copy = sample_copy(archive, "ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii", "quarterly-report", "92.VP")
    return pipeline.submit(copy, organ_id=AGENCY_A, actor="archivist_a").dossier().code


def _as(client, username: str) -> str:
    """Log ``username`` in through the login form; the session's CSRF token."""
    client.cookies.clear()
    token = CSRF.search(client.get("/login").text).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    return CSRF.search(client.get("/search").text).group(1)      # a new session has a new token


def _post(client, token: str, path: str, **form):
    response = client.post(path, data={"csrf_token": token, **form}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"])


def test_a_list_goes_from_council_to_destruction_through_the_pages(archive, client, expired_dossier,
                                                                   after_expiry):  # noqa: F811
    code = expired_dossier
    list_id = call(archive, "archivist_a", "POST", "/destruction-lists", 201,
                   json={"items": [{"dossier_code": code, "reason": REASON}]}).json()["id"]
    page = f"/destruction-lists/{list_id}"

    token = _as(client, "council_a")
    assert f'href="{page}"' in client.get("/destruction-lists").text
    shown = client.get(page).text
    assert "Hội đồng xác định giá trị tài liệu xem xét" in shown and f"/items/{code}/review" in shown
    assert "/approve" not in shown and "/execute" not in shown          # not the council's forms
    refused = client.post(f"{page}/items/{code}/review", data={"decision": "agree"})     # no CSRF token
    assert refused.status_code == 403
    reviewed = _post(client, token, f"{page}/items/{code}/review", decision="agree", note="Hết giá trị")
    assert "Sở Nội vụ thẩm định" in reviewed.text and "council_a: đồng ý hủy — Hết giá trị" in reviewed.text

    token = _as(client, "head_b")                                       # another agency's head:
    assert client.get(page).status_code == 404                         # not told the list exists

    token = _as(client, "auditor")
    assert "Chờ thủ trưởng" in _post(client, token, f"{page}/audit", agree="yes", note="Đúng quy định").text

    token = _as(client, "archivist_a")
    assert client.post(f"{page}/approve", data={"csrf_token": token, "decision_ref": "15/QĐ"}).status_code == 403
    token = _as(client, "head_a")
    approved = _post(client, token, f"{page}/approve", decision_ref="15/QĐ-UBND")
    assert "Quyết định hủy số 15/QĐ-UBND của head_a" in approved.text and f"{page}/execute" in approved.text

    token = _as(client, "archivist_a")
    assert "xác nhận" in client.post(f"{page}/execute", data={"csrf_token": token}).text   # not confirmed: the form again
    done = _post(client, token, f"{page}/execute", confirm="yes")
    assert "Đã hủy, có biên bản hủy" in done.text and "đã hủy" in done.text
    pdf = client.get(f"/api/v1/destruction-lists/{list_id}/certificate/pdf")      # the page's link
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert call(archive, "archivist_a", "GET", f"/dossiers/{code}", 200).json()["status"] == "destroyed"
    assert audit.verify().ok


def test_researchers_have_no_destruction_pages(client):
    _as(client, "researcher")
    assert client.get("/destruction-lists").status_code == 403
    assert "Danh mục hủy" not in client.get("/search").text
