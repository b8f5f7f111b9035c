"""The lifecycle actions in the web pages, each a form over the domain call the API makes:
ingest jobs (steps, failures and warnings in Vietnamese, retry), legal holds on the dossier
page, /retention (due and expired, the run, the notices), a destruction list drafted from
the expired dossiers, transfers (prepare, documents, acknowledgement with its confirmation)
and the report downloads. A wrong value comes back to the form with its message."""
from __future__ import annotations

import io
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook

from archive import audit
from tests.api.conftest import AGENCY_A, AGENCY_B, SAMPLES, permanent_copy
from tests.api.test_destruction_pages import _as, _post
from tests.api.test_lifecycle_api import after_expiry  # noqa: F401 (fixture)
from tests.archive.lifecycle.conftest import catalogue

EXPIRED_END = date(2015, 6, 30)      # + 10 năm: expired on the fixed today 2032-01-01 (and on the real one)


@pytest.fixture
def expired(archive) -> str:
    """A 10-year dossier of agency A in the catalog only, expired: enough for holds, retention, lists."""
    expired.count = getattr(expired, "count", 0) + 1
    return catalogue(f"TT-{expired.count}", "10 năm", EXPIRED_END, organ=AGENCY_A, title="Hồ sơ hết hạn thử trang")


def _failed_job() -> str:
    """A job of agency A whose dossier breaks an Appendix VI rule (dates out of order)."""
    from archive.errors import InvalidDossier
    from ingest import pipeline
    job = pipeline.create(SAMPLES.parent / "invalid" / "date_order" / "submission", organ_id=AGENCY_A,
                          actor="archivist_a")
    with pytest.raises(InvalidDossier):
        pipeline.resume(job.id)
    return job.id


def test_jobs_page_lists_the_agency_s_jobs_with_steps_failures_in_vietnamese_and_retry(archive, client):
    failed = _failed_job()
    token = _as(client, "archivist_a")
    page = client.get("/jobs").text
    assert archive.restricted_code in page and "Lập chỉ mục tìm kiếm: xong" in page
    assert f'id="job-{failed}"' in page and "Kiểm tra siêu dữ liệu: lỗi" in page
    assert "Hồ sơ không hợp lệ" in page or "không hợp lệ" in page.lower()       # the reason, in Vietnamese
    assert "invalid_dossier" not in page
    retried = _post(client, token, f"/jobs/{failed}/retry")
    assert "Đã cho chạy lại phiên nộp" in retried.text
    audit.verify()

    _as(client, "archivist_b")                                  # another agency's jobs are not shown
    assert f"job-{failed}" not in client.get("/jobs").text
    assert client.get(f"/jobs/{failed}").status_code == 404
    _as(client, "researcher")
    assert client.get("/jobs").status_code == 403


def test_validation_warnings_are_shown_on_the_job(archive, client):
    from ingest import pipeline
    copy = archive.home / "samples" / "warning-job"
    shutil.copytree(SAMPLES.parent / "invalid" / "retention_shorter_than_default" / "submission", copy)
    job = pipeline.create(copy, organ_id=AGENCY_A, actor="archivist_a")
    for step in ("receive", "validate"):
        pipeline.run_step(job.id, step)
    _as(client, "archivist_a")
    page = client.get(f"/jobs/{job.id}").text
    assert "Cảnh báo (1)" in page and "Thời hạn bảo quản" in page and "warning(s)" not in page


def test_holds_are_placed_and_lifted_on_the_dossier_page_with_who_and_why(archive, client, expired):
    page = f"/dossiers/{expired}"
    token = _as(client, "head_a")
    assert "Phong tỏa hồ sơ" in client.get(page).text
    empty = client.post(f"{page}/hold", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and "Phải nêu lý do" in empty.text and 'name="reason"' in empty.text
    held = _post(client, token, f"{page}/hold", reason="Thanh tra đang xem xét")
    assert "Đã phong tỏa hồ sơ" in held.text and "Thanh tra đang xem xét" in held.text and "đang phong tỏa" in held.text
    twice = client.post(f"{page}/hold", data={"csrf_token": token, "reason": "Lần hai"})
    assert twice.status_code == 409 and "phong tỏa" in twice.text

    token = _as(client, "head_b")                               # another agency's head: no form, refused
    assert f"{page}/hold/lift" not in client.get(page).text
    assert client.post(f"{page}/hold/lift", data={"csrf_token": token, "reason": "x"}).status_code == 403
    _as(client, "council_a")
    assert "/hold" not in client.get(page).text                 # the council does not hold dossiers

    token = _as(client, "auditor")
    lifted = _post(client, token, f"{page}/hold/lift", reason="Đã kết thúc thanh tra")
    assert "Đã gỡ phong tỏa" in lifted.text and "auditor" in lifted.text and "Đã kết thúc thanh tra" in lifted.text
    assert audit.verify().ok


def test_retention_page_run_and_notices(archive, client, expired, after_expiry):  # noqa: F811
    token = _as(client, "archivist_a")
    page = client.get("/retention").text
    assert expired in page and "đã hết thời hạn bảo quản" in page and "/retention/run" not in page
    token = _as(client, "auditor")
    ran = _post(client, token, "/retention/run")
    assert "Đã rà soát ngày 01/01/2032" in ran.text
    token = _as(client, "archivist_a")
    inbox = client.get("/retention").text
    assert f"Hồ sơ {expired}" in inbox and "Đánh dấu đã đọc" in inbox
    from archive.lifecycle.retention_run import notifications
    notice = next(n for n in notifications(AGENCY_A) if n.dossier_code == expired)
    assert "đã đọc" in _post(client, token, f"/retention/notifications/{notice.id}/read").text
    assert next(n for n in notifications(AGENCY_A) if n.id == notice.id).read_at is not None
    _as(client, "researcher")
    assert client.get("/retention").status_code == 403


def test_destruction_list_is_drafted_from_the_expired_dossiers(archive, client, expired, after_expiry):  # noqa: F811
    token = _as(client, "archivist_a")
    form = client.get("/destruction-lists/new").text
    assert expired in form
    missing = client.post("/destruction-lists/new", data={"csrf_token": token, "code": [expired], "reason": ""})
    assert missing.status_code == 422 and "thiếu lý do hủy" in missing.text and expired in missing.text
    made = _post(client, token, "/destruction-lists/new", code=[expired], reason="Hết giá trị")
    assert "Đã lập danh mục hủy số" in made.text and expired in made.text
    assert expired not in client.get("/destruction-lists/new").text       # on an open list now
    _as(client, "council_a")
    assert client.get("/destruction-lists/new").status_code == 403


def test_transfer_is_prepared_and_its_acknowledgement_asks_for_confirmation(archive, client, after_expiry,  # noqa: F811
                                                                            tmp_path, monkeypatch):
    from archive.lifecycle.transfer.signing import generate_identity
    from ingest import pipeline
    generate_identity("Lưu trữ lịch sử", tmp_path / "key.pem", tmp_path / "cert.pem")
    monkeypatch.setenv("LUUTRU_TRANSFER_RECEIVER_CERTIFICATE", str(tmp_path / "cert.pem"))
    copy = permanent_copy(archive, "permanent-pages", "94.CNTT")
    code = pipeline.submit(copy, organ_id=AGENCY_B, actor="archivist_b").dossier().code

    token = _as(client, "archivist_b")
    assert code in client.get("/transfers").text
    made = _post(client, token, "/transfers", code=[code])
    assert "Đã lập bộ hồ sơ nộp lưu" in made.text
    ref = made.text.split("Đã lập bộ hồ sơ nộp lưu ")[1].split(" ")[0]
    link = f"/api/v1/transfers/{ref}/documents/transfer-list.xlsx"
    assert link in made.text
    book = load_workbook(io.BytesIO(client.get(link).content))
    assert any(code in str(c.value) for row in book.active.iter_rows() for c in row)
    files = {"acknowledgement": ("ack.json", f'{{"reference": "{ref}"}}'.encode(), "application/json"),
             "signature": ("ack.sig", b"x", "application/octet-stream")}
    unconfirmed = client.post(f"/transfers/{ref}/acknowledgement", data={"csrf_token": token}, files=files)
    assert unconfirmed.status_code == 422 and "Hãy đánh dấu ô xác nhận" in unconfirmed.text
    forged = client.post(f"/transfers/{ref}/acknowledgement", data={"csrf_token": token, "confirm": "yes"}, files=files)
    assert forged.status_code == 422 and 'name="acknowledgement"' in forged.text and "chữ ký" in forged.text.lower()
    assert f"{ref} — Đã nộp lưu" not in client.get("/transfers").text   # this one (others may be)
    from archive.access import Principal
    from archive.lifecycle.legal_hold import place_hold
    hold_id = place_hold(Principal("head_b", "agency_head", AGENCY_B), code, "Phục vụ thanh tra")
    page = client.get("/transfers").text
    held = page.split(f'id="tam-giu-{ref}"')[1].split("</div>")[0]     # this transfer's notice
    assert f"{code}</a> đang bị tạm giữ (lệnh phong tỏa số {hold_id}" in held and "Chưa được giao nộp" in held
    assert f"/api/v1/transfers/{ref}/documents/" not in page                # no links to what is refused

    _as(client, "head_a")
    assert ref not in client.get("/transfers").text            # another agency's transfer


def test_reports_download_as_xlsx_and_pdf_per_agency(archive, client):
    _as(client, "auditor")
    page = client.get("/reports").text
    assert "Toàn tỉnh" in page and f'value="{AGENCY_A}"' in page
    xlsx = client.get("/reports/bao-cao.xlsx", params={"agency": AGENCY_A})
    assert xlsx.status_code == 200 and "filename*=UTF-8''bao-cao-luu-tru-" in xlsx.headers["content-disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Tổng hợp"
    assert client.get("/reports/bao-cao.pdf").content.startswith(b"%PDF")
    _as(client, "archivist_b")
    assert client.get("/reports/bao-cao.pdf", params={"agency": AGENCY_A}).status_code == 403
    _as(client, "researcher")
    assert client.get("/reports").status_code == 403


def test_audit_page_filters_paginates_and_shows_the_verification(archive, client):
    _as(client, "researcher")
    client.get(f"/dossiers/{archive.open_code}")                       # a view to find
    assert client.get("/audit").status_code == 403
    _as(client, "auditor")
    page = client.get("/audit", params={"dossier": archive.open_code, "action": "view"})
    assert page.status_code == 200 and "Chuỗi nhật ký nguyên vẹn" in page.text
    assert "<td>Xem</td>" in page.text and "researcher" in page.text and "<td>Tải về</td>" not in page.text
    for n in range(55):
        audit.record("view", actor="trang-thu", object=f"{archive.open_code}/{n}")
    first = client.get("/audit", params={"actor": "trang-thu"}).text
    assert "55 mục, trang 1" in first and "actor=trang-thu&amp;page=2" in first and "Trang sau" in first
    second = client.get("/audit", params={"actor": "trang-thu", "page": 2}).text
    assert second.count("<td>Xem</td>") == 5 and "Trang trước" in second
    wrong = client.get("/audit", params={"from": "31/12/2020"})
    assert wrong.status_code == 422 and "Ngày lọc không hợp lệ" in wrong.text and 'name="from"' in wrong.text
    _as(client, "archivist_b")                                         # their agency's records only
    mine = client.get("/audit", params={"action": "view"}).text
    assert archive.open_code in mine and archive.restricted_code not in mine


def test_users_page_adds_users_grants_and_issues_a_token_once(archive, client):
    _as(client, "archivist_a")
    assert client.get("/users").status_code == 403
    token = _as(client, "admin")
    page = client.get("/users").text
    assert 'id="user-researcher_granted"' in page and archive.restricted_code in page
    short = client.post("/users", data={"csrf_token": token, "username": "doc-gia-moi", "role": "researcher",
                                        "password": "ngan"})
    assert short.status_code == 422 and "ít nhất 8 ký tự" in short.text and 'value="doc-gia-moi"' in short.text
    added = _post(client, token, "/users", username="doc-gia-moi", role="researcher", password="mat-khau-dai-du")
    assert "Đã tạo người dùng doc-gia-moi" in added.text and 'id="user-doc-gia-moi"' in added.text
    granted = _post(client, token, "/users/grants", username="doc-gia-moi", dossier_code=archive.restricted_code)
    assert "Đã cấp cho doc-gia-moi" in granted.text
    issued = client.post("/users/tokens", data={"csrf_token": token, "username": "doc-gia-moi", "name": "thử"})
    secret = issued.text.split('<code class="hash">')[1].split("<")[0]
    assert secret.startswith("lt_") and secret not in client.get("/users").text       # shown once
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).json()["username"] == "doc-gia-moi"
    revoked = _post(client, token, "/users/grants/revoke", username="doc-gia-moi", dossier_code=archive.restricted_code)
    assert "Đã thu hồi" in revoked.text
    weak = client.post("/users/doc-gia-moi/password", data={"csrf_token": token, "password": "ngan"})
    assert weak.status_code == 422 and "8 ký tự" in weak.text
    assert "Đã đặt mật khẩu mới" in _post(client, token, "/users/doc-gia-moi/password", password="mat-khau-moi-hon").text
    unconfirmed = client.post("/users/doc-gia-moi/deactivate", data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and "xác nhận" in unconfirmed.text
    assert "Đã khóa tài khoản" in _post(client, token, "/users/doc-gia-moi/deactivate", confirm="yes").text
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_researcher_requests_access_the_agency_approves_and_the_grant_ends(archive, client):
    from datetime import timedelta
    from archive import clock
    from archive.catalog.db import session_scope
    from api import accounts
    code = archive.restricted_code
    today = clock.today()
    token = _as(client, "researcher")
    assert client.get(f"/dossiers/{code}").status_code == 404
    backwards = client.post("/access-requests", data={"csrf_token": token, "dossier_code": code, "reason": "Luận văn",
                                                      "period_from": str(today), "period_to": str(today - timedelta(1))})
    assert backwards.status_code == 422 and "Thời gian khai thác" in backwards.text and 'value="Luận văn"' in backwards.text
    sent = _post(client, token, "/access-requests", dossier_code=code, reason="Luận văn thạc sĩ",
                 period_from=str(today), period_to=str(today + timedelta(days=7)))
    assert "Đã gửi yêu cầu khai thác" in sent.text and "Chờ cơ quan giải quyết" in sent.text
    request_id = int(sent.text.split('id="yeu-cau-')[1].split('"')[0])

    token = _as(client, "archivist_b")                            # another agency: not shown, not found
    assert f"yeu-cau-{request_id}" not in client.get("/access-requests").text
    assert client.post(f"/access-requests/{request_id}/decision",
                       data={"csrf_token": token, "decision": "approve"}).status_code == 404
    token = _as(client, "archivist_a")
    approved = _post(client, token, f"/access-requests/{request_id}/decision", decision="approve", note="Đọc tại chỗ")
    assert "Đã đồng ý" in approved.text
    again = client.post(f"/access-requests/{request_id}/decision", data={"csrf_token": token, "decision": "refuse"})
    assert again.status_code == 409 and "đã được giải quyết" in again.text

    _as(client, "researcher")
    assert f'href="/dossiers/{code}"' in client.get("/access-requests").text
    assert client.get(f"/dossiers/{code}").status_code == 200       # readable during the period
    with session_scope() as session:                              # the period is over
        row = session.query(accounts.Grant).join(accounts.User).filter(
            accounts.User.username == "researcher", accounts.Grant.dossier_code == code).one()
        row.expires_at = row.expires_at - timedelta(days=30)
    assert client.get(f"/dossiers/{code}").status_code == 404
    ended = client.get("/access-requests").text          # the request stays listed, no longer a link
    assert f"yeu-cau-{request_id}" in ended and f'href="/dossiers/{code}"' not in ended
    assert "(đã hết quyền đọc)" in ended
    assert audit.verify().ok
