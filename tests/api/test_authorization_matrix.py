"""Every endpoint × every role × both agencies (and no login at all), with the exact status.

Rights rules: a researcher reads open dossiers and the restricted ones granted to them; an
agency's staff also read their own agency's restricted dossiers; auditors and
administrators see every dossier's metadata but not restricted content. A record one may
not even find is answered 404, so its existence is not disclosed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import pytest

from tests.api.conftest import OPEN_SAMPLE, USERS
from tests.api.lifecycle_fixtures import matrix_targets, set_hold


def _today():
    from archive import clock
    return clock.today()

ALL = frozenset(USERS)
STAFF_A = frozenset({"archivist_a", "council_a", "head_a"})
READS_RESTRICTED = STAFF_A | {"researcher_granted"}
FINDS_RESTRICTED = READS_RESTRICTED | {"auditor", "admin"}
ARCHIVISTS = frozenset({"archivist_a", "archivist_b"})
ADMINS = frozenset({"admin"})
RESEARCHERS = frozenset({"researcher", "researcher_granted"})
JOB_READERS_A = frozenset({"archivist_a", "auditor", "admin"})
DUMMY_CODE = "000.00.99.H41.2099.01.XX"
LIST_READERS_A = STAFF_A | {"auditor", "admin"}
HOLDERS_A = frozenset({"head_a", "auditor", "admin"})
TRANSFER_READERS = ARCHIVISTS | {"head_a", "head_b", "auditor", "admin"}


@dataclass
class Case:
    name: str
    method: str
    path: str       # {open}, {restricted}, {job}, {open_file}, {restricted_file}, {list}, {listed}, {held}, {change}
    ok: int
    allowed: frozenset[str]
    denied: int = 403
    also: dict[int, frozenset[str]] = field(default_factory=dict)   # other statuses for some users
    request: Callable[[object, str], dict] = lambda archive, user: {}

    def expected(self, user: str | None) -> int:
        if user is None:
            return 401
        if user in self.allowed:
            return self.ok
        return next((status for status, users in self.also.items() if user in users), self.denied)


def _upload(sample: str | None):
    def request(archive, user):
        content = archive.zip_of(sample) if sample else _junk_zip()
        return {"files": {"file": ("hoso.zip", content, "application/zip")}}
    return request


def _junk_zip() -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "không phải hồ sơ")
    return buffer.getvalue()


def _hold(held: bool):
    def request(archive, user):
        set_hold(matrix_targets(archive)["held"], held)
        return {"json": {"reason": "Phục vụ thanh tra"}}
    return request


def _ack_upload(archive, user):
    return {"files": {"acknowledgement": ("ack.json", b'{"reference": "NOPE"}', "application/json"),
                      "signature": ("ack.json.sig", b"sig", "application/octet-stream")}}


def _hostile_zip(archive, user):
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../bagit.txt", "BagIt-Version: 0.97")
    return {"files": {"file": ("transfer.zip", buffer.getvalue(), "application/zip")}}


def _draft_of(archive) -> str:
    """A dossier draft of agency A (archivist_a's), opened once."""
    if not hasattr(archive, "_draft_id"):
        response = archive.client.post("/api/v1/drafts", headers=archive.as_user("archivist_a"))
        archive._draft_id = response.json()["draft_id"]
    return archive._draft_id


def _document_upload(archive, user):
    from tests.api.conftest import SAMPLES
    pdf = SAMPLES / OPEN_SAMPLE / "files" / "bc-250-stttt.pdf"
    return {"files": {"file": ("bc.pdf", pdf.read_bytes(), "application/pdf")}}


def _with_document(archive, user):
    """The draft holds bc.pdf (uploaded by its archivist) before the request."""
    archive.client.post(f"/api/v1/drafts/{_draft_of(archive)}/documents", params={"name": "bc.pdf"},
                        headers=archive.as_user("archivist_a"), **_document_upload(archive, user))
    return {}


def _grant_dummy(archive, user):
    from api import accounts
    accounts.grant("researcher", DUMMY_CODE, actor="test")
    return {}


CASES = [
    Case("me", "GET", "/auth/me", 200, ALL),
    Case("new token", "POST", "/auth/tokens", 201, ALL, request=lambda a, u: {"json": {"name": "ci"}}),
    Case("logout", "POST", "/auth/logout", 204, ALL),
    Case("my tokens", "GET", "/auth/tokens", 200, ALL),
    Case("revoke a token not one's own", "DELETE", "/auth/tokens/999999", 404, ALL),
    Case("change password (wrong current one)", "POST", "/auth/password", 401, ALL,
         request=lambda a, u: {"json": {"current_password": "khong-dung", "new_password": "mat-khau-moi-123"}}),
    Case("deactivate user", "POST", "/users/khong-co-ai/deactivate", 404, ADMINS),
    Case("list users", "GET", "/users", 200, ADMINS),
    Case("add user", "POST", "/users", 201, ADMINS, request=lambda a, u: {"json": {
        "username": f"new-by-{u}-{id(a)}", "role": "researcher", "password": "mat-khau-moi-123"}}),
    Case("grant", "POST", "/grants", 201, ADMINS,
         request=lambda a, u: {"json": {"username": "researcher", "dossier_code": DUMMY_CODE}}),
    Case("revoke", "DELETE", f"/grants/researcher/{DUMMY_CODE}", 204, ADMINS, request=_grant_dummy),
    Case("request access", "POST", "/access-requests", 201, RESEARCHERS, request=lambda a, u: {"json": {
        "dossier_code": DUMMY_CODE, "reason": "Nghiên cứu", "period_from": str(_today()),
        "period_to": str(_today() + timedelta(days=30))}}),
    Case("access requests", "GET", "/access-requests", 200, ALL),
    # an unknown request is not found whoever asks (the role is checked on the request's agency)
    Case("decide access request", "POST", "/access-requests/999999/decision", 404, frozenset(),
         denied=404, request=lambda a, u: {"json": {"decision": "refuse"}}),
    Case("submit", "POST", "/submissions", 202, ARCHIVISTS, request=_upload(None)),
    Case("job status", "GET", "/jobs/{job}", 200, JOB_READERS_A, denied=404),
    Case("list jobs", "GET", "/jobs", 200, ARCHIVISTS | {"auditor", "admin"}),
    # the job finished: its agency's archivist is told there is nothing to retry
    Case("retry job", "POST", "/jobs/{job}/retry", 409, frozenset({"archivist_a"}), denied=404,
         also={403: frozenset({"auditor", "admin"})}),
    Case("validate", "POST", "/validate", 200, ARCHIVISTS, request=_upload(OPEN_SAMPLE)),
    # Drafts: archivists only; another agency's draft is not found
    Case("open draft", "POST", "/drafts", 201, ARCHIVISTS),
    Case("draft", "GET", "/drafts/{draft}", 200, frozenset({"archivist_a"}), also={404: frozenset({"archivist_b"})}),
    Case("draft document", "POST", "/drafts/{draft}/documents?name=bc.pdf", 200, frozenset({"archivist_a"}),
         also={404: frozenset({"archivist_b"})}, request=_document_upload),
    Case("draft region", "GET", "/drafts/{draft}/documents/bc.pdf/region?page=1&box=0.1,0.05,0.5,0.2", 200,
         frozenset({"archivist_a"}), also={404: frozenset({"archivist_b"})}, request=_with_document),
    Case("validate draft", "POST", "/drafts/{draft}/validate", 200, frozenset({"archivist_a"}),
         also={404: frozenset({"archivist_b"})}, request=lambda a, u: {"json": {"Title": "Dự thảo"}}),
    Case("submit draft", "POST", "/drafts/{draft}/submit", 422, frozenset({"archivist_a"}),
         also={404: frozenset({"archivist_b"})}, request=lambda a, u: {"json": {"Title": "Dự thảo"}}),
    Case("list dossiers", "GET", "/dossiers", 200, ALL),
    Case("open dossier", "GET", "/dossiers/{open}", 200, ALL),
    Case("restricted dossier", "GET", "/dossiers/{restricted}", 200, FINDS_RESTRICTED, denied=404),
    Case("open documents", "GET", "/dossiers/{open}/documents", 200, ALL),
    Case("restricted documents", "GET", "/dossiers/{restricted}/documents", 200, FINDS_RESTRICTED, denied=404),
    Case("open document", "GET", "/dossiers/{open}/documents/1", 200, ALL),
    Case("restricted document", "GET", "/dossiers/{restricted}/documents/1", 200, FINDS_RESTRICTED, denied=404),
    Case("open files", "GET", "/dossiers/{open}/files", 200, ALL),
    Case("restricted files", "GET", "/dossiers/{restricted}/files", 200, FINDS_RESTRICTED, denied=404),
    Case("open versions", "GET", "/dossiers/{open}/versions", 200, ALL),
    Case("restricted versions", "GET", "/dossiers/{restricted}/versions", 200, FINDS_RESTRICTED, denied=404),
    Case("open events", "GET", "/dossiers/{open}/events", 200, ALL),
    Case("restricted events", "GET", "/dossiers/{restricted}/events", 200, FINDS_RESTRICTED, denied=404),
    Case("download open copy", "GET", "/files/{open_file}/content", 200, ALL),
    Case("download restricted copy", "GET", "/files/{restricted_file}/content", 200, READS_RESTRICTED,
         denied=404, also={403: frozenset({"auditor", "admin"})}),
    Case("search", "GET", "/search?q=van+ban", 200, ALL),
    Case("own report", "GET", "/reports", 200, ALL - RESEARCHERS),
    Case("audit trail", "GET", "/audit", 200, ALL - RESEARCHERS),
    Case("agency B report", "GET", "/reports?agency=000.00.31.H41", 200,
         frozenset({"auditor", "admin", "archivist_b", "council_b", "head_b"})),
    # Lifecycle: each request reaches the domain's own checks; an allowed caller gets the
    # domain's answer for this state (not expired, wrong stage, no certificate yet, …).
    Case("draft destruction list", "POST", "/destruction-lists", 409, frozenset({"archivist_b"}),
         request=lambda a, u: {"json": {"items": [{"dossier_code": a.open_code, "reason": "Hết giá trị"}]}}),
    # agency A's list: whoever may not know of it (agency B, researchers) is told it does not exist
    Case("destruction list", "GET", "/destruction-lists/{list}", 200, LIST_READERS_A, denied=404),
    Case("council review", "POST", "/destruction-lists/{list}/items/{listed}/review", 422, frozenset({"council_a"}),
         denied=404, also={403: LIST_READERS_A - {"council_a"}},
         request=lambda a, u: {"json": {"decision": "keep", "new_maintenance": "không có thời hạn này"}}),
    Case("auditor review", "POST", "/destruction-lists/{list}/audit", 409, frozenset({"auditor"}),
         denied=404, also={403: LIST_READERS_A - {"auditor"}}, request=lambda a, u: {"json": {"agree": True}}),
    Case("head approval", "POST", "/destruction-lists/{list}/approve", 409, frozenset({"head_a"}),
         denied=404, also={403: LIST_READERS_A - {"head_a"}}, request=lambda a, u: {"json": {"decision_ref": "1/QĐ"}}),
    Case("execute destruction", "POST", "/destruction-lists/{list}/execute", 409, frozenset({"archivist_a", "head_a"}),
         denied=404, also={403: LIST_READERS_A - {"archivist_a", "head_a"}}),
    Case("destruction certificate", "GET", "/destruction-lists/{list}/certificate/pdf", 404, LIST_READERS_A,
         denied=404),
    Case("place legal hold", "POST", "/dossiers/{held}/hold", 201, HOLDERS_A, request=_hold(False)),
    Case("lift legal hold", "DELETE", "/dossiers/{held}/hold", 200, HOLDERS_A, request=_hold(True)),
    Case("amendments", "GET", "/amendments", 200, ALL - RESEARCHERS),
    Case("approve amendment", "POST", "/amendments/{change}/approve", 409, frozenset({"head_a"}),
         denied=404, also={403: LIST_READERS_A - {"head_a"}}, request=lambda a, u: {"json": {"note": "Đồng ý"}}),
    Case("reject amendment", "POST", "/amendments/{change}/reject", 409, frozenset({"head_a"}),
         denied=404, also={403: LIST_READERS_A - {"head_a"}}, request=lambda a, u: {"json": {}}),
    Case("retention trigger", "POST", "/dossiers/{held}/retention-trigger", 422, frozenset({"archivist_a"}),
         request=lambda a, u: {"json": {"trigger_date": "2020-01-01"}}),
    Case("agency A notifications", "GET", "/notifications?agency=000.00.00.H41", 200, LIST_READERS_A),
    Case("retention run", "POST", "/retention/run", 200, frozenset({"auditor", "admin"})),
    Case("prepare transfer", "POST", "/transfers", 404, ARCHIVISTS,
         request=lambda a, u: {"json": {"dossier_codes": [DUMMY_CODE]}}),
    # an unknown transfer is not found whoever asks (the role is checked on the transfer's agency)
    Case("transfer document", "GET", "/transfers/NOPE/documents/handover-record.pdf", 404, TRANSFER_READERS,
         denied=404),
    Case("transfer acknowledgement", "POST", "/transfers/NOPE/acknowledgement", 404, ARCHIVISTS, denied=404,
         request=_ack_upload),
    Case("receive transfer", "POST", "/transfers/received", 400, ARCHIVISTS | ADMINS, request=_hostile_zip),
    Case("received transfer acknowledgement", "GET", "/transfers/received/NOPE/acknowledgement", 404,
         ARCHIVISTS | ADMINS | {"auditor"}),
    Case("received transfer signature", "GET", "/transfers/received/NOPE/signature", 404,
         ARCHIVISTS | ADMINS | {"auditor"}),
]
WHO = [None, *USERS]


def _path(archive, template: str) -> str:
    targets = matrix_targets(archive) if "{l" in template or "{held}" in template or "{change}" in template else {}
    if "{draft}" in template:
        targets = {**targets, "draft": _draft_of(archive)}
    return "/api/v1" + template.format(**targets,
        open=archive.open_code, restricted=archive.restricted_code, job=archive.restricted_job,
        open_file=archive.file(archive.open_code, "preservation")["id"],
        restricted_file=archive.file(archive.restricted_code, "preservation")["id"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("user", WHO, ids=lambda u: u or "anonymous")
def test_endpoint_answers_each_role_and_agency_with_the_exact_status(archive, client, case, user):
    headers = archive.as_user(user) if user else {}
    response = client.request(case.method, _path(archive, case.path), headers=headers,
                              **case.request(archive, user or "anonymous"))
    assert response.status_code == case.expected(user), response.text


def test_matrix_covers_every_endpoint_of_the_api(archive):
    routes = {(method.upper(), path) for path, operations in archive.app.openapi()["paths"].items()
              for method in operations if path != "/api/v1/auth/login"}
    covered = {(c.method, "/api/v1" + c.path.split("?")[0]) for c in CASES}
    placeholders = {"/api/v1/access-requests/999999/decision": "/api/v1/access-requests/{request_id}/decision",
                    "/api/v1/drafts/{draft}/documents/bc.pdf/region":
                        "/api/v1/drafts/{draft_id}/documents/{name}/region",
                    "/api/v1/jobs/{job}": "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job}/retry": "/api/v1/jobs/{job_id}/retry",
                    "/api/v1/files/{open_file}/content": "/api/v1/files/{file_id}/content",
                    "/api/v1/files/{restricted_file}/content": "/api/v1/files/{file_id}/content",
                    f"/api/v1/grants/researcher/{DUMMY_CODE}": "/api/v1/grants/{username}/{dossier_code}",
                    "/api/v1/auth/tokens/999999": "/api/v1/auth/tokens/{token_id}",
                    "/api/v1/users/khong-co-ai/deactivate": "/api/v1/users/{username}/deactivate",
                    "/api/v1/dossiers/{open}/documents/1": "/api/v1/dossiers/{code}/documents/{ordinal}",
                    "/api/v1/dossiers/{restricted}/documents/1": "/api/v1/dossiers/{code}/documents/{ordinal}",
                    "/api/v1/destruction-lists/{list}/items/{listed}/review":
                        "/api/v1/destruction-lists/{list_id}/items/{code}/review",
                    "/api/v1/destruction-lists/{list}/certificate/pdf": "/api/v1/destruction-lists/{list_id}/certificate/{kind}",
                    "/api/v1/transfers/NOPE/documents/handover-record.pdf":
                        "/api/v1/transfers/{reference}/documents/{name}",
                    "/api/v1/transfers/NOPE/acknowledgement": "/api/v1/transfers/{reference}/acknowledgement",
                    **{f"/api/v1/transfers/received/NOPE/{name}": f"/api/v1/transfers/received/{{reference}}/{name}"
                       for name in ("acknowledgement", "signature")}}
    normalised = {(m, placeholders.get(p, p.replace("{open}", "{code}").replace("{restricted}", "{code}")
                                           .replace("{held}", "{code}").replace("{list}", "{list_id}")
                                           .replace("{draft}", "{draft_id}").replace("{change}", "{change_id}")))
                  for m, p in covered}
    assert routes - normalised == set()
    assert len(WHO) == 11 and {USERS[u][1] for u in USERS} == {None, "000.00.00.H41", "000.00.31.H41"}


def test_login_is_open_to_anonymous_callers_and_refuses_wrong_passwords(client):
    response = client.post("/api/v1/auth/login", json={"username": "auditor", "password": "sai-mat-khau"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
    response = client.post("/api/v1/auth/login", json={"username": "khong-co", "password": "sai-mat-khau"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
