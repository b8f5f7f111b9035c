"""Lifecycle through the REST API: a 10-year dossier ingested, the archive's today moved past
its expiry (LUUTRU_FIXED_TODAY), listed, reviewed, audited, approved and destroyed by different
users, with the certificate downloadable and the audit chain intact; a legal hold refuses
destruction and transfer; a transfer is prepared and its documents downloaded."""
from __future__ import annotations

import io
import shutil

import pytest
from lxml import etree
from openpyxl import load_workbook

from archive import audit
from archive.settings import get_settings
from tests.api.conftest import AGENCY_A, AGENCY_B, SAMPLES, permanent_copy
from tests.api.test_refusals_audited import _last_entry
from tests.archive.lifecycle.conftest import REASON
from tests.fixtures.archives import with_retention

AFTER_EXPIRY = "2032-01-01"     # EndDate 2021-03-15 + 10 năm: kept until 2031-12-31
API = "/api/v1"


@pytest.fixture
def after_expiry(archive):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUUTRU_FIXED_TODAY", AFTER_EXPIRY)
        yield


@pytest.fixture
def ten_year_dossier(archive) -> str:
    from ingest import pipeline
    copy = archive.home / "samples" / "ten-year"
    shutil.copytree(SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", copy)
    job = pipeline.submit(with_retention(copy, "10 năm"), organ_id=AGENCY_A, actor="archivist_a")
    return job.dossier().code


@pytest.fixture
def permanent_dossier(archive) -> str:
    """A permanent dossier of agency B, ingested (a sample whose retention is set to Vĩnh viễn)."""
    from ingest import pipeline
    copy = permanent_copy(archive, "permanent", "93.CNTT")
    return pipeline.submit(copy, organ_id=AGENCY_B, actor="archivist_b").dossier().code


def call(archive, user: str, method: str, path: str, status: int, **kwargs):
    response = archive.client.request(method, API + path, headers=archive.as_user(user), **kwargs)
    assert response.status_code == status, response.text
    return response


def test_expired_dossier_is_destroyed_through_the_api_step_by_step(archive, ten_year_dossier, after_expiry):
    code = ten_year_dossier
    run = call(archive, "auditor", "POST", "/retention/run", 200).json()
    assert run["today"] == AFTER_EXPIRY
    assert {"code": code, "kind": "retention_expired"}.items() <= next(d for d in run["due"] if d["code"] == code).items()
    notices = call(archive, "archivist_a", "GET", "/notifications", 200).json()
    assert any(n["dossier_code"] == code and n["kind"] == "retention_expired" for n in notices)

    list_id = call(archive, "archivist_a", "POST", "/destruction-lists", 201,
                   json={"items": [{"dossier_code": code, "reason": REASON}]}).json()["id"]
    call(archive, "head_a", "POST", f"/destruction-lists/{list_id}/execute", 409)           # not approved yet
    kept = call(archive, "council_a", "POST", f"/destruction-lists/{list_id}/items/{code}/review", 200,
                json={"decision": "keep", "new_maintenance": "20 năm"}).json()   # the field's published name
    assert (kept["items"][0]["outcome"], kept["items"][0]["new_retention"]) == ("keep", "20 năm")
    listed = call(archive, "council_a", "POST", f"/destruction-lists/{list_id}/items/{code}/review", 200,
                  json={"decision": "agree", "note": "Đã hết giá trị"}).json()
    assert listed["stage"] == "audit_review" and listed["items"][0]["reviews"][0]["reviewer"] == "council_a"
    call(archive, "archivist_a", "POST", f"/destruction-lists/{list_id}/approve", 403, json={"decision_ref": "15/QĐ"})
    call(archive, "auditor", "POST", f"/destruction-lists/{list_id}/audit", 200, json={"agree": True})
    approved = call(archive, "head_a", "POST", f"/destruction-lists/{list_id}/approve", 200,
                    json={"decision_ref": "15/QĐ-UBND"}).json()
    assert (approved["stage"], approved["approved_by"]) == ("approved", "head_a")

    done = call(archive, "archivist_a", "POST", f"/destruction-lists/{list_id}/execute", 200).json()
    assert done["stage"] == "executed" and done["items"][0]["outcome"] == "destroyed"
    stub = call(archive, "archivist_a", "GET", f"/dossiers/{code}", 200).json()   # the catalog keeps a stub only
    assert (stub["status"], stub["documents"]) == ("destroyed", [])
    assert call(archive, "archivist_a", "GET", f"/dossiers/{code}/files", 200).json() == []
    pdf = call(archive, "head_a", "GET", f"/destruction-lists/{list_id}/certificate/pdf", 200)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xml = call(archive, "auditor", "GET", f"/destruction-lists/{list_id}/certificate/xml", 200)
    certificate = etree.fromstring(xml.content)          # who decided, what was destroyed, with its checksums
    ns = {"c": "urn:luutru:destruction:1"}
    assert (certificate.tag, certificate.get("list"), certificate.get("agency")) == (
        f"{{{ns['c']}}}DestructionCertificate", str(list_id), AGENCY_A)
    decision = certificate.find("c:Decision", ns)
    assert (decision.get("ref"), decision.get("approvedBy")) == ("15/QĐ-UBND", "head_a")
    assert [r.get("reviewer") for r in certificate.iterfind("c:CouncilReviews/c:Review", ns)] == ["council_a"]
    [destroyed] = certificate.findall("c:Dossiers/c:Dossier", ns)
    assert (destroyed.get("code"), destroyed.findtext("c:Reason", namespaces=ns)) == (code, REASON)
    objects = destroyed.findall("c:Object", ns)
    assert objects and all(len(o.get("sha256")) == 64 and int(o.get("size")) > 0 for o in objects)
    call(archive, "council_b", "GET", f"/destruction-lists/{list_id}/certificate/pdf", 404)   # not their agency's
    assert audit.verify().ok


def test_dossier_under_legal_hold_is_refused_through_the_api(archive, after_expiry):
    from tests.api.lifecycle_fixtures import LONG_EXPIRED
    from tests.archive.lifecycle.conftest import catalogue
    code = catalogue("API-HOLD", "10 năm", LONG_EXPIRED, organ=AGENCY_A)
    call(archive, "archivist_a", "POST", f"/dossiers/{code}/hold", 403, json={"reason": "Thanh tra"})
    call(archive, "head_a", "POST", f"/dossiers/{code}/hold", 201, json={"reason": "Phục vụ thanh tra"})
    refused = call(archive, "archivist_a", "POST", "/destruction-lists", 409,
                   json={"items": [{"dossier_code": code, "reason": REASON}]})
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "legal_hold_active"
    attempt = _last_entry()             # trying to dispose of a held record is in the trail
    assert (attempt.action, attempt.actor, attempt.outcome, attempt.object) == (
        "refused", "archivist_a", "refused", "POST /api/v1/destruction-lists")
    assert attempt.detail["code"] == "legal_hold_active" and attempt.detail["via"] == "api"
    call(archive, "head_a", "POST", f"/dossiers/{code}/hold", 409, json={"reason": "Lần nữa"})
    call(archive, "auditor", "DELETE", f"/dossiers/{code}/hold", 200, json={"reason": "Thanh tra xong"})
    call(archive, "archivist_a", "POST", "/destruction-lists", 201,
         json={"items": [{"dossier_code": code, "reason": REASON}]})


def test_dossier_under_legal_hold_is_not_prepared_for_transfer_through_the_api(archive):
    from tests.api.lifecycle_fixtures import LONG_EXPIRED
    from tests.archive.lifecycle.conftest import catalogue
    code = catalogue("API-NL-HOLD", "Vĩnh viễn", LONG_EXPIRED, organ=AGENCY_A)
    hold = call(archive, "head_a", "POST", f"/dossiers/{code}/hold", 201, json={"reason": "Phục vụ thanh tra"})
    refused = call(archive, "archivist_a", "POST", "/transfers", 409, json={"dossier_codes": [code]})
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "legal_hold_active" and problem["dossier"] == code
    assert "phong tỏa" in problem["message_vi"] and "nộp lưu" in problem["message_vi"]
    assert str(problem["hold"]) in problem["message_vi"] and problem["hold"] == hold.json()["hold_id"]


def _ack_files(ack: bytes, signature: bytes) -> dict:
    return {"files": {"acknowledgement": ("ack.json", ack, "application/json"),
                      "signature": ("ack.json.sig", signature, "application/octet-stream")}}


def test_transfer_is_prepared_downloaded_and_completed_by_a_signed_acknowledgement(archive, permanent_dossier,
                                                                                   tmp_path):
    from archive.lifecycle.transfer import PreparedTransfer
    from archive.lifecycle.transfer.acknowledgement import signature_path, write
    from archive.lifecycle.transfer.manifest import TransferManifest
    from archive.lifecycle.transfer.signing import generate_identity, signing_key
    from tests.archive.lifecycle.test_transfer import ARCHIVE_NAME, _acknowledgement
    code = permanent_dossier
    made = call(archive, "archivist_b", "POST", "/transfers", 201, json={"dossier_codes": [code]}).json()
    assert made["dossiers"] == [code] and made["total_files"] > 0
    ref = made["reference"]
    book = load_workbook(io.BytesIO(call(archive, "head_b", "GET", f"/transfers/{ref}/documents/transfer-list.xlsx",
                                         200).content))
    assert any(code in str(c.value) for row in book.active.iter_rows() for c in row)
    assert call(archive, "archivist_b", "GET", f"/transfers/{ref}/documents/handover-record.pdf",
                200).content.startswith(b"%PDF")
    call(archive, "archivist_a", "GET", f"/transfers/{ref}/documents/transfer-list.pdf", 404)   # B's: not found

    folder = get_settings().data_dir / "transfers" / ref
    prepared = PreparedTransfer(ref, folder, TransferManifest.read(folder / "data"))
    generate_identity(ARCHIVE_NAME, tmp_path / "key.pem", tmp_path / "cert.pem")
    ack = write(_acknowledgement(prepared), tmp_path / "ack", signing_key(tmp_path / "key.pem"))
    signed = _ack_files(ack.read_bytes(), signature_path(ack).read_bytes())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUUTRU_TRANSFER_RECEIVER_CERTIFICATE", str(tmp_path / "cert.pem"))
        other = call(archive, "archivist_b", "POST", f"/transfers/{ref}/acknowledgement", 422,
                     **_ack_files(b'{"reference": "NL-khac"}', b"x"))
        assert other.json()["code"] == "invalid_request"
        forged = call(archive, "archivist_b", "POST", f"/transfers/{ref}/acknowledgement", 422,
                      **_ack_files(ack.read_bytes(), b"not a signature"))
        assert forged.json()["code"] == "acknowledgement_rejected"
        assert call(archive, "archivist_b", "GET", f"/dossiers/{code}", 200).json()["status"] == "archived"
        call(archive, "head_b", "POST", f"/transfers/{ref}/acknowledgement", 403, **signed)
        hold = call(archive, "head_b", "POST", f"/dossiers/{code}/hold", 201, json={"reason": "Thanh tra"}).json()
        for name in ("handover-record.pdf", "transfer-list.xlsx"):   # the folder is not handed over either
            blocked = call(archive, "archivist_b", "GET", f"/transfers/{ref}/documents/{name}", 409)
            assert blocked.headers["content-type"] == "application/problem+json" and b"%PDF" not in blocked.content
            blocked = blocked.json()
            assert (blocked["code"], blocked["dossier"], blocked["hold"]) == ("legal_hold_active", code, hold["hold_id"])
            assert f"số {hold['hold_id']}" in blocked["message_vi"] and "biên bản giao nhận" in blocked["message_vi"]
        refused = _last_entry()
        assert (refused.action, refused.actor, refused.outcome, refused.object) == (
            "download", "archivist_b", "denied", f"{ref}/transfer-list.xlsx")
        assert (refused.detail["code"], refused.detail["hold"]) == ("legal_hold_active", hold["hold_id"])
        held = call(archive, "archivist_b", "POST", f"/transfers/{ref}/acknowledgement", 409, **signed).json()
        assert (held["code"], held["dossier"], held["hold"]) == ("legal_hold_active", code, hold["hold_id"])
        assert f"số {hold['hold_id']}" in held["message_vi"] and "nộp lưu" in held["message_vi"]
        assert call(archive, "archivist_b", "GET", f"/dossiers/{code}", 200).json()["status"] == "archived"
        call(archive, "head_b", "DELETE", f"/dossiers/{code}/hold", 200, json={"reason": "Thanh tra xong"})
        assert call(archive, "head_b", "GET", f"/transfers/{ref}/documents/handover-record.pdf",
                    200).content.startswith(b"%PDF")
        done = call(archive, "archivist_b", "POST", f"/transfers/{ref}/acknowledgement", 200, **signed).json()
        again = call(archive, "archivist_b", "POST", f"/transfers/{ref}/acknowledgement", 409, **signed).json()
        assert again["code"] == "wrong_workflow_stage"                     # complete once, not twice
    assert (done["reference"], done["dossiers"]) == (ref, [code]) and done["objects_removed"] > 0
    assert call(archive, "archivist_b", "GET", f"/dossiers/{code}", 200).json()["status"] == "transferred"
    held = call(archive, "head_b", "POST", f"/dossiers/{code}/hold", 409, json={"reason": "Thanh tra"}).json()
    assert (held["code"], held["dossier_status"]) == ("dossier_not_in_custody", "transferred")   # no longer ours
    assert audit.verify().ok
