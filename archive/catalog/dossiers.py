"""Common queries on dossiers, shared by every layer above the catalog."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.access import Principal, can_find
from archive.catalog.locking import lock_row
from archive.catalog.models import DossierRecord
from archive.errors import NotFound


def find_dossier(session: Session, code: str, actor: Principal | None = None, *, lock: bool = False
                 ) -> DossierRecord:
    """The dossier (locked for the transaction with ``lock``); with ``actor``, only one they may
    find: any other answers exactly as one that does not exist, before any rule on role, agency
    or state is checked, since a 403 or 409 would disclose that it exists, its agency or its
    retention."""
    record = lock_row(session, DossierRecord, DossierRecord.code == code) if lock else \
        session.execute(select(DossierRecord).where(DossierRecord.code == code)).scalar_one_or_none()
    if record is None or (actor is not None and not can_find(actor, rights=record.rights, organ_id=record.organ_id,
                                                             dossier_code=record.code)):
        raise NotFound(f"dossier {code} not found", message_vi=f"Không tìm thấy hồ sơ {code}.", dossier=code)
    return record


def latest_package_id(session: Session, code: str) -> str | None:
    """OBJID of the dossier's current package, the one a new version replaces; None before its first."""
    record = find_dossier(session, code)
    return record.versions[-1].package_id if record.versions else None
