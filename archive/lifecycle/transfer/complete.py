"""Complete a transfer at the sending agency once the historical archive acknowledges it.

The acknowledgement must carry the historical archive's valid signature and match the
prepared transfer exactly (reference, transfer.json checksum, every package and its
checksum, nothing more, nothing less); anything else is refused and nothing changes, as is a
dossier placed under a legal hold since the transfer was prepared (a hold is a disposal hold).
Then, in one transaction under the transfer's row lock (compare-and-set: a transfer complete
or being completed is refused, 409), the transfer becomes ``acknowledged`` with a removal
lease and its dossiers ``transferred``: each keeps a stub (its catalog row with metadata, documents, file
checksums and package versions, linked to the transfer reference). Only after that are the
agency's copies removed: every object version in every store, replica included (the
governance lock on permanent dossiers is bypassed here and nowhere else), index entries,
ingest work folders and the packages in the transfer folder; ``archive.lifecycle.erasure.residue``
then proves nothing is left, and the transfer becomes ``transferred``. Should removal stop
half-way, the lease is released (audited) and importing the same acknowledgement again resumes it.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from archive import audit
from archive.audit_checkpoint import checkpoint_after
from archive.catalog.locking import expect_stage, lock_row, locked_session
from archive.catalog.destruction import LegalHold
from archive.catalog.models import DossierRecord, DossierStatus
from archive.clock import utcnow
from archive.lifecycle.erasure import ErasedDossier, residue, snapshot, stores
from archive.lifecycle.legal_hold import refuse_if_held
from archive.access import Principal, require, sees_agency, visible
from archive.errors import AcknowledgementRejected, NotFound, ObjectMissing, StorageError, WrongWorkflowStage
from archive.settings import Settings, get_settings
from archive.lifecycle.transfer import acknowledgement
from archive.lifecycle.transfer.acknowledgement import Acknowledgement
from archive.lifecycle.transfer.manifest import PACKAGES_DIR
from archive.lifecycle.transfer.prepare import TRANSFER_VI
from archive.catalog.transfer import Transfer, TransferState
from search.base import open_index

log = logging.getLogger(__name__)
IMPORTERS = ("archivist",)
REMOVAL_LEASE = timedelta(minutes=15)   # an import not heard of for this long counts as dead


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


HANDOVER_VI = "tải mục lục hồ sơ hay biên bản giao nhận để giao nộp"


def refuse_handover_if_held(session, transfer: Transfer) -> None:
    """The prepared folder is handed over outside LuuTru, so a hold placed after preparation
    stops it here: while one of its dossiers is held, its transfer list and handover record
    are not given out (LegalHoldActive naming the hold, the rule every disposal step uses)."""
    if transfer.state != TransferState.PREPARED:
        return
    for item in transfer.dossiers:
        record = session.get(DossierRecord, item.dossier_id) if item.dossier_id else None
        if record is not None:
            refuse_if_held(record, "hand over the transfer's documents", HANDOVER_VI)


def held_dossiers(session, transfer: Transfer) -> list[LegalHold]:
    """The holds in force on a prepared transfer's dossiers (what blocks its handover), for the pages."""
    if transfer.state != TransferState.PREPARED:
        return []
    codes = [item.dossier_code for item in transfer.dossiers]
    return list(session.scalars(select(LegalHold).where(LegalHold.dossier_code.in_(codes),
                                                        LegalHold.lifted_at.is_(None)).order_by(LegalHold.dossier_code)))


def _missing(reference: str) -> NotFound:
    return NotFound(f"transfer {reference} not found", message_vi=f"Không tìm thấy đợt nộp lưu {reference}.")


def _mismatches(ack: Acknowledgement, transfer: Transfer | None) -> list[str]:
    if transfer is None:
        return [f"no prepared transfer {ack.reference} at this agency"]
    problems = []
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


def _claim(ack: Acknowledgement, signer: str, actor: Principal) -> tuple[str | None, list[ErasedDossier]]:
    """Compare-and-set under the transfer's row lock: ``prepared`` (or ``acknowledged`` with no
    live removal, i.e. an import that stopped half-way) becomes ``acknowledged`` with a removal
    lease, its dossiers ``transferred``. A transfer complete or being completed is refused (409),
    so of two imports at once exactly one goes on. Returns the transfer folder and where each
    dossier's copies are."""
    with locked_session() as session:
        transfer = lock_row(session, Transfer, Transfer.reference == ack.reference, Transfer.direction == "outgoing")
        if transfer is not None and not sees_agency(actor, transfer.organ_id):
            transfer = None                  # another agency's transfer: as if there were none
        if transfer is not None:
            require(actor, IMPORTERS, agency=transfer.organ_id, action="import a transfer acknowledgement")
            expect_stage(f"transfer {ack.reference}", transfer.state, TransferState.PREPARED,
                         TransferState.ACKNOWLEDGED, transfer=ack.reference)
            if transfer.removal_lease and transfer.removal_lease > utcnow():
                raise WrongWorkflowStage(f"transfer {ack.reference} is being completed by another import",
                                         transfer=ack.reference, stage=transfer.state)
        if problems := _mismatches(ack, transfer):
            raise AcknowledgementRejected("; ".join(problems), problems=problems)
        resumed = transfer.state == TransferState.ACKNOWLEDGED
        records = _dossiers(session, transfer, check_holds=not resumed)
        if not resumed:
            transfer.state, transfer.acknowledged_at, transfer.receiver = TransferState.ACKNOWLEDGED, utcnow(), signer
            transfer.acknowledgement = ack.model_dump(mode="json")
        transfer.removal_lease = utcnow() + REMOVAL_LEASE
        audit.record("transfer", actor=actor.user, agency=transfer.organ_id, object=ack.reference, session=session,
                     detail={"step": "removal resumed" if resumed else "acknowledged", "receiver": signer,
                             "dossiers": [d.dossier_code for d in transfer.dossiers]})
        copies = []
        for record in records:
            record.status = DossierStatus.TRANSFERRED
            copies.append(snapshot(session, record))
        return transfer.folder, copies


def _dossiers(session, transfer: Transfer, *, check_holds: bool) -> list[DossierRecord]:
    """The transfer's dossiers, each row locked (as placing a hold locks it) and checked before
    any changes: one held since the transfer was prepared refuses the whole acknowledgement, so
    nothing is half-applied and importing it again once the hold is lifted completes it. A
    removal already started (resumed) is carried to its end: no hold can be placed on a
    transferred dossier."""
    records = []
    for item in transfer.dossiers:
        record = lock_row(session, DossierRecord, DossierRecord.id == item.dossier_id) if item.dossier_id else None
        if record is None:
            raise AcknowledgementRejected(f"dossier {item.dossier_code} is no longer in the catalog")
        if check_holds:
            refuse_if_held(record, "be marked transferred", TRANSFER_VI)
        records.append(record)
    return records


def _interrupted(reference: str, actor: Principal, exc: Exception) -> None:
    """Record a removal that stopped and release its lease: importing again resumes it."""
    try:
        with locked_session() as session:
            transfer = lock_row(session, Transfer, Transfer.reference == reference, Transfer.direction == "outgoing")
            transfer.removal_lease = None
            audit.record("transfer", actor=actor.user, agency=transfer.organ_id, object=reference, session=session,
                         outcome="failure", detail={"step": "removal stopped", "error": f"{type(exc).__name__}: {exc}"})
    except Exception:      # noqa: BLE001 - the removal's own error is what the caller must see
        log.exception("could not record the interruption of transfer %s", reference)


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


def acknowledge_transfer(ack_path: Path, actor: Principal, *, settings: Settings | None = None
                         ) -> CompletedTransfer:
    """Import the historical archive's signed acknowledgement and complete the transfer, as the
    sending agency's archivist ``actor``."""
    settings = settings or get_settings()      # (no init_catalog here: Alembic is not thread-safe)
    ack, signer = acknowledgement.read_verified(Path(ack_path), settings.transfer_receiver_certificate)
    folder, copies = _claim(ack, signer, actor)
    try:
        removed = _remove_copies(folder, copies, settings)
    except Exception as exc:
        _interrupted(ack.reference, actor, exc)
        raise
    with locked_session() as session:
        transfer = lock_row(session, Transfer, Transfer.reference == ack.reference, Transfer.direction == "outgoing")
        expect_stage(f"transfer {ack.reference}", transfer.state, TransferState.ACKNOWLEDGED, transfer=ack.reference)
        transfer.state, transfer.removal_lease = TransferState.TRANSFERRED, None
        audit.record("transfer", actor=actor.user, agency=transfer.organ_id, object=ack.reference, session=session,
                     detail={"step": "copies removed", "objects": removed, "dossiers": [d.code for d in copies]})
        for code in (d.code for d in copies):
            audit.record("transfer", actor=actor.user, agency=transfer.organ_id, object=code, session=session,
                         detail={"step": "transferred", "reference": ack.reference, "receiver": signer})
    checkpoint_after("transfer", stores(settings)[0])
    return CompletedTransfer(ack.reference, signer, [d.code for d in copies], removed)
