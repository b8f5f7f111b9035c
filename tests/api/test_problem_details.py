"""Every error is an RFC 9457 problem: stable code, Vietnamese message, HTTP status."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import SAMPLES, zip_folder

INVALID = SAMPLES.parent / "invalid"

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["type"] == f"urn:luutru:problem:{code}"
    assert body["title"] == body["message_vi"] and body["detail"] and body["instance"]
    return body


def test_unknown_dossier_is_a_not_found_problem_in_vietnamese(archive, client):
    body = _problem(client.get("/api/v1/dossiers/000.00.00.H41.1999.99.XX", headers=archive.as_user("auditor")),
                    404, "not_found")
    assert body["message_vi"] == "Không tìm thấy hồ sơ 000.00.00.H41.1999.99.XX."


def test_missing_login_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/dossiers")
    _problem(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_token_is_refused(client):
    _problem(client.get("/api/v1/dossiers", headers={"Authorization": "Bearer lt_khong-hop-le"}),
             401, "not_authenticated")


def test_malformed_parameters_name_each_one(archive, client):
    body = _problem(client.get("/api/v1/search?per_page=0&year=abc", headers=archive.as_user("researcher")),
                    422, "invalid_request")
    assert {tuple(e["loc"]) for e in body["errors"]} == {("query", "per_page"), ("query", "year")}


def test_search_dates_in_the_wrong_order_are_an_invalid_query(archive, client):
    _problem(client.get("/api/v1/search?from=2022-01-01&to=2021-01-01", headers=archive.as_user("researcher")),
             400, "invalid_search_query")


def test_unknown_route_and_method_are_problems_too(client):
    _problem(client.get("/api/v1/khong-co"), 404, "not_found")
    _problem(client.put("/api/v1/dossiers"), 405, "method_not_allowed")


def test_upload_over_the_limit_is_refused_and_nothing_is_kept(archive, client):
    uploads = archive.home / "var" / "uploads"
    before = set(uploads.glob("*")) if uploads.exists() else set()
    big = b"\0" * (3 * 1024 * 1024)
    response = client.post("/api/v1/submissions", headers=archive.as_user("archivist_a"),
                           files={"file": ("hoso.zip", big, "application/zip")})
    _problem(response, 413, "submission_too_large")
    assert set(uploads.glob("*")) == before


def test_upload_without_a_file_part_is_invalid(archive, client):
    body = _problem(client.post("/api/v1/validate", headers=archive.as_user("archivist_a"), data={"x": "1"},
                                files={"other": ("a.txt", b"a", "text/plain")}), 422, "invalid_request")
    assert "file" in body["detail"]
    _problem(client.post("/api/v1/validate", headers=archive.as_user("archivist_a"), json={}), 422, "invalid_request")


def test_upload_that_is_not_a_submission_is_unreadable(archive, client):
    _problem(client.post("/api/v1/validate", headers=archive.as_user("archivist_a"),
                         files={"file": ("hoso.zip", b"not a zip", "application/zip")}), 400, "unreadable_submission")


@pytest.mark.parametrize("sample", ["date_order", "doc_total_mismatch"])
def test_validate_returns_the_validators_report_with_every_error(archive, client, sample):
    expected = json.loads((INVALID / sample / "expected.json").read_text(encoding="utf-8"))
    response = client.post("/api/v1/validate", headers=archive.as_user("archivist_a"),
                           files={"file": ("hoso.zip", zip_folder(INVALID / sample / "submission"), "application/zip")})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False and report["source"] == "upload.zip"
    assert all(e["message_vi"] and e["code"] for e in report["errors"])
    assert set(expected["codes"]) <= set(report["codes"])
