"""Receive a transfer (tiếp nhận hồ sơ nộp lưu) at the historical archive.

Every check runs before anything is kept: the bag's checksums (every file of the transfer
folder), then for each package E-ARK conformance (eark-validator), every checksum its METS
and PREMIS state, the checksum transfer.json lists, its metadata (the dossier validator)
and that it is a permanent dossier this archive does not hold yet. Any problem refuses the
whole transfer with every reason listed.

Each package is then archived as it is, not re-ingested: its originals, PDF/A copies,
metadata and PREMIS history are packaged again as this archive's own AIP (the same
rebuild the sender used to make the SIP, plus an ingestion event naming the transfer).
Re-running format conversion would change nothing the sender's validated copies do not
already give, and the checksums prove the bytes are the sender's. The AIPs are stored
locked, read back, and all recorded in one catalog transaction; if anything fails the
objects written so far are removed again, so the archive keeps nothing of a refused
transfer. Only then is the acknowledgement signed.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bagit
from pydantic import ValidationError
from sqlalchemy import select

from archive import audit
from archive.agencies import restore_agency
from archive.catalog.archived import premis_events, record_archived_package
from archive.catalog.db import init_catalog, session_scope
from archive.catalog.models import DossierRecord
from archive.checksums import sha256_file
from archive.errors import InvalidPackageContent, LuuTruError, TransferRefused
from archive.package.build import build_package
from archive.package.content import BuiltPackage, PackageEvent
from archive.package.eark import SELF_CONTRADICTORY_RULES, validate_package, validate_xml_against_shipped_xsds
from archive.package.layout import now
from archive.package.read import read_package, verify_package
from archive.settings import Settings, get_settings, load_codelists
from archive.storage import ObjectStore, Retention, StoredObject, open_store, public_url, store_verified
from archive.lifecycle.transfer import acknowledgement, signing
from archive.lifecycle.transfer.content import package_content
from archive.lifecycle.transfer.manifest import MANIFEST_NAME, PACKAGES_DIR, PackageEntry, TransferManifest
from archive.catalog.transfer import Transfer, TransferDossier, TransferState
from ingest.validation import validate

log = logging.getLogger(__name__)


@dataclass
class ReceivedTransfer:
    reference: str
    acknowledgement: Path           # the signed acknowledgement; its signature is beside it (.sig)
    dossiers: list[str]


def _read_bag(path: Path) -> TransferManifest:
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        raise TransferRefused(f"{path} is not a transfer folder (BagIt bag): {exc}", reason="not_a_transfer") from exc
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in exc.details[:5]) or str(exc)
        raise TransferRefused(f"the transfer's files do not match its checksums: {details}", reason="checksum_mismatch",
                      problems=[str(d) for d in exc.details]) from exc
    try:
        return TransferManifest.read(path / "data")
    except (OSError, ValidationError) as exc:
        raise TransferRefused(f"{MANIFEST_NAME} is missing or malformed: {exc}", reason="manifest_invalid") from exc


def _package_problems(entry: PackageEntry, folder: Path, settings: Settings) -> list[str]:
    """Everything wrong with one package, or nothing."""
    if not (folder / "METS.xml").is_file():
        return ["package folder or its METS.xml is missing"]
    eark = validate_package(folder)
    problems = [f"E-ARK {f.rule_id}: {f.message}" for f in eark.errors if f.rule_id not in SELF_CONTRADICTORY_RULES]
    problems += [f"XSD {p.file}: {p.message}" for p in validate_xml_against_shipped_xsds(folder)]
    problems += [f"{p.kind} {p.path}" for p in verify_package(folder).problems]
    if sha256_file(folder / "METS.xml")[0] != entry.mets_sha256:
        problems.append("METS.xml checksum differs from the one transfer.json lists")
    try:
        package = read_package(folder)
    except (LuuTruError, ValueError) as exc:
        return [*problems, f"metadata unreadable: {exc}"]
    if package.package_type != "SIP" or package.package_id != entry.package_id:
        problems.append(f"expected SIP {entry.package_id}, found {package.package_type} {package.package_id}")
    dossier = package.dossier
    if dossier.code != entry.dossier_code:
        problems.append(f"holds dossier {dossier.code}, transfer.json lists {entry.dossier_code}")
    report = validate(dossier, organ_id=dossier.FileCode.OrganId, settings=settings)
    problems += [f"metadata {p.path}: {p.code}" for p in report.errors]
    period = load_codelists(settings).retention_period(dossier.Maintenance or "")
    if period is None or not period.permanent:
        problems.append(f"retention {dossier.Maintenance!r} is not permanent (Vĩnh viễn)")
    return problems


def check_transfer(path: Path, settings: Settings) -> tuple[TransferManifest, list[tuple[PackageEntry, Path]]]:
    """The transfer's description and its package folders, once every check passes;
    TransferRefused listing every problem otherwise."""
    manifest = _read_bag(path)
    data = path / "data"
    listed = {e.folder for e in manifest.packages}
    present = {f"{PACKAGES_DIR}/{p.name}" for p in (data / PACKAGES_DIR).iterdir() if p.is_dir()} \
        if (data / PACKAGES_DIR).is_dir() else set()
    problems = {f: ["package not listed in transfer.json"] for f in sorted(present - listed)}
    for entry in manifest.packages:
        if found := _package_problems(entry, data / entry.folder, settings):
            problems[entry.dossier_code] = found
    with session_scope() as session:
        if session.scalar(select(Transfer.id).where(Transfer.reference == manifest.reference)):
            problems[manifest.reference] = ["this transfer was received already"]
        held = session.scalars(select(DossierRecord.code).where(
            DossierRecord.code.in_([e.dossier_code for e in manifest.packages]))).all()
    for code in held:
        problems.setdefault(code, []).append("this archive holds the dossier already")
    if problems:
        summary = "; ".join(f"{where}: {', '.join(why[:3])}" for where, why in problems.items())
        raise TransferRefused(f"transfer {manifest.reference} refused: {summary}", reason="invalid_package",
                      problems=problems)
    return manifest, [(e, data / e.folder) for e in manifest.packages]


@dataclass
class _Archived:
    entry: PackageEntry
    built: BuiltPackage
    objects: list[StoredObject]


def _archive(entry: PackageEntry, folder: Path, manifest: TransferManifest, store: ObjectStore, work: Path,
             lock: Retention | None, written: list[str]) -> _Archived:
    """The SIP as this archive's AIP, stored and read back; keys written go to ``written``."""
    received = PackageEvent("ingestion", now(), detail=f"received in transfer {manifest.reference} from "
                                                      f"{manifest.agency_name} ({manifest.organ_id}) as SIP "
                                                      f"{entry.package_id}")
    _, content = package_content(folder, extra_events=[received])
    built = build_package(content, work, package_type="AIP")
    report = validate_package(built.path)
    if not report.valid:
        raise InvalidPackageContent(f"AIP of {entry.dossier_code} fails E-ARK validation: {report.summary()}")
    objects = []
    for rel, sha256 in built.files.items():
        objects.append(store_verified(store, f"{built.path.name}/{rel}", built.path / rel, sha256, lock))
        written.append(objects[-1].key)
    return _Archived(entry, built, objects)


def _record(archived: list[_Archived], manifest: TransferManifest, manifest_sha256: str, store: ObjectStore,
            actor: str) -> None:
    with session_scope() as session:
        audit.record("transfer", actor=actor, agency=manifest.organ_id, object=manifest.reference, session=session,
                     detail={"step": "received", "dossiers": [a.entry.dossier_code for a in archived]})
        transfer = Transfer(reference=manifest.reference, direction="incoming", state=TransferState.RECEIVED,
                            organ_id=manifest.organ_id, actor=actor, manifest_sha256=manifest_sha256)
        session.add(transfer)
        for a in archived:
            prefix = a.built.path.name
            package = read_package(prefix, store)
            # custody passes to this archive: the sending agency is registered here if it is not yet (audited)
            restore_agency(session, package.dossier.FileCode.OrganId, package.agency_name, actor=actor,
                           source="transfer")
            version = record_archived_package(session, package, object_prefix=prefix, store_url=public_url(store.url),
                                              objects=a.objects, manifest_sha256=a.built.files["METS.xml"],
                                              events=premis_events(package))
            transfer.dossiers.append(TransferDossier(
                dossier_id=version.dossier_id, dossier_code=a.entry.dossier_code, package_id=a.entry.package_id,
                mets_sha256=a.entry.mets_sha256, size=a.entry.size, files=a.entry.files))


def _index(archived: list[_Archived], store: ObjectStore, settings: Settings) -> None:
    """The index can always be rebuilt from the store: a failure here is logged, not fatal."""
    from search.base import open_index
    from search.reindex import reindex
    from search.sources import package_texts
    try:
        sources = []
        for a in archived:
            package = read_package(a.built.path.name, store)
            sources.append((package.dossier, package_texts(package, a.built.path.name, store)))
        with open_index(settings) as index:
            reindex(index, sources)
    except LuuTruError as exc:
        log.error("received dossiers not indexed (run `luutru reindex`): %s", exc)


def _remove(store: ObjectStore, keys: list[str]) -> None:
    """Undo a receipt that failed part way: the objects were locked by this very call."""
    for key in keys:
        try:
            store.delete(key, all_versions=True, bypass_governance=True)
        except LuuTruError as exc:
            log.error("could not remove %s written by a failed receipt: %s", key, exc)


def receive_transfer(path: Path, *, out_dir: Path | None = None, actor: str = "system",
                     settings: Settings | None = None) -> ReceivedTransfer:
    """Check, archive and acknowledge the transfer folder ``path``; the signed acknowledgement
    is written to ``out_dir`` (default: beside the transfer folder)."""
    settings = settings or get_settings()
    path = Path(path)
    key = signing.signing_key(settings.transfer_signing_key)   # before any work: no key, no receipt
    init_catalog()
    manifest, packages = check_transfer(path, settings)
    manifest_sha256 = sha256_file(path / "data" / MANIFEST_NAME)[0]
    store = open_store()
    lock = Retention.for_dossier(None, settings.permanent_lock_years) if store.supports_object_lock else None
    written: list[str] = []
    work_root = settings.data_dir / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="receive-", dir=work_root) as work:
            archived = [_archive(e, folder, manifest, store, Path(work), lock, written) for e, folder in packages]
        _record(archived, manifest, manifest_sha256, store, actor)
    except BaseException:
        _remove(store, written)
        raise
    _index(archived, store, settings)
    ack = acknowledgement.Acknowledgement(
        reference=manifest.reference, transfer_manifest_sha256=manifest_sha256, sending_organ_id=manifest.organ_id,
        receiving_archive=settings.archive_name, received_at=now(),
        packages=[acknowledgement.AcknowledgedPackage(package_id=a.entry.package_id, dossier_code=a.entry.dossier_code,
                                                      mets_sha256=a.entry.mets_sha256,
                                                      archived_as=a.built.package_id) for a in archived])
    ack_path = acknowledgement.write(ack, Path(out_dir) if out_dir else path.resolve().parent, key)
    return ReceivedTransfer(manifest.reference, ack_path, [a.entry.dossier_code for a in archived])
