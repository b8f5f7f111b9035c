"""A transfer through the REST API on both sides: prepared at the agency's archive (the test
package's instance), its bag zipped and uploaded to a second instance, the historical archive,
which receives it and hands out the signed acknowledgement the agency then imports. A damaged
bag or a hostile ZIP is refused and the historical archive keeps nothing."""
from __future__ import annotations

import contextlib
import io
import shutil
import zipfile

import pytest
from fastapi.testclient import TestClient

from archive import audit
from archive.settings import get_settings
from tests.api.conftest import AGENCY_B, BASE_URL, PASSWORD, SAMPLES, zip_folder
from tests.archive.lifecycle.test_transfer import ARCHIVE_NAME

API = "/api/v1"
HISTORICAL_ORGAN = "000.00.00.H99"


@pytest.fixture
def permanent_dossier(archive) -> str:
    """A permanent dossier of agency B (a sample whose retention is set to Vĩnh viễn), ingested."""
    from ingest import pipeline
    copy = archive.home / "samples" / "received-permanent"
    shutil.copytree(SAMPLES / "stttt-2021-08cntt-tap-huan-vbdt", copy)
    manifest = copy / "hoso.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"Maintenance": "10 năm"',
                                                                     '"Maintenance": "Vĩnh viễn"'), encoding="utf-8")
    return pipeline.submit(copy, organ_id=AGENCY_B, actor="archivist_b").dossier().code


@contextlib.contextmanager
def historical_archive(tmp_path, key):
    """The receiving instance: its own data folder and signing key, its users, its app."""
    from api import accounts
    from api.app import create_app
    from archive.catalog.db import init_catalog
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUUTRU_DATA_DIR", str(tmp_path / "historical"))
        mp.setenv("LUUTRU_TRANSFER_SIGNING_KEY", str(key))
        mp.setenv("LUUTRU_ARCHIVE_NAME", ARCHIVE_NAME)
        init_catalog()
        from tests.fixtures.agencies import register_agencies
        register_agencies(HISTORICAL_ORGAN)      # its archivists belong to a registered agency
        tokens = {}
        for name, role, organ in (("luutru_ls", "archivist", HISTORICAL_ORGAN), ("admin", "admin", None),
                                  ("researcher", "researcher", None)):
            user = accounts.create_user(name, role, organ, PASSWORD, actor="test")
            tokens[name] = {"Authorization": f"Bearer {accounts.issue_token(user.id, 'test', actor='test')}"}
        with TestClient(create_app(), base_url=BASE_URL) as client:
            yield client, tokens


def _upload(content: bytes) -> dict:
    return {"files": {"file": ("transfer.zip", content, "application/zip")}}


def _traversal_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
        zf.writestr("../../escaped.txt", "ra ngoài thư mục")
    return buffer.getvalue()


def _damaged_zip(bag, work) -> bytes:
    """The bag with one byte of a document changed, zipped as its folder (one top-level folder)."""
    copy = work / "damaged" / bag.name
    shutil.copytree(bag, copy)
    pdf = sorted((copy / "data").rglob("*.pdf"))[0]
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    return zip_folder(copy.parent)


def _audited_transfers() -> list[tuple[str, str | None]]:
    from sqlalchemy import select

    from archive.catalog.db import session_scope
    from archive.catalog.models import AuditEntry
    with session_scope() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer").order_by(AuditEntry.seq))
        return [(e.outcome, (e.detail or {}).get("reason")) for e in entries]


def test_transfer_prepared_on_one_instance_is_received_through_the_api_of_another(archive, permanent_dossier,
                                                                                   tmp_path):
    from archive.lifecycle.transfer.signing import generate_identity
    from tests.archive.lifecycle.test_transfer import _receiver_is_empty
    code = permanent_dossier
    agency = archive.as_user("archivist_b")
    made = archive.client.post(f"{API}/transfers", headers=agency, json={"dossier_codes": [code]})
    assert made.status_code == 201, made.text
    ref = made.json()["reference"]
    bag = get_settings().data_dir / "transfers" / ref
    generate_identity(ARCHIVE_NAME, tmp_path / "key.pem", tmp_path / "cert.pem")

    with historical_archive(tmp_path, tmp_path / "key.pem") as (client, users):
        work = get_settings().data_dir / "work"
        assert client.post(f"{API}/transfers/received", headers=users["researcher"],
                           **_upload(zip_folder(bag))).status_code == 403
        damaged = client.post(f"{API}/transfers/received", headers=users["luutru_ls"],
                              **_upload(_damaged_zip(bag, tmp_path)))
        assert damaged.status_code == 422 and damaged.headers["content-type"] == "application/problem+json"
        assert (damaged.json()["code"], damaged.json()["reason"]) == ("transfer_refused", "checksum_mismatch")
        hostile = client.post(f"{API}/transfers/received", headers=users["luutru_ls"], **_upload(_traversal_zip()))
        assert hostile.status_code == 400, hostile.text
        assert (hostile.json()["code"], hostile.json()["reason"]) == ("unreadable_submission", "zip_unsafe_entry")
        assert _receiver_is_empty() and not list(work.iterdir())
        assert not (tmp_path / "escaped.txt").exists()

        received = client.post(f"{API}/transfers/received", headers=users["luutru_ls"], **_upload(zip_folder(bag)))
        assert received.status_code == 201, received.text
        body = received.json()
        assert (body["reference"], body["dossiers"]) == (ref, [code])
        ack = client.get(body["acknowledgement"], headers=users["luutru_ls"])
        signature = client.get(body["signature"], headers=users["admin"])
        assert ack.status_code == signature.status_code == 200
        assert ack.json()["reference"] == ref and ack.json()["receiving_archive"] == ARCHIVE_NAME
        assert client.get(body["signature"], headers=users["researcher"]).status_code == 403
        again = client.post(f"{API}/transfers/received", headers=users["admin"], **_upload(zip_folder(bag)))
        assert again.status_code == 422 and again.json()["code"] == "transfer_refused"
        assert client.get(f"{API}/dossiers/{code}", headers=users["admin"]).json()["status"] == "archived"
        assert _audited_transfers() == [("failure", "checksum_mismatch"), ("failure", "zip_unsafe_entry"),
                                        ("success", None), ("failure", "invalid_package")]
        assert audit.verify().ok

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LUUTRU_TRANSFER_RECEIVER_CERTIFICATE", str(tmp_path / "cert.pem"))
        done = archive.client.post(f"{API}/transfers/{ref}/acknowledgement", headers=agency, files={
            "acknowledgement": ("ack.json", ack.content, "application/json"),
            "signature": ("ack.json.sig", signature.content, "application/octet-stream")})
    assert done.status_code == 200, done.text
    assert archive.client.get(f"{API}/dossiers/{code}", headers=agency).json()["status"] == "transferred"
