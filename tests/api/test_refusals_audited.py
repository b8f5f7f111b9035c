"""A refused request is an audit event: the auditor sees who tried what they may not do."""
from __future__ import annotations

from sqlalchemy import select

from archive import audit
from archive.catalog import session_scope
from archive.catalog.models import AuditEntry


def _last_entry() -> AuditEntry:
    with session_scope() as session:
        entry = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
        session.expunge(entry)
        return entry


def test_a_refused_request_is_in_the_trail_with_the_caller_and_the_request(client, archive):
    path = f"/api/v1/dossiers/{archive.open_code}/hold"
    refused = client.post(path, headers=archive.as_user("researcher"), json={"reason": "Thanh tra"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    entry = _last_entry()
    assert (entry.action, entry.actor, entry.outcome, entry.object) == ("refused", "researcher", "refused",
                                                                         f"POST {path}")
    assert entry.detail["code"] == "forbidden" and entry.detail["via"] == "api"
    assert audit.verify().ok


def test_a_write_without_its_csrf_token_is_audited_as_refused(client, archive):
    from tests.api.conftest import PASSWORD
    login = client.post("/api/v1/auth/login", json={"username": "archivist_a", "password": PASSWORD})
    assert login.status_code == 200
    path = f"/api/v1/dossiers/{archive.restricted_code}/hold"
    refused = client.post(path, json={"reason": "Thanh tra"})          # session cookie, no CSRF header
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    entry = _last_entry()
    assert (entry.action, entry.actor, entry.object) == ("refused", "archivist_a", f"POST {path}")
    assert entry.detail["code"] == "csrf_failed"


def test_a_refused_download_is_recorded_once_as_a_download(client, archive):
    file = archive.file(archive.restricted_code, "original")
    before = _last_entry().seq
    refused = client.get(f"/api/v1/files/{file['id']}/content", headers=archive.as_user("auditor"))
    assert refused.status_code == 403
    with session_scope() as session:
        added = session.execute(select(AuditEntry).where(AuditEntry.seq > before)).scalars().all()
        assert [(e.action, e.actor, e.outcome) for e in added] == [("download", "auditor", "denied")]
