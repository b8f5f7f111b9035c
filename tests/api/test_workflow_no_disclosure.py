"""Workflow objects (destruction lists, transfers, amendments, access requests, notices) of
agency A are, for whoever may not know of them (another agency's staff, a researcher), the
same as objects that do not exist: every route answers the 404 a missing id gets, body and
all, before any role or stage rule could answer 403 or 409 and so confirm the id is real."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.api.conftest import AGENCY_A
from tests.api.lifecycle_fixtures import matrix_targets

OUTSIDERS = ("archivist_b", "council_b", "head_b", "researcher")
MISSING = "999999"
MISSING_TRANSFER = "NL-000.00.00.H41-20990101-000000"


def _transfer_and_request(archive) -> dict[str, str]:
    """A prepared transfer, a pending access request and a notice of agency A, straight in the catalog."""
    if not hasattr(archive, "_workflow_targets"):
        from archive.catalog.access_requests import AccessRequest
        from archive.catalog.db import session_scope
        from archive.catalog.notifications import Notification
        from archive.catalog.transfer import Transfer
        with session_scope() as session:
            transfer = Transfer(reference="NL-000.00.00.H41-20260101-000001", direction="outgoing", state="prepared",
                                organ_id=AGENCY_A, actor="archivist_a", manifest_sha256="0" * 64)
            request = AccessRequest(requester="researcher_granted", dossier_code=archive.restricted_code,
                                    organ_id=AGENCY_A, reason="Nghiên cứu", period_from=date(2026, 1, 1),
                                    period_to=date(2026, 1, 1) + timedelta(days=30))
            notice = Notification(organ_id=AGENCY_A, kind="retention_expired", dossier_code=archive.restricted_code,
                                  due_date=date(2000, 1, 1), message="Hồ sơ hết thời hạn bảo quản")
            session.add_all([transfer, request, notice])
            session.flush()
            archive._workflow_targets = {"transfer": transfer.reference, "request": str(request.id),
                                         "notice": str(notice.id)}
    return {**matrix_targets(archive), **archive._workflow_targets}


ROUTES = [   # method, path with {id}, the id's kind, request body
    ("GET", "/destruction-lists/{id}", "list", None),
    ("POST", "/destruction-lists/{id}/items/{listed}/review", "list", {"decision": "agree"}),
    ("POST", "/destruction-lists/{id}/audit", "list", {"agree": True}),
    ("POST", "/destruction-lists/{id}/approve", "list", {"decision_ref": "1/QĐ"}),
    ("POST", "/destruction-lists/{id}/execute", "list", None),
    ("GET", "/destruction-lists/{id}/certificate/pdf", "list", None),
    ("POST", "/amendments/{id}/approve", "change", {"note": "Đồng ý"}),
    ("POST", "/amendments/{id}/reject", "change", {}),
    ("GET", "/transfers/{id}/documents/handover-record.pdf", "transfer", None),
    ("POST", "/access-requests/{id}/decision", "request", {"decision": "approve"}),
]


def _call(archive, user: str, method: str, path: str, body):
    return archive.client.request(method, "/api/v1" + path, json=body, headers=archive.as_user(user))


@pytest.mark.parametrize("user", OUTSIDERS)
@pytest.mark.parametrize("method, path, kind, body", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_another_agency_s_workflow_object_answers_exactly_like_a_missing_one(archive, user, method, path, kind, body):
    targets = _transfer_and_request(archive)
    real, missing = targets[kind], MISSING_TRANSFER if kind == "transfer" else MISSING
    path = path.replace("{listed}", targets["listed"])
    response = _call(archive, user, method, path.replace("{id}", real), body)
    ghost = _call(archive, user, method, path.replace("{id}", missing), body)
    assert ghost.status_code == 404, ghost.text
    assert response.status_code == 404, response.text
    assert response.json() == {k: v.replace(missing, real) if isinstance(v, str) else v
                               for k, v in ghost.json().items()}


def test_transfer_acknowledgement_of_another_agency_s_transfer_is_not_found(archive):
    reference = _transfer_and_request(archive)["transfer"]
    files = {"acknowledgement": ("ack.json", f'{{"reference": "{reference}"}}'.encode(), "application/json"),
             "signature": ("ack.json.sig", b"sig", "application/octet-stream")}
    response = archive.client.post(f"/api/v1/transfers/{reference}/acknowledgement", files=files,
                                   headers=archive.as_user("archivist_b"))
    assert response.status_code == 404 and response.json()["code"] == "not_found", response.text


def test_the_owning_agency_still_gets_its_role_and_stage_answers(archive):
    """Not a blanket 404: agency A's staff learn they lack the role (403) or the list is not at
    that stage (409), as before."""
    targets = _transfer_and_request(archive)
    assert _call(archive, "archivist_a", "POST", f"/destruction-lists/{targets['list']}/approve",
                 {"decision_ref": "1/QĐ"}).status_code == 403
    assert _call(archive, "head_a", "POST", f"/destruction-lists/{targets['list']}/approve",
                 {"decision_ref": "1/QĐ"}).status_code == 409
    assert _call(archive, "auditor", "GET", f"/destruction-lists/{targets['list']}", None).status_code == 200
    assert _call(archive, "archivist_a", "POST", f"/amendments/{targets['change']}/approve", {}).status_code == 403


def test_a_researcher_s_own_access_request_is_refused_for_role_not_hidden(archive):
    request_id = _transfer_and_request(archive)["request"]
    response = _call(archive, "researcher_granted", "POST", f"/access-requests/{request_id}/decision",
                     {"decision": "approve"})
    assert response.status_code == 403, response.text


@pytest.mark.parametrize("user", ["archivist_b", "researcher"])
def test_the_destruction_list_page_of_another_agency_is_the_missing_list_page(archive, client, user):
    from tests.api.test_pages import _login
    list_id = _transfer_and_request(archive)["list"]
    _login(client, user)
    page, ghost = client.get(f"/destruction-lists/{list_id}"), client.get(f"/destruction-lists/{MISSING}")
    assert ghost.status_code == page.status_code == 404
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", page.text) == strip.sub("", ghost.text.replace(MISSING, list_id))


def test_a_notice_of_another_agency_is_not_found(archive):
    from archive.access import Principal
    from archive.errors import NotFound
    from archive.lifecycle.retention_run import mark_read
    notice = int(_transfer_and_request(archive)["notice"])
    outsider = Principal("archivist_b", "archivist", "000.00.31.H41")
    with pytest.raises(NotFound) as hidden:
        mark_read(outsider, notice)
    with pytest.raises(NotFound) as missing:
        mark_read(outsider, int(MISSING))
    assert hidden.value.detail == missing.value.detail.replace(MISSING, str(notice))
