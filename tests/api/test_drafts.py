"""Building a dossier from its documents through the API: upload three documents, read their
fields, correct one, fill the dossier, validate, submit; the dossier is archived as corrected.
Drafts belong to their agency's archivists only."""
from __future__ import annotations

from tests.api.conftest import SAMPLES
from tests.api.test_submission import _wait

SOURCE = SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt" / "files"
DOCUMENTS = ("cv-2849-stttt-cntt.pdf", "bc-12-stp-tham-dinh.pdf", "qd-04-2021-qd-ubnd.pdf")
DOSSIER = {"Title": "Hồ sơ lập từ văn bản: ban hành Quy định văn bản điện tử", "Maintenance": "Vĩnh viễn",
           "Rights": "Công khai", "Creator": "Nguyễn Thị Lan"}


def _upload(client, headers, draft_id: str, name: str):
    return client.post(f"/api/v1/drafts/{draft_id}/documents", params={"name": name}, headers=headers,
                       files={"file": (name, (SOURCE / name).read_bytes(), "application/pdf")})


def test_draft_from_three_documents_corrected_validated_and_archived(archive, client):
    headers = archive.as_user("archivist_a")
    draft_id = client.post("/api/v1/drafts", headers=headers).json()["draft_id"]
    for name in DOCUMENTS:
        response = _upload(client, headers, draft_id, name)
        assert response.status_code == 200, response.text
    state = client.get(f"/api/v1/drafts/{draft_id}", headers=headers).json()
    fields = {d["file"]: d["fields"] for d in state["documents"]}
    assert fields["qd-04-2021-qd-ubnd.pdf"]["CodeNotation"]["value"] == "2021/QĐ-UBND"
    assert fields["cv-2849-stttt-cntt.pdf"]["TypeName"]["value"] == "Công văn"
    manifest = state["manifest"]
    assert [d["file"] for d in manifest["Documents"]] == [
        "files/cv-2849-stttt-cntt.pdf", "files/bc-12-stp-tham-dinh.pdf", "files/qd-04-2021-qd-ubnd.pdf"]

    where = fields["qd-04-2021-qd-ubnd.pdf"]["CodeNotation"]["where"][0]
    region = client.get(f"/api/v1/drafts/{draft_id}/documents/qd-04-2021-qd-ubnd.pdf/region", headers=headers,
                        params={"page": where["page"], "box": ",".join(map(str, where["box"]))})
    assert region.status_code == 200 and region.content[:8] == b"\x89PNG\r\n\x1a\n"

    report = client.post(f"/api/v1/drafts/{draft_id}/validate", headers=headers, json=manifest).json()
    assert not report["valid"] and {"field_required"} <= {p["code"] for p in report["errors"]}

    manifest.update(DOSSIER)
    manifest["FileCode"] = {"FileNotation": "31.VP"}
    manifest["Documents"][0]["Subject"] = "Đề nghị ban hành Quy định (đã sửa)"
    report = client.post(f"/api/v1/drafts/{draft_id}/validate", headers=headers, json=manifest).json()
    assert report["valid"], report["errors"]

    accepted = client.post(f"/api/v1/drafts/{draft_id}/submit", headers=headers, json=manifest)
    assert accepted.status_code == 202, accepted.text
    job = _wait(client, accepted.json()["status_url"], headers)
    assert job["state"] == "done", job
    documents = client.get(f"/api/v1/dossiers/{job['dossier_code']}/documents", headers=headers).json()
    assert documents[0]["fields"]["Subject"] == "Đề nghị ban hành Quy định (đã sửa)"
    # the draft is gone once submitted
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=headers).status_code == 404


def test_drafts_are_their_agencys_and_archivists_only(archive, client):
    draft_id = client.post("/api/v1/drafts", headers=archive.as_user("archivist_a")).json()["draft_id"]
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=archive.as_user("archivist_b")).status_code == 404
    assert _upload(client, archive.as_user("archivist_b"), draft_id, DOCUMENTS[0]).status_code == 404
    assert client.post("/api/v1/drafts", headers=archive.as_user("researcher")).status_code == 403


def test_invalid_draft_is_not_submitted_and_odd_names_are_refused(archive, client):
    headers = archive.as_user("archivist_a")
    draft_id = client.post("/api/v1/drafts", headers=headers).json()["draft_id"]
    assert _upload(client, headers, draft_id, DOCUMENTS[0]).status_code == 200
    manifest = client.get(f"/api/v1/drafts/{draft_id}", headers=headers).json()["manifest"]
    refused = client.post(f"/api/v1/drafts/{draft_id}/submit", headers=headers, json=manifest)
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_dossier"
    for name in ("../../owner.json", "hoso.xml", ".pdf"):
        response = client.post(f"/api/v1/drafts/{draft_id}/documents", params={"name": name}, headers=headers,
                               files={"file": ("x", b"%PDF-1.4", "application/pdf")})
        assert response.status_code == 422, name


def test_two_documents_uploaded_at_once_both_stay(tmp_path):
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from api import drafts
    from archive.settings import Settings

    settings = Settings(data_dir=tmp_path)
    folder = drafts.folder_of(settings, drafts.create(settings, organ_id="000.00.00.H41", actor="a"), "000.00.00.H41")
    uploads = []
    for name in DOCUMENTS:
        upload = tmp_path / f"{name}.part"
        shutil.copy(SOURCE / name, upload)
        uploads.append((upload, name))
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda u: drafts.add_document(folder, *u), uploads))
    assert sorted(d["file"] for d in drafts.state(folder)["documents"]) == sorted(DOCUMENTS)
