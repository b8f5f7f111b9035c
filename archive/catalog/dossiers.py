"""Common queries on dossiers, shared by every layer above the catalog."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.access import Principal, can_find
from archive.catalog.locking import lock_row
from archive.catalog.models import DossierRecord, DossierStatus
from archive.errors import DossierNotInCustody, NotFound

_NOT_HELD_VI = {DossierStatus.DESTROYED: "đã bị hủy (chỉ còn mã hồ sơ)",
                DossierStatus.TRANSFERRED: "đã nộp lưu vào Lưu trữ lịch sử"}


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


def require_in_custody(record: DossierRecord, action: str, actor: str | None = None) -> None:
    """DossierNotInCustody (409) unless the archive keeps the dossier now
    (``DossierStatus.in_custody``): a destroyed or transferred dossier's record, or one still
    being ingested, takes no hold, retention, access grant or destruction step. Checked after
    ``find_dossier`` (a stranger gets its 404 first) and on the row the change is made to; the
    refusal names ``actor`` (a user name) for the audit trail's record of it. (Not ``status``:
    problem details use that name for the HTTP status.)"""
    if record.status in DossierStatus.in_custody():
        return
    status = DossierStatus(record.status)
    why = _NOT_HELD_VI.get(status, f"chưa lưu trữ xong ({status.label.lower()})")
    raise DossierNotInCustody(f"dossier {record.code} is {status}, not kept by this archive; cannot {action}",
                              message_vi=f"Hồ sơ {record.code} {why}; không thực hiện được thao tác này.",
                              dossier=record.code, dossier_status=str(status), agency=record.organ_id,
                              **({"actor": actor} if actor else {}))


def latest_package_id(session: Session, code: str) -> str | None:
    """OBJID of the dossier's current package, the one a new version replaces; None before its first."""
    record = find_dossier(session, code)
    return record.versions[-1].package_id if record.versions else None
