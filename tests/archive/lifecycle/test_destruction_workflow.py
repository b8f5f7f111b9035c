"""Destruction end to end on real components: a 10-year dossier ingested through the pipeline,
the clock moved past its expiry, listed, reviewed, audited, approved by a second person,
destroyed, and then absent from every store, the index, the catalog and the disk, with the
certificate archived and the audit chain intact."""
from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.destruction import DestructionCertificate, DestructionList
from archive.lifecycle.destruction import approve_list, audit_list, draft_list, execute_list, review_item
from archive.lifecycle.destruction_certificate import NS
from archive.errors import LegalHoldActive, SameActorRefused
from archive.lifecycle.legal_hold import lift_hold, place_hold
from archive.lifecycle.reports import build_report, write_xlsx
from archive.lifecycle.retention_run import run_retention
from archive.settings import get_settings
from archive.storage import open_store
from ingest import pipeline
from archive.access import Principal
from search.base import open_index
from search.query import SearchQuery
from tests.archive.lifecycle.conftest import ARCHIVIST, AUDITOR, COUNCIL, HEAD, ORGAN, REASON, catalog_rows

AFTER_EXPIRY = date(2032, 1, 1)  # EndDate 2021-03-15 + 10 năm: kept until 2031-12-31


def ingest_with_replica(sample, replica_url: str):
    """Ingest, then copy every stored object into the replica (as replication would)."""
    job = pipeline.submit(sample)
    store, replica = open_store(), open_store(replica_url)
    for obj in job.result("store")["objects"]:
        with store.open(obj["key"]) as stream:
            replica.put_file(obj["key"], stream, sha256_expected=obj["sha256"])
    return job


def found_in_index(code: str, title: str) -> list[str]:
    with open_index(get_settings()) as index:
        hits = index.search(SearchQuery(text=title, per_page=100), Principal("auditor", "auditor")).hits
    return [h.record.id for h in hits if h.record.dossier_code == code]


def test_expired_dossier_is_destroyed_everywhere_with_an_archived_certificate(archive_home, ten_year_sample,
                                                                              tmp_path, monkeypatch):
    replica_url = f"file://{tmp_path / 'replica'}"
    monkeypatch.setenv("LUUTRU_REPLICA_STORAGE_URL", replica_url)
    job = ingest_with_replica(ten_year_sample, replica_url)
    dossier = job.dossier()
    code, prefix = dossier.code, job.result("store")["prefix"]
    objects = job.result("store")["objects"]
    store, replica = open_store(), open_store(replica_url)
    assert found_in_index(code, dossier.Title) and len(list(replica.list(prefix + "/"))) == len(objects)

    # not listed before its time; listed as expired once the clock passes the end of 2031
    assert code not in {d.code for d in run_retention(date(2031, 12, 31)).due}
    assert [(d.code, d.kind) for d in run_retention(AFTER_EXPIRY).due] == [(code, "retention_expired")]

    list_id = draft_list(ARCHIVIST, [(code, REASON)], today=AFTER_EXPIRY)
    review_item(COUNCIL, list_id, code, "agree", note="Đã hết giá trị", today=AFTER_EXPIRY)
    audit_list(AUDITOR, list_id, agree=True, note="Đồng ý hủy")
    with pytest.raises(SameActorRefused):  # the preparer, even as agency head, cannot approve
        approve_list(Principal(ARCHIVIST.user, "agency_head", ARCHIVIST.organ_id), list_id,
                     decision_ref="15/QĐ-UBND", today=AFTER_EXPIRY)
    approve_list(HEAD, list_id, decision_ref="15/QĐ-UBND", today=AFTER_EXPIRY)
    certificate = execute_list(ARCHIVIST, list_id, today=AFTER_EXPIRY)

    # every copy gone: primary store, replica, index, work folder, catalog rows
    assert list(store.list(prefix + "/")) == [] and list(replica.list(prefix + "/")) == []
    assert not (archive_home / "store" / prefix).exists() and not job.workdir.exists()
    assert found_in_index(code, dossier.Title) == []
    rows = catalog_rows(code)
    assert rows == {"status": "destroyed", "metadata": {"code": code, "Title": dossier.Title, "destroyed": True},
                    "documents": 0, "versions": 0, "objects": 0, "files": 0}
    # nothing on disk still holds a file's checksum or a document's notation (the certificate
    # names the checksums on purpose; the index's deletions are checked through its API above)
    needles = [objects[0]["sha256"], dossier.Documents[0].CodeNotation]
    leftovers = subprocess.run(["grep", "-rlaF", "--exclude-dir=search", "--exclude-dir=destruction-certificates",
                                *[f"-e{n}" for n in needles], str(archive_home), str(tmp_path / "replica")],
                               capture_output=True, text=True)
    assert leftovers.stdout == ""

    # the certificate: write-once objects in the store, naming decision, people, dossier, checksums
    with session_scope() as s:
        row = s.execute(select(DestructionCertificate)).scalar_one()
        assert s.get(DestructionList, list_id).stage == "executed"
    assert row.pdf_key == certificate.pdf_key and store.hash(row.pdf_key)[0] == row.pdf_sha256
    assert row.keep_until.year >= datetime.now().year + 20  # kept 20 years from the (real) execution
    with store.open(row.xml_key) as stream:
        xml = etree.fromstring(stream.read())
    n = {"d": NS}
    assert xml.find("d:Decision", n).get("ref") == "15/QĐ-UBND" and xml.find("d:Decision", n).get("approvedBy") == HEAD.user
    assert xml.findtext("d:PreparedBy", namespaces=n) == ARCHIVIST.user
    assert xml.findtext("d:AuditedBy", namespaces=n) == AUDITOR.user
    assert {o.get("sha256") for o in xml.iterfind("d:Dossiers/d:Dossier/d:Object", n)} == {o["sha256"] for o in objects}
    pdf = tmp_path / "certificate.pdf"
    store.get_to_file(row.pdf_key, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "BIÊN BẢN HỦY" in text and code in text and "15/QĐ-UBND" in text and HEAD.user in text
    assert objects[0]["sha256"][:20] in text.replace("\n", "")

    chain = audit.verify(store=store)
    assert chain.ok and chain.entries > 0
    # the execution left a write-once checkpoint naming the trail's last entry at that moment
    assert chain.checkpoint is not None and chain.checkpoint.reason == "destruction"
    assert any(a == "destroy" for a, _, _ in _audit_actions()[:chain.checkpoint.seq])
    actions = [(action, actor) for action, actor, _ in _audit_actions()]
    assert ("destruction_draft", ARCHIVIST.user) in actions and ("destruction_review", COUNCIL.user) in actions
    assert ("approve", AUDITOR.user) in actions and ("approve", HEAD.user) in actions
    assert ("destroy", ARCHIVIST.user) in actions

    # the auditor's report names the destruction and its decision (read back from the XLSX)
    report = write_xlsx(build_report(ORGAN, today=AFTER_EXPIRY), tmp_path / "report.xlsx")
    book = load_workbook(report, read_only=True)
    destroyed = list(book["Đã hủy"].iter_rows(values_only=True))[1:]
    assert [(r[1], r[3], r[4], r[6]) for r in destroyed] == [(code, "15/QĐ-UBND", HEAD.user, certificate.pdf_key)]
    summary = {r[0]: r[1] for r in list(book["Tổng hợp"].iter_rows(values_only=True))[2:]}
    assert (summary["Hồ sơ đang lưu trữ"], summary["Hồ sơ đã hủy"], summary["Nhật ký kiểm tra"]) == (0, 1, "nguyên vẹn")


def test_dossier_under_legal_hold_is_refused_at_every_step(archive_home, ten_year_sample):
    job = pipeline.submit(ten_year_sample)
    code = job.dossier().code
    place_hold(HEAD, code, "Đang thanh tra theo Quyết định 12/QĐ-TTr")
    with pytest.raises(LegalHoldActive):
        draft_list(ARCHIVIST, [(code, REASON)], today=AFTER_EXPIRY)

    def held(step):
        place_hold(AUDITOR, code, "Phục vụ giải quyết khiếu nại")
        with pytest.raises(LegalHoldActive):
            step()
        lift_hold(AUDITOR, code, "Đã giải quyết xong khiếu nại")

    lift_hold(HEAD, code, "Kết thúc thanh tra")
    list_id = draft_list(ARCHIVIST, [(code, REASON)], today=AFTER_EXPIRY)
    held(lambda: review_item(COUNCIL, list_id, code, "agree", today=AFTER_EXPIRY))
    review_item(COUNCIL, list_id, code, "agree", today=AFTER_EXPIRY)
    held(lambda: audit_list(AUDITOR, list_id, agree=True))
    audit_list(AUDITOR, list_id, agree=True)
    held(lambda: approve_list(HEAD, list_id, decision_ref="16/QĐ-UBND", today=AFTER_EXPIRY))
    approve_list(HEAD, list_id, decision_ref="16/QĐ-UBND", today=AFTER_EXPIRY)
    place_hold(HEAD, code, "Có đơn tố cáo mới")
    with pytest.raises(LegalHoldActive):
        execute_list(ARCHIVIST, list_id, today=AFTER_EXPIRY)

    # nothing was touched
    store = open_store()
    assert len(list(store.list(job.result("store")["prefix"] + "/"))) == len(job.result("store")["objects"])
    assert catalog_rows(code)["status"] == "archived" and job.workdir.exists()
    holds = [e for e in _audit_actions() if e[0] == "legal_hold"]
    assert len(holds) == 2 + 2 * 3 + 1 and audit.verify().ok


def _audit_actions():
    from archive.catalog.models import AuditEntry
    with session_scope() as s:
        return [(e.action, e.actor, e.object) for e in s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]
