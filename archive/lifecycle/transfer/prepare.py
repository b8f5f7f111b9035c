"""Prepare a transfer (chuẩn bị nộp lưu): the agency's archivist selects permanent dossiers
and gets a transfer folder for the historical archive.

For each dossier the stored AIP is read back from the store and every checksum verified,
then packaged again as an E-ARK SIP (originals, PDF/A copies, metadata, PREMIS history)
and checked by eark-validator. The folder is written beside its destination and renamed
into place when complete, and only then is the transfer recorded in the catalog as
``prepared``: nothing at the sender changes until the historical archive acknowledges it.
A dossier under a legal hold is refused, before the folder is written and again before the
transfer is recorded (``refuse_if_held``, the rule destruction uses).
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import bagit
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.catalog.db import init_catalog, session_scope
from archive.catalog.locking import locked_session
from archive.catalog.packages import agency_name as registered_agency_name
from archive.catalog.models import DossierRecord, DossierStatus
from archive.checksums import sha256_file
from archive.errors import DossierNotTransferable, InvalidPackageContent, NotFound
from archive.package.build import build_package
from archive.package.eark import validate_package
from archive.package.layout import now
from archive.settings import Settings, get_settings, load_codelists
from archive.storage import open_store
from archive.lifecycle.legal_hold import refuse_if_held
from archive.lifecycle.transfer import documents
from archive.lifecycle.transfer.content import fetch_package, package_content
from archive.lifecycle.transfer.manifest import PACKAGES_DIR, PackageEntry, TransferManifest
from archive.catalog.transfer import Transfer, TransferDossier, TransferState
from archive.access import Principal, can_find



TRANSFER_VI = "nộp lưu vào Lưu trữ lịch sử"


@dataclass
class PreparedTransfer:
    reference: str
    folder: Path
    manifest: TransferManifest


def new_reference(organ_id: str) -> str:
    """Số hiệu đợt nộp lưu, e.g. NL-000.00.00.H41-20261125-3f9a1c."""
    return f"NL-{organ_id}-{now():%Y%m%d}-{uuid.uuid4().hex[:6]}"


def _selected(session: Session, codes: list[str], organ_id: str, settings: Settings, *, lock: bool = False
              ) -> list[DossierRecord]:
    """The dossiers named (with ``lock``, locked for the transaction, as placing a hold locks
    them), refused with every reason at once unless each may be transferred."""
    codelists = load_codelists(settings)
    # Another agency's dossier its archivist may not find is as absent as one never archived.
    preparer = Principal("transfer", "archivist", organ_id)
    query = select(DossierRecord).where(DossierRecord.code.in_(codes))
    records = {r.code: r for r in session.scalars(query.with_for_update() if lock else query)
               if can_find(preparer, rights=r.rights, organ_id=r.organ_id, dossier_code=r.code)}
    if missing := [c for c in codes if c not in records]:
        raise NotFound(f"no dossier {', '.join(missing)} in the catalog",
                       message_vi=f"Không có hồ sơ {', '.join(missing)}.")
    busy = dict(session.execute(select(TransferDossier.dossier_code, Transfer.reference).join(Transfer).where(
        Transfer.direction == "outgoing", Transfer.state.in_(TransferState.open()),
        TransferDossier.dossier_code.in_(codes))
    ).all())
    reasons = {}
    for code in dict.fromkeys(codes):
        r = records[code]
        period = codelists.retention_period(r.maintenance)
        if r.organ_id != organ_id:
            reasons[code] = f"belongs to agency {r.organ_id}, not {organ_id}"
        elif period is None or not period.permanent:
            reasons[code] = f"retention is {r.maintenance!r}, only permanent (Vĩnh viễn) dossiers are transferred"
        elif r.status not in DossierStatus.in_custody():
            reasons[code] = f"status is {r.status}, not archived"
        elif code in busy:
            reasons[code] = f"already in transfer {busy[code]}"
    if reasons:
        raise DossierNotTransferable("; ".join(f"{c}: {why}" for c, why in reasons.items()), dossiers=reasons)
    # Checked once the dossiers are known to be the agency's own: a hold elsewhere is not disclosed.
    for code in dict.fromkeys(codes):
        refuse_if_held(records[code], "be transferred", TRANSFER_VI)
    return [records[c] for c in dict.fromkeys(codes)]


@dataclass(frozen=True)
class _Stored:
    """Where a selected dossier's current AIP is."""
    dossier_id: int
    code: str
    prefix: str
    mets_sha256: str | None

    @classmethod
    def of(cls, record: DossierRecord) -> _Stored:
        version = next(v for v in record.versions if v.version == record.current_version)
        return cls(record.id, record.code, version.object_prefix, version.manifest_sha256)


def _sip(stored: _Stored, packages_dir: Path, work: Path) -> PackageEntry:
    """The dossier's SIP, built from its current stored AIP, and its line in transfer.json."""
    aip = fetch_package(open_store(), stored.prefix, work, mets_sha256=stored.mets_sha256)
    package, content = package_content(aip)
    built = build_package(content, packages_dir, package_type="SIP")
    report = validate_package(built.path)
    if not report.conformant:
        raise InvalidPackageContent(f"SIP of {stored.code} is not E-ARK conformant: {report.summary()}")
    sizes = [p.stat().st_size for p in built.path.rglob("*") if p.is_file()]
    dossier = package.dossier
    return PackageEntry(package_id=built.package_id, folder=f"{PACKAGES_DIR}/{built.path.name}",
                        mets_sha256=sha256_file(built.path / "METS.xml")[0], size=sum(sizes), files=len(sizes),
                        dossier_code=dossier.code, title=dossier.Title or "", maintenance=dossier.Maintenance or "",
                        start_date=dossier.StartDate, end_date=dossier.EndDate, documents=len(dossier.Documents),
                        pages=dossier.PageTotal)


def prepare_transfer(codes: list[str], out_dir: Path, *, organ_id: str | None = None, actor: str = "system",
                     settings: Settings | None = None) -> PreparedTransfer:
    """Write the transfer folder ``out_dir/<reference>`` for the dossiers ``codes`` of agency
    ``organ_id`` (default: this instance's) and record the transfer as prepared."""
    settings = settings or get_settings()
    organ_id = organ_id or settings.organ_id
    init_catalog()
    reference = new_reference(organ_id)
    final = Path(out_dir) / reference
    partial = Path(out_dir) / f".{reference}.partial"
    with session_scope() as session:
        selected = [_Stored.of(r) for r in _selected(session, codes, organ_id, settings)]
        agency_name = registered_agency_name(session, organ_id)
    try:
        partial.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="transfer-", dir=_work_root(settings)) as work:
            entries = [_sip(s, partial / PACKAGES_DIR, Path(work)) for s in selected]
        manifest = TransferManifest(reference=reference, created=now(), organ_id=organ_id, agency_name=agency_name,
                                    prepared_by=actor, packages=entries)
        manifest.write(partial)
        documents.transfer_list_xlsx(manifest, partial)
        documents.transfer_list_pdf(manifest, partial)
        documents.handover_record_pdf(manifest, partial)
        manifest_sha256 = sha256_file(partial / "transfer.json")[0]
        bagit.make_bag(str(partial), {"Source-Organization": agency_name, "External-Identifier": reference,
                                      "External-Description": "Hồ sơ nộp lưu vào Lưu trữ lịch sử"},
                       checksums=["sha256"])
        partial.rename(final)
        with locked_session() as session:     # a hold placed meanwhile either waits for this or refuses it
            audit.record("transfer", actor=actor, agency=organ_id, object=reference, session=session,
                         detail={"step": "prepared", "dossiers": [e.dossier_code for e in entries]})
            _selected(session, codes, organ_id, settings, lock=True)  # still transferable (and not held)
            session.add(Transfer(reference=reference, direction="outgoing", state=TransferState.PREPARED,
                                 organ_id=organ_id, actor=actor, folder=str(final.resolve()), manifest_sha256=manifest_sha256,
                                 dossiers=[TransferDossier(dossier_id=s.dossier_id, dossier_code=s.code,
                                                           package_id=e.package_id, mets_sha256=e.mets_sha256,
                                                           size=e.size, files=e.files)
                                           for s, e in zip(selected, entries)]))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        raise
    return PreparedTransfer(reference, final, manifest)


def _work_root(settings: Settings) -> Path:
    root = settings.data_dir / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root
