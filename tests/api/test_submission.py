"""An agency's archivist uploads a ZIP; the job runs in the server's background and its
progress shows step by step until the dossier is archived and searchable."""
from __future__ import annotations

import time

from tests.api.conftest import AGENCY_B

SAMPLE = "stttt-2021-05cntt-trien-khai-chu-ky-so"     # Công khai, agency B


def _wait(client, url: str, headers: dict, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    seen_states = set()
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json()
        seen_states.add(job["state"])
        if job["state"] in ("done", "failed"):
            return job | {"seen": seen_states}
        time.sleep(0.5)
    raise AssertionError(f"job still {job['state']} after {timeout} s")


def test_uploaded_dossier_is_ingested_in_the_background_and_found(archive, client):
    headers = archive.as_user("archivist_b")
    response = client.post("/api/v1/submissions", headers=headers,
                           files={"file": ("hoso.zip", archive.zip_of(SAMPLE), "application/zip")})
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status_url"] == f"/api/v1/jobs/{accepted['job_id']}"
    job = _wait(client, accepted["status_url"], headers)
    assert job["state"] == "done", job
    assert [s["step"] for s in job["steps"]][:2] == ["receive", "validate"] and job["done_steps"] == job["total_steps"]
    code = job["dossier_code"]
    assert code.startswith(AGENCY_B)
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=archive.as_user("researcher")).json()
    assert dossier["status"] == "archived" and dossier["content_readable"] is True
    results = client.get("/api/v1/search", params={"q": "chu ky so"}, headers=archive.as_user("researcher")).json()
    assert code in {hit["record"]["dossier_code"] for hit in results["hits"]}


def test_a_failed_job_shows_the_step_and_reason(archive, client):
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("ghi-chu.txt", "không có tệp hoso.xml")
    headers = archive.as_user("archivist_a")
    accepted = client.post("/api/v1/submissions", headers=headers,
                           files={"file": ("hoso.zip", buffer.getvalue(), "application/zip")}).json()
    job = _wait(client, accepted["status_url"], headers)
    failed = [s for s in job["steps"] if s["state"] == "failed"]
    assert job["state"] == "failed" and len(failed) == 1 and failed[0]["reason"]


def test_an_amendment_shortening_retention_waits_for_the_other_agency_head(archive, client, tmp_path):
    import shutil
    from tests.api.conftest import OPEN_SAMPLE, SAMPLES, zip_folder
    amended = tmp_path / "amended"
    shutil.copytree(SAMPLES / OPEN_SAMPLE, amended)
    manifest = amended / "hoso.xml"
    text = manifest.read_text(encoding="utf-8")
    before = text.split("<Maintenance>")[1].split("</Maintenance>")[0]
    manifest.write_text(text.replace(f"<Maintenance>{before}</Maintenance>", "<Maintenance>5 năm</Maintenance>"),
                        encoding="utf-8")
    headers = archive.as_user("archivist_b")
    accepted = client.post("/api/v1/submissions", headers=headers,
                           files={"file": ("hoso.zip", zip_folder(amended), "application/zip")}).json()
    deadline = time.monotonic() + 120
    while (job := client.get(accepted["status_url"], headers=headers).json())["state"] != "awaiting_approval":
        assert job["state"] not in ("done", "failed") and time.monotonic() < deadline, job
        time.sleep(0.3)
    [change] = [c for c in client.get("/api/v1/amendments", headers=archive.as_user("head_b")).json()
                if c["job_id"] == accepted["job_id"]]
    assert change["changes"]["Maintenance"] == {"before": before, "after": "5 năm"}
    assert client.post(f"/api/v1/amendments/{change['id']}/approve", json={},
                       headers=archive.as_user("archivist_b")).status_code == 403
    assert client.post(f"/api/v1/amendments/{change['id']}/approve", json={},
                       headers=archive.as_user("head_a")).status_code == 404     # another agency's: not found
    rejected = client.post(f"/api/v1/amendments/{change['id']}/reject", json={"note": "Không có căn cứ"},
                           headers=archive.as_user("head_b"))
    assert rejected.status_code == 200 and rejected.json()["stage"] == "rejected"
    dossier = client.get(f"/api/v1/dossiers/{archive.open_code}", headers=archive.as_user("researcher")).json()
    assert dossier["maintenance"] == before and len(client.get(f"/api/v1/dossiers/{archive.open_code}/versions",
                                                               headers=headers).json()) == 1
