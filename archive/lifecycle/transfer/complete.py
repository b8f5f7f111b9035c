"""Complete a transfer at the sending agency once the historical archive acknowledges it.

The acknowledgement must carry the historical archive's valid signature and match the
prepared transfer exactly (reference, transfer.json checksum, every package and its
checksum, nothing more, nothing less); anything else is refused and nothing changes.
Then, in one transaction, the transfer becomes ``acknowledged`` and its dossiers
``transferred``: each keeps a stub (its catalog row with metadata, documents, file
checksums and package versions, linked to the transfer reference). Only after that are the
agency's copies removed: every object version in every store, replica included (the
governance lock on permanent dossiers is bypassed here and nowhere else), index entries,
ingest work folders and the packages in the transfer folder; ``archive.lifecycle.erasure.residue``
then proves nothing is left, and the transfer becomes ``transferred``. Removal is re-run
safely by importing the same acknowledgement again, should it stop half-way.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from archive import audit
from archive.audit_checkpoint import checkpoint_after
from archive.catalog.db import init_catalog, session_scope
from archive.catalog.locking import lock_row, locked_session
from archive.catalog.models import DossierRecord, DossierStatus
from archive.clock import utcnow
from archive.lifecycle.erasure import ErasedDossier, residue, snapshot, stores
from archive.access import Principal, require, visible
from archive.errors import AcknowledgementRejected, NotFound, ObjectMissing, StorageError
from archive.settings import Settings, get_settings
from archive.lifecycle.transfer import acknowledgement
from archive.lifecycle.transfer.acknowledgement import Acknowledgement
from archive.lifecycle.transfer.manifest import PACKAGES_DIR
from archive.catalog.transfer import Transfer, TransferState
from search.base import open_index


@dataclass
class CompletedTransfer:
    reference: str
    receiver: str
    dossiers: list[str]
    objects_removed: int


def own_transfer(session, actor: Principal, reference: str, roles: tuple[str, ...], action: str) -> Transfer:
    """The agency's outgoing transfer ``reference``, if ``actor`` may act on it (their agency's);
    another agency's is not found, exactly like a missing one."""
    transfer = visible(actor, session.scalar(select(Transfer).where(Transfer.reference == reference,
                                                                    Transfer.direction == "outgoing")),
                       _missing(reference))
    require(actor, roles, agency=transfer.organ_id, action=action)
    return transfer


def _missing(reference: str) -> NotFound:
    return NotFound(f"transfer {reference} not found", message_vi=f"Không tìm thấy đợt nộp lưu {reference}.")


def _mismatches(ack: Acknowledgement, transfer: Transfer | None) -> list[str]:
    if transfer is None:
        return [f"no prepared transfer {ack.reference} at this agency"]
    problems = []
    if transfer.state == TransferState.TRANSFERRED:
        problems.append(f"transfer {ack.reference} is complete already")
    if ack.transfer_manifest_sha256 != transfer.manifest_sha256:
        problems.append("the acknowledged transfer.json is not the one prepared")
    if ack.sending_organ_id != transfer.organ_id:
        problems.append(f"acknowledges agency {ack.sending_organ_id}, the transfer is {transfer.organ_id}'s")
    prepared = {(d.package_id, d.dossier_code, d.mets_sha256) for d in transfer.dossiers}
    acknowledged = {(p.package_id, p.dossier_code, p.mets_sha256) for p in ack.packages}
    problems += [f"package {p} of dossier {c} is not acknowledged (or with another checksum)"
                 for p, c, _ in sorted(prepared - acknowledged)]
    problems += [f"package {p} of dossier {c} was not prepared in this transfer (or has another checksum)"
                 for p, c, _ in sorted(acknowledged - prepared)]
    if len(ack.packages) != len(acknowledged):
        problems.append("a package is acknowledged twice")
    return problems


def _accept(ack: Acknowledgement, signer: str, actor: str) -> tuple[str | None, list[ErasedDossier]]:
    """Record the acknowledgement and mark the dossiers transferred; the transfer folder and
    where each dossier's copies are."""
    with locked_session() as session:     # two imports at once: one records it, the other sees it recorded
        transfer = lock_row(session, Transfer, Transfer.reference == ack.reference, Transfer.direction == "outgoing")
        if problems := _mismatches(ack, transfer):
            raise AcknowledgementRejected("; ".join(problems), problems=problems)
        if transfer.state == TransferState.PREPARED:
            audit.record("transfer", actor=actor, agency=transfer.organ_id, object=ack.reference, session=session,
                         detail={"step": "acknowledged", "receiver": signer,
                                 "dossiers": [d.dossier_code for d in transfer.dossiers]})
            transfer.state, transfer.acknowledged_at, transfer.receiver = TransferState.ACKNOWLEDGED, utcnow(), signer
            transfer.acknowledgement = ack.model_dump(mode="json")
        copies = []
        for item in transfer.dossiers:
            record = session.get(DossierRecord, item.dossier_id) if item.dossier_id else None
            if record is None:
                raise AcknowledgementRejected(f"dossier {item.dossier_code} is no longer in the catalog")
            record.status = DossierStatus.TRANSFERRED
            copies.append(snapshot(session, record))
        return transfer.folder, copies


def _remove_copies(folder: str | None, dossiers: list[ErasedDossier], settings: Settings) -> int:
    """Every object version in every store (primary and replica), index entries, ingest work
    folders and the packages of the transfer folder (its lists and handover record stay as
    the agency's record of the transfer); StorageError naming what is left, if anything is."""
    store_list = stores(settings)
    removed = 0
    for store in store_list:
        for dossier in dossiers:
            keys = {k for prefix in dossier.prefixes for k in store.list(f"{prefix}/")}
            for key in sorted(keys | {o.key for o in dossier.objects}):
                try:
                    store.delete(key, all_versions=True, bypass_governance=True)
                    removed += 1
                except ObjectMissing:
                    pass  # removed by an earlier, interrupted run, or never replicated
    with open_index(settings) as index:
        for dossier in dossiers:
            index.delete_dossier(dossier.code)
    for job_id in (j for dossier in dossiers for j in dossier.job_ids):
        shutil.rmtree(settings.data_dir / "jobs" / job_id, ignore_errors=True)
    if folder:
        shutil.rmtree(Path(folder) / "data" / PACKAGES_DIR, ignore_errors=True)
    if left := [x for dossier in dossiers for x in residue(dossier, settings, store_list)]:
        raise StorageError(f"{len(left)} copies remain after removal (import the acknowledgement again): "
                           f"{', '.join(left[:3])}", left=left)
    return removed


def acknowledge_transfer(ack_path: Path, *, actor: str = "system", settings: Settings | None = None
                         ) -> CompletedTransfer:
    """Import the historical archive's signed acknowledgement and complete the transfer."""
    settings = settings or get_settings()
    init_catalog()
    ack, signer = acknowledgement.read_verified(Path(ack_path), settings.transfer_receiver_certificate)
    folder, copies = _accept(ack, signer, actor)
    removed = _remove_copies(folder, copies, settings)
    with session_scope() as session:
        audit.record("transfer", actor=actor, object=ack.reference, session=session,
                     detail={"step": "copies removed", "objects": removed, "dossiers": [d.code for d in copies]})
        transfer = session.scalar(select(Transfer).where(Transfer.reference == ack.reference))
        transfer.state = TransferState.TRANSFERRED
        for code in (d.code for d in copies):
            audit.record("transfer", actor=actor, agency=transfer.organ_id, object=code, session=session,
                         detail={"step": "transferred", "reference": ack.reference, "receiver": signer})
    checkpoint_after("transfer", stores(settings)[0])
    return CompletedTransfer(ack.reference, signer, [d.code for d in copies], removed)
