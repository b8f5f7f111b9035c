"""Downloads stream the stored bytes, whole or as one byte range, and every one is audited."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry


def _download(archive, client, file, user="researcher", **headers):
    return client.get(f"/api/v1/files/{file['id']}/content", headers={**archive.as_user(user), **headers})


def test_whole_file_is_the_stored_bytes_with_its_checksum_as_etag(archive, client):
    file = archive.file(archive.open_code, "preservation")
    response = _download(archive, client, file)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == file["sha256"]
    assert response.headers["content-length"] == str(file["size"])
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"] == f'"{file["sha256"]}"'
    assert response.headers["content-type"] == "application/pdf"
    # named after the document's submitted main file (not the package's 001.pdf), RFC 6266 + 5987
    assert response.headers["content-disposition"] == ("inline; filename=\"cv-4021-ubnd-vp-khan.pdf\"; "
                                                       "filename*=UTF-8''cv-4021-ubnd-vp-khan.pdf")


def test_original_is_downloadable_bit_for_bit(archive, client):
    file = archive.file(archive.open_code, "original")
    response = _download(archive, client, file)
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == file["sha256"]


def test_byte_ranges_return_exactly_the_bytes_asked_for(archive, client):
    file = archive.file(archive.open_code, "preservation")
    whole = _download(archive, client, file).content
    size = len(whole)
    for header, first, last in (("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1), ("bytes=-50", size - 50, size - 1),
                                (f"bytes={size - 10}-{size + 500}", size - 10, size - 1)):
        response = _download(archive, client, file, range=header)
        assert response.status_code == 206, header
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert response.headers["content-length"] == str(last - first + 1)
        assert response.content == whole[first:last + 1]


def test_range_outside_the_file_is_416_with_the_size(archive, client):
    file = archive.file(archive.open_code, "preservation")
    response = _download(archive, client, file, range=f"bytes={file['size']}-")
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{file['size']}"
    assert response.json()["code"] == "range_not_satisfiable"


def test_several_ranges_or_a_stale_if_range_get_the_whole_file(archive, client):
    file = archive.file(archive.open_code, "preservation")
    assert _download(archive, client, file, range="bytes=0-1,5-9").status_code == 200
    stale = _download(archive, client, file, range="bytes=0-9", **{"if-range": '"0000"'})
    assert stale.status_code == 200 and len(stale.content) == file["size"]
    fresh = _download(archive, client, file, range="bytes=0-9", **{"if-range": f'"{file["sha256"]}"'})
    assert fresh.status_code == 206 and len(fresh.content) == 10


def test_every_download_is_in_the_audit_trail_with_who_and_what(archive, client):
    file = archive.file(archive.restricted_code, "original")
    assert _download(archive, client, file, user="researcher_granted", range="bytes=0-9").status_code == 206
    with session_scope() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "download")
                                .order_by(AuditEntry.seq.desc())).scalars().first()
        assert (entry.actor, entry.object) == ("researcher_granted", f"{archive.restricted_code}/{file['path']}")
        assert entry.detail["range"] == f"bytes 0-9/{file['size']}" and entry.detail["role"] == "original"


def test_researcher_cannot_download_a_restricted_file_even_by_its_id(archive, client):
    file = archive.file(archive.restricted_code, "preservation")
    response = _download(archive, client, file, user="researcher", range="bytes=0-9")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    assert b"%PDF" not in response.content
    with session_scope() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "download")
                                .order_by(AuditEntry.seq.desc())).scalars().first()
        assert (entry.actor, entry.outcome, entry.object) == ("researcher", "denied", f"file:{file['id']}")


def test_pdf_opens_inline_and_other_originals_are_sandboxed_downloads(archive, client):
    pdf = _download(archive, client, archive.file(archive.open_code, "preservation"))
    assert pdf.headers["content-disposition"].startswith("inline;")
    from api.download import content_disposition
    html = content_disposition("text/html", "trang.html")
    assert html["Content-Disposition"].startswith("attachment;") and html["Content-Security-Policy"] == "sandbox"
