"""Transfer to the historical archive, end to end on two archive instances (two data
folders, embedded defaults): the sending agency prepares, the historical archive checks,
archives and acknowledges, and only that acknowledgement changes anything at the sender."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from archive import audit
from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, DossierRecord, FileRecord
from archive.errors import (AcknowledgementRejected, DossierNotTransferable, ObjectLocked, SigningKeyMissing,
                            TransferRefused)
from archive.package.eark import validate_package, validate_xml_against_shipped_xsds
from archive.package.read import read_package, verify_package
from archive.settings import get_settings
from archive.storage import Retention, open_store
from archive.lifecycle.transfer import acknowledge_transfer, prepare_transfer, receive_transfer, transfer_of
from archive.lifecycle.transfer.acknowledgement import Acknowledgement, AcknowledgedPackage, write
from archive.lifecycle.transfer.manifest import TransferManifest
from archive.catalog.transfer import Transfer
from archive.lifecycle.transfer.signing import generate_identity, signing_key
from ingest import pipeline
from archive import poppler
from archive.access import Principal
from search.base import open_index
from search.query import SearchQuery
from search.reindex import reindex
from search.sources import catalog_sources
from tests.fixtures.agencies import register_agencies
from tests.fixtures.archives import LUUTRU, ROOT, SAMPLES, SERVER_SETTINGS, TRUST_ROOTS, slow_fixture

PERMANENT = "000.00.00.H41.2021.01.VP"     # ubnd-2021-01vp: Vĩnh viễn
FIXED_TERM = "000.00.00.H41.2021.15.VP"    # ubnd-2021-15vp: 10 năm
ARCHIVE_NAME = "Trung tâm Lưu trữ lịch sử tỉnh Khánh Hòa"


@dataclass
class Instance:
    """One archive instance: its environment (data folder, keys, certificates)."""
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return Path(self.env["LUUTRU_DATA_DIR"])

    @contextlib.contextmanager
    def active(self):
        with pytest.MonkeyPatch.context() as mp:
            for name in SERVER_SETTINGS:
                mp.delenv(name, raising=False)
            for name, value in self.env.items():
                mp.setenv(name, value)
            yield get_settings()


@slow_fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A sender's data folder with the permanent and the fixed-term sample archived (ingested
    once per module; each test works on its own copy)."""
    home = tmp_path_factory.mktemp("template") / "archive"
    with Instance({"LUUTRU_DATA_DIR": str(home), "LUUTRU_TRUST_ROOTS_DIR": str(TRUST_ROOTS)}).active():
        register_agencies()
        for sample in ("ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", "ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii"):
            pipeline.submit(SAMPLES / sample)
    return home


@pytest.fixture
def keys(tmp_path) -> dict[str, Path]:
    out = {name: tmp_path / "keys" / f"{name}.pem" for name in ("key", "cert", "forger_key", "forger_cert")}
    out["key"].parent.mkdir()
    generate_identity(ARCHIVE_NAME, out["key"], out["cert"])
    generate_identity(ARCHIVE_NAME, out["forger_key"], out["forger_cert"])  # same name, another key
    return out


@pytest.fixture
def sender(ingested, tmp_path, keys) -> Instance:
    home = tmp_path / "sender"
    shutil.copytree(ingested, home)
    return Instance({"LUUTRU_DATA_DIR": str(home), "LUUTRU_TRANSFER_RECEIVER_CERTIFICATE": str(keys["cert"])})


@pytest.fixture
def receiver(tmp_path, keys) -> Instance:
    return Instance({"LUUTRU_DATA_DIR": str(tmp_path / "receiver"), "LUUTRU_ORGAN_ID": "000.00.00.H99",
                     "LUUTRU_ARCHIVE_NAME": ARCHIVE_NAME, "LUUTRU_TRANSFER_SIGNING_KEY": str(keys["key"]),
                     "LUUTRU_TRANSFER_SIGNING_CERTIFICATE": str(keys["cert"])})


def _state(code: str) -> dict:
    """What an instance holds of a dossier: catalog status, stored objects, search hits."""
    settings = get_settings()
    store = open_store()
    with session_scope() as s:
        record = s.scalar(select(DossierRecord).where(DossierRecord.code == code))
        if record is None:
            prefixes = []
        else:
            prefixes = [v.object_prefix for v in record.versions]
        status = record.status if record else None
        files = s.scalar(select(func.count()).select_from(FileRecord).join(FileRecord.document)
                         .where(FileRecord.document.has(dossier_id=record.id))) if record else 0
    objects = {k: store.hash(k)[0] for p in prefixes for k in store.list(f"{p}/")}
    with open_index(settings) as index:
        hits = index.search(SearchQuery(kind="dossier", per_page=100), Principal("reader", "researcher", None))
    return {"status": status, "objects": objects, "files": files,
            "searchable": code in {h.record.dossier_code for h in hits.hits}}


def _receiver_is_empty() -> bool:
    with session_scope() as s:
        dossiers = s.scalar(select(func.count()).select_from(DossierRecord))
        transfers = s.scalar(select(func.count()).select_from(Transfer))
    return dossiers == 0 and transfers == 0 and not list(open_store().list())


SENDING_ARCHIVIST = Principal("vanthu", "archivist", "000.00.00.H41")
RECEIVING_ARCHIVIST = Principal("luutru.ls", "archivist", "000.00.00.H99")


def _cli(*args: str, who: Principal):
    """A ``luutru`` command run by ``who`` (their API token) in the active instance."""
    from api.cli.app import app
    import api.cli.transfer  # noqa: F401  registers the commands
    from tests.archive.lifecycle.conftest import token_for
    result = CliRunner().invoke(app, list(args), env={"LUUTRU_TOKEN": token_for(who)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_permanent_dossier_is_transferred_and_the_sender_changes_only_after_the_acknowledgement(
        sender, receiver, tmp_path):
    out = tmp_path / "transfers"
    replica = tmp_path / "replica"                          # the sender keeps a replica for fixity repairs
    shutil.copytree(sender.home / "store", replica)
    sender.env["LUUTRU_REPLICA_STORAGE_URL"] = f"file://{replica}"
    with sender.active():
        before = _state(PERMANENT)
        assert before["status"] == "archived" and before["objects"] and before["searchable"]
        _cli("transfer", "prepare", PERMANENT, "--out", str(out), who=SENDING_ARCHIVIST)
        [folder] = [p for p in out.iterdir()]
        manifest = TransferManifest.read(folder / "data")
        with session_scope() as s:
            assert s.scalar(select(Transfer.state).where(Transfer.reference == manifest.reference)) == "prepared"
        assert _state(PERMANENT) == before
        with session_scope() as s:
            aip_prefix = s.scalar(select(DossierRecord).where(DossierRecord.code == PERMANENT)).versions[-1].object_prefix
        sender_originals = {f.sha256 for f in read_package(aip_prefix, open_store()).files
                            if f.representation == "rep0"}

    # the transfer folder: a valid bag, one conformant SIP, the lists and the handover record
    bagit.Bag(str(folder)).validate()
    [entry] = manifest.packages
    sip = folder / "data" / entry.folder
    description = read_package(sip)
    assert description.package_type == "SIP" and description.dossier.code == PERMANENT
    assert validate_package(sip).conformant and verify_package(sip).ok
    assert validate_xml_against_shipped_xsds(sip) == []
    assert {f.sha256 for f in description.files if f.representation == "rep0"} == sender_originals
    assert any(f.representation == "rep1" for f in description.files)  # PDF/A copies travel too
    sheet = load_workbook(folder / "data" / "muc-luc-ho-so-nop-luu.xlsx").active
    assert PERMANENT in [c.value for row in sheet.iter_rows() for c in row]
    assert PERMANENT in poppler.text(folder / "data" / "muc-luc-ho-so-nop-luu.pdf").replace("\n", "")
    handover = poppler.text(folder / "data" / "bien-ban-giao-nhan.pdf")
    assert "BIÊN BẢN GIAO NHẬN" in handover and entry.mets_sha256 in handover.replace("\n", "")
    assert (folder / "manifest-sha256.txt").read_text().count(f"data/{entry.folder}/") == entry.files

    with receiver.active():
        _cli("transfer", "receive", str(folder), "--out", str(tmp_path / "ack"), who=RECEIVING_ARCHIVIST)
        [ack] = (tmp_path / "ack").glob("*.json")
        assert (tmp_path / "ack" / (ack.name + ".sig")).is_file()
        received = _state(PERMANENT)
        assert received["status"] == "archived" and received["searchable"]
        with session_scope() as s:
            record = s.scalar(select(DossierRecord).where(DossierRecord.code == PERMANENT))
            prefix = record.versions[-1].object_prefix
        aip = read_package(prefix, open_store())
        assert aip.package_type == "AIP" and verify_package(prefix, open_store()).ok
        assert {f.sha256 for f in aip.files if f.representation == "rep0"} == sender_originals
        assert any(e.type == "ingestion" and manifest.reference in (e.detail or "") for e in aip.events)
    ack_data = json.loads(ack.read_text())
    assert ack_data["reference"] == manifest.reference and ack_data["receiving_archive"] == ARCHIVE_NAME
    assert [(p["package_id"], p["mets_sha256"]) for p in ack_data["packages"]] == [(entry.package_id,
                                                                                    entry.mets_sha256)]

    with sender.active():
        assert _state(PERMANENT) == before             # received, not yet acknowledged: nothing changed
        jobs = list((sender.home / "jobs").iterdir())
        _cli("transfer", "acknowledge", str(ack), who=SENDING_ARCHIVIST)
        after = _state(PERMANENT)
        assert after == {"status": "transferred", "objects": {}, "files": before["files"], "searchable": False}
        assert not list(open_store(f"file://{replica}").list(f"{aip_prefix}/"))
        with session_scope() as s, open_index(get_settings()) as index:  # the stub is no obstacle to a reindex
            reindex(index, catalog_sources(s, open_store()), full=True)
        assert not _state(PERMANENT)["searchable"] and _state(FIXED_TERM)["searchable"]
        assert len([j for j in jobs if j.exists()]) == len(jobs) - 1   # its ingest work files are gone
        assert not (folder / "data" / "packages").exists()               # and the transfer's packages,
        assert (folder / "data" / "bien-ban-giao-nhan.pdf").is_file()    # not the record of the transfer
        with session_scope() as s:
            transfer, line = transfer_of(s, PERMANENT)
            record = s.scalar(select(DossierRecord).where(DossierRecord.code == PERMANENT))
            assert transfer.state == "transferred" and transfer.reference == manifest.reference
            assert line.mets_sha256 == entry.mets_sha256 and record.metadata_json["Title"]
        chain = audit.verify(store=open_store())
        assert chain.ok and chain.checkpoint.reason == "transfer"   # a write-once checkpoint after the transfer
        with session_scope() as s:
            steps = [(e.object, e.detail["step"]) for e in s.scalars(
                select(AuditEntry).where(AuditEntry.action == "transfer").order_by(AuditEntry.seq))]
        assert steps == [(manifest.reference, "prepared"), (manifest.reference, "acknowledged"),
                         (manifest.reference, "copies removed"), (PERMANENT, "transferred")]


def _prepare(sender: Instance, out: Path, *codes: str):
    with sender.active():
        return prepare_transfer(list(codes or [PERMANENT]), out, actor="vanthu")


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_corrupted_transfer_package_is_refused_and_the_receiver_keeps_nothing(sender, receiver, tmp_path):
    prepared = _prepare(sender, tmp_path / "out")
    sip = prepared.folder / "data" / prepared.manifest.packages[0].folder
    damaged = sorted((sip / "representations" / "rep0" / "data").rglob("*.pdf"))[0]
    _flip_byte(damaged)
    with receiver.active():
        with pytest.raises(TransferRefused) as refused:
            receive_transfer(prepared.folder, out_dir=tmp_path / "ack")
        assert refused.value.context["reason"] == "checksum_mismatch"
        assert damaged.relative_to(prepared.folder).as_posix() in refused.value.detail
        assert _receiver_is_empty()
    assert not (tmp_path / "ack").exists()
    without_key = Instance({k: v for k, v in receiver.env.items() if k != "LUUTRU_TRANSFER_SIGNING_KEY"})
    with without_key.active(), pytest.raises(SigningKeyMissing):
        receive_transfer(prepared.folder)


def test_invalid_package_in_a_consistent_transfer_is_refused_with_its_reasons(sender, receiver, tmp_path):
    """The bag's checksums are remade after an original is removed from the SIP: only the
    package checks can see that the package no longer holds what its METS says."""
    prepared = _prepare(sender, tmp_path / "out")
    sip = prepared.folder / "data" / prepared.manifest.packages[0].folder
    removed = sorted((sip / "representations" / "rep0" / "data").rglob("*.pdf"))[0]
    removed.unlink()
    bagit.Bag(str(prepared.folder)).save(manifests=True)
    with receiver.active():
        with pytest.raises(TransferRefused) as refused:
            receive_transfer(prepared.folder, out_dir=tmp_path / "ack")
        assert refused.value.context["reason"] == "invalid_package"
        problems = refused.value.context["problems"][PERMANENT]
        assert f"missing {removed.relative_to(sip).as_posix()}" in problems
        assert _receiver_is_empty()


def _acknowledgement(prepared, **changes) -> Acknowledgement:
    from archive.checksums import sha256_file
    from archive.package.layout import now
    m = prepared.manifest
    fields = {"reference": m.reference, "transfer_manifest_sha256": sha256_file(prepared.folder / "data" /
                                                                                 "transfer.json")[0],
              "sending_organ_id": m.organ_id, "receiving_archive": ARCHIVE_NAME, "received_at": now(),
              "packages": [AcknowledgedPackage(package_id=p.package_id, dossier_code=p.dossier_code,
                                               mets_sha256=p.mets_sha256, archived_as=f"urn:uuid:{uuid.uuid4()}")
                           for p in m.packages]}
    return Acknowledgement(**{**fields, **changes})


def test_forged_or_mismatched_acknowledgement_is_refused_and_nothing_changes_at_the_sender(sender, keys, tmp_path):
    prepared = _prepare(sender, tmp_path / "out")
    entry = prepared.manifest.packages[0]
    genuine, forger = signing_key(keys["key"]), signing_key(keys["forger_key"])
    refused = {
        "forged signature": write(_acknowledgement(prepared), tmp_path / "forged", forger),
        "package missing": write(_acknowledgement(prepared, packages=[]), tmp_path / "missing", genuine),
        "checksum differs": write(_acknowledgement(prepared, packages=[AcknowledgedPackage(
            package_id=entry.package_id, dossier_code=entry.dossier_code, mets_sha256="0" * 64,
            archived_as="urn:uuid:x")]), tmp_path / "checksum", genuine),
        "other transfer.json": write(_acknowledgement(prepared, transfer_manifest_sha256="1" * 64),
                                     tmp_path / "manifest", genuine),
        "unknown transfer": write(_acknowledgement(prepared, reference="NL-000.00.00.H41-20260101-000000"),
                                  tmp_path / "unknown", genuine),
    }
    altered = write(_acknowledgement(prepared), tmp_path / "altered", genuine)
    altered.write_text(altered.read_text().replace(ARCHIVE_NAME, "Lưu trữ khác"))
    refused["altered after signing"] = altered
    with sender.active():
        before = _state(PERMANENT)
        for case, path in refused.items():
            with pytest.raises(AcknowledgementRejected):
                acknowledge_transfer(path, SENDING_ARCHIVIST)
            assert _state(PERMANENT) == before, case
        with session_scope() as s:
            assert s.scalar(select(Transfer.state).where(Transfer.reference == prepared.reference)) == "prepared"
        with pytest.raises(DossierNotTransferable, match="already in transfer"):
            prepare_transfer([PERMANENT], tmp_path / "again")
        acknowledge_transfer(write(_acknowledgement(prepared), tmp_path / "genuine", genuine), SENDING_ARCHIVIST)
        assert _state(PERMANENT)["status"] == "transferred"


def test_fixed_term_or_other_agency_dossier_cannot_be_selected_for_transfer(sender, tmp_path):
    out = tmp_path / "out"
    with sender.active():
        with pytest.raises(DossierNotTransferable) as refused:
            prepare_transfer([PERMANENT, FIXED_TERM], out)
        assert list(refused.value.context["dossiers"]) == [FIXED_TERM]
        assert "10 năm" in refused.value.context["dossiers"][FIXED_TERM]
        with pytest.raises(DossierNotTransferable, match="belongs to agency"):
            prepare_transfer([PERMANENT], out, organ_id="000.00.00.H42")
        with session_scope() as s:
            assert s.scalar(select(func.count()).select_from(Transfer)) == 0
        assert _state(FIXED_TERM)["status"] == _state(PERMANENT)["status"] == "archived"
        from tests.archive.lifecycle.conftest import token_for
        token = token_for(SENDING_ARCHIVIST)
    assert not out.exists() or not any(out.iterdir())
    cli = subprocess.run([LUUTRU, "transfer", "prepare", FIXED_TERM, "--out", str(out)], cwd=ROOT,
                         env={**os.environ, **sender.env, "LUUTRU_TOKEN": token}, capture_output=True, text=True)
    assert cli.returncode == DossierNotTransferable.exit_code
    assert "[dossier_not_transferable]" in cli.stderr and FIXED_TERM in cli.stderr


@pytest.mark.services
def test_governance_locked_objects_are_removed_only_through_the_acknowledged_transfer(
        sender, receiver, seaweedfs, tmp_path):
    """The sender's store is SeaweedFS with Object Lock: a plain delete of the permanent
    dossier's objects is refused; the acknowledged transfer removes every version."""
    s3_url = seaweedfs.s3_url("luutru-tests", f"transfer-{uuid.uuid4().hex}")
    with sender.active():
        local = open_store()
        with session_scope() as s:
            record = s.scalar(select(DossierRecord).where(DossierRecord.code == PERMANENT))
            prefix = record.versions[-1].object_prefix
        s3 = open_store(s3_url)
        keys = sorted(local.list(f"{prefix}/"))
        for key in keys:
            s3.put_file(key, local.physical_path(key), retention=Retention.for_dossier(None))
    sender.env["LUUTRU_STORAGE_URL"] = s3_url
    with pytest.raises(ObjectLocked):
        s3.delete(keys[0])
    prepared = _prepare(sender, tmp_path / "out")
    with receiver.active():
        ack = receive_transfer(prepared.folder).acknowledgement
    with sender.active():
        assert sorted(open_store().list(f"{prefix}/")) == keys     # received, not acknowledged: all there
        acknowledge_transfer(ack, SENDING_ARCHIVIST)
        assert list(open_store().list(f"{prefix}/")) == []
        assert not any(open_store().exists(k) for k in keys)


@pytest.mark.slow
def test_permanent_dossier_needing_attention_is_transferred_like_any_archived_one(sender, receiver, tmp_path):
    with sender.active():
        with session_scope() as s:
            s.scalar(select(DossierRecord).where(DossierRecord.code == PERMANENT)).status = "needs_attention"
    prepared = _prepare(sender, tmp_path / "out")
    with receiver.active():
        ack = receive_transfer(prepared.folder).acknowledgement
        assert _state(PERMANENT)["status"] == "archived"
    with sender.active():
        assert _state(PERMANENT)["status"] == "needs_attention"    # unchanged until acknowledged
        acknowledge_transfer(ack, SENDING_ARCHIVIST)
        after = _state(PERMANENT)
        assert (after["status"], after["objects"], after["searchable"]) == ("transferred", {}, False)


def test_a_hold_placed_while_the_transfer_is_written_refuses_it_before_anything_is_handed_over(
        sender, tmp_path, monkeypatch):
    """Between the first check and the recording of the transfer its packages are built: a hold
    placed then is caught by the final check, and no folder is left to hand over."""
    import archive.lifecycle.transfer.prepare as prepare
    from archive.errors import LegalHoldActive
    from archive.lifecycle.legal_hold import place_hold
    real = prepare.validate_package
    holds = []

    def validate_then_hold(path):
        holds.append(place_hold(Principal("lanhdao", "agency_head", "000.00.00.H41"), PERMANENT, "Thanh tra"))
        return real(path)
    monkeypatch.setattr(prepare, "validate_package", validate_then_hold)
    out = tmp_path / "out"
    with sender.active():
        with pytest.raises(LegalHoldActive) as refused:
            prepare_transfer([PERMANENT], out, actor="vanthu")
        assert refused.value.context["hold"] == holds[0] and "nộp lưu" in refused.value.message_vi
        with session_scope() as s:
            assert s.scalar(select(func.count()).select_from(Transfer)) == 0
        assert _state(PERMANENT)["status"] == "archived"
    assert not any(out.iterdir())
