"""Lifecycle tests: an archive on its embedded defaults, dossiers ingested through the real
pipeline or written straight into the catalog, the workflow's actors, an SMTP sink."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.catalog import init_catalog, session_scope
from archive.catalog.models import DocumentRecord, DossierRecord, FileRecord, PackageVersion, StoredObjectRecord
from archive.catalog.packages import upsert_dossier
from archive.lifecycle.destruction import approve_list, audit_list, draft_list, review_item
from archive.retention import retention_expiry
from schemas.models import Document, Dossier, DossierCode
from archive.access import Principal
from tests.fixtures.agencies import register_agencies
from tests.services import free_port

ORGAN = "000.00.00.H41"
OTHER_ORGAN = "000.00.00.H42"
ARCHIVIST = Principal("lan.vt", "archivist", ORGAN)
COUNCIL = Principal("hung.hd", "council", ORGAN)
COUNCIL_2 = Principal("thu.hd", "council", ORGAN)
AUDITOR = Principal("mai.snv", "auditor", "000.00.00.H01")
HEAD = Principal("binh.ld", "agency_head", ORGAN)
REASON = "Hết thời hạn bảo quản, không còn giá trị tra cứu"


def catalogue(code_notation: str, maintenance: str, end: date, *, organ: str = ORGAN,
              title: str = "Hồ sơ thử nghiệm") -> str:
    """A dossier written straight into the catalog as archived (no package): enough for
    retention listing, workflow refusals and reports."""
    dossier = Dossier(FileCode=DossierCode(OrganId=organ, FileCatalog=end.year, FileNotation=code_notation),
                      Title=title, Maintenance=maintenance, Rights="Công khai", Language="vie",
                      StartDate=date(end.year, 1, 1), EndDate=end,
                      Documents=[Document(direction="internal", DocOrdinal=1, TypeName="Tờ trình", Subject="Văn bản",
                                          IssuedDate=end)])
    register_agencies(organ)
    with session_scope() as session:
        upsert_dossier(session, dossier, status="archived",
                       retention_expiry=retention_expiry(maintenance, end))
    return dossier.code


def walk_to_approval(code: str, today: date) -> int:
    """Draft, council review, audit and the head's approval of a one-dossier list."""
    list_id = draft_list(ARCHIVIST, [(code, REASON)], today=today)
    review_item(COUNCIL, list_id, code, "agree", today=today)
    audit_list(AUDITOR, list_id, agree=True, note="Đồng ý hủy")
    approve_list(HEAD, list_id, decision_ref="15/QĐ-UBND", today=today)
    return list_id


@pytest.fixture
def archive_db(archive_home, migrated_catalog_url, monkeypatch):
    """The archive's catalog on SQLite, then on a real PostgreSQL server."""
    monkeypatch.setenv("LUUTRU_DATABASE_URL", migrated_catalog_url)
    yield migrated_catalog_url


def acknowledged_transfer(tmp_path, monkeypatch, notations: tuple[str, ...] = ("NL-CAS",)) -> Path:
    """A prepared transfer of permanent dossiers of ORGAN (one per notation), straight in the
    catalog, and the historical archive's genuine signed acknowledgement of it (its certificate
    configured)."""
    from archive.catalog.transfer import Transfer, TransferDossier
    from archive.lifecycle.transfer.acknowledgement import AcknowledgedPackage, Acknowledgement, write
    from archive.lifecycle.transfer.signing import generate_identity, signing_key
    from archive.clock import utcnow
    codes = [catalogue(notation, "Vĩnh viễn", date(2001, 12, 31)) for notation in notations]
    reference = "NL-000.00.00.H41-20260601-000001"
    packages = [AcknowledgedPackage(package_id=f"urn:uuid:sip-{i}", dossier_code=code, mets_sha256="b" * 64,
                                    archived_as=f"urn:uuid:aip-{i}") for i, code in enumerate(codes)]
    with session_scope() as s:
        ids = {r.code: r.id for r in s.scalars(select(DossierRecord).where(DossierRecord.code.in_(codes)))}
        s.add(Transfer(reference=reference, direction="outgoing", state="prepared", organ_id=ORGAN,
                       actor=ARCHIVIST.user, manifest_sha256="a" * 64,
                       dossiers=[TransferDossier(dossier_id=ids[p.dossier_code], dossier_code=p.dossier_code,
                                                 package_id=p.package_id, mets_sha256=p.mets_sha256, size=1, files=1)
                                 for p in packages]))
    generate_identity("Lưu trữ lịch sử", tmp_path / "key.pem", tmp_path / "cert.pem")
    monkeypatch.setenv("LUUTRU_TRANSFER_RECEIVER_CERTIFICATE", str(tmp_path / "cert.pem"))
    ack = Acknowledgement(reference=reference, transfer_manifest_sha256="a" * 64, sending_organ_id=ORGAN,
                          receiving_archive="Lưu trữ lịch sử", received_at=utcnow(), packages=packages)
    return write(ack, tmp_path / "ack", signing_key(tmp_path / "key.pem"))


def catalog_rows(code: str) -> dict:
    """The dossier's status and metadata, with how many catalog rows still describe it."""
    with session_scope() as s:
        record = s.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one()

        def count(model, *where):
            return s.execute(select(func.count()).select_from(model).where(*where)).scalar()
        return {"status": record.status, "metadata": record.metadata_json,
                "documents": count(DocumentRecord, DocumentRecord.dossier_id == record.id),
                "versions": count(PackageVersion, PackageVersion.dossier_id == record.id),
                "objects": count(StoredObjectRecord), "files": count(FileRecord)}


@dataclass
class SmtpSink:
    url: str
    messages: list


@pytest.fixture
def smtp_sink():
    """A real SMTP server on loopback (aiosmtpd) keeping every message it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSink(f"smtp://127.0.0.1:{port}", received)
    finally:
        controller.stop()


def token_for(who: Principal) -> str:
    """An API token of ``who``'s account (created, in a registered agency, on first use)."""
    from api import accounts
    init_catalog()
    if who.organ_id:
        register_agencies(who.organ_id)
    with session_scope() as session:
        user = session.execute(select(accounts.User).where(accounts.User.username == who.user)).scalar_one_or_none()
    if user is None:
        user = accounts.create_user(who.user, who.role, who.organ_id, None, actor="test")
    return accounts.issue_token(user.id, "cli", actor="test")


def cli_env(archive_home: Path, who: Principal | None = None) -> dict[str, str]:
    """The environment of a ``luutru`` command run by ``who`` (LUUTRU_TOKEN), or by no one."""
    import os
    env = {k: v for k, v in os.environ.items() if k != "LUUTRU_TOKEN"} | {"LUUTRU_DATA_DIR": str(archive_home)}
    return env | ({"LUUTRU_TOKEN": token_for(who)} if who else {})
