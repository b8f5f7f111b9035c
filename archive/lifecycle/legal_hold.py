"""Legal holds (phong tỏa, disposal hold): while one is in force the dossier cannot be disposed
of: not put on a destruction list, approved for destruction or destroyed, and not transferred to
the historical archive (not prepared for transfer, nor marked transferred on acknowledgement).
``refuse_if_held`` is that one rule, for every disposal step.

Placed and lifted only by the agency head of the dossier's agency, an auditor or an
administrator, always with a reason; both are kept in ``legal_holds`` and the audit trail.
A hold is placed only on a dossier the archive keeps (not destroyed, not transferred) and
not while its destruction is being executed: the execution locks the dossier's row when it
starts, so a hold and an execution at once end either held and kept, or destroyed and never
held. Lifting a hold that is in force is always possible for its authority.
A hold is lifted only by an authority at least that of whoever placed it: a hold of Sở Nội
vụ (auditor) or an administrator is not the agency head's to lift. Placing and lifting lock
the dossier's row, so of two at once exactly one acts.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from archive import audit
from archive.access import ROLE_VI, require
from archive.catalog.db import session_scope
from archive.catalog.locking import locked_session
from archive.catalog.destruction import DestructionItem, DestructionList, DestructionStage, ItemOutcome, LegalHold
from archive.catalog.dossiers import find_dossier, require_in_custody
from archive.catalog.models import DossierRecord
from archive.clock import utcnow
from archive.errors import Forbidden, InvalidRequest, LegalHoldActive, WrongWorkflowStage
from archive.access import Principal

HOLDERS = ("agency_head", "auditor", "admin")
AUTHORITY = {"agency_head": 1, "auditor": 2, "admin": 2}   # province-wide roles outrank an agency's head


def refuse_if_held(record: DossierRecord, action: str, action_vi: str = "đưa vào danh mục hủy, phê duyệt hay hủy"
                   ) -> None:
    """LegalHoldActive (409) naming the hold in force, if any: a dossier under a hold is not
    disposed of (``action``/``action_vi``: destroyed or transferred, in the step's words)."""
    if not record.legal_hold:
        return
    hold = active_hold(object_session(record), record.code)
    named = "" if hold is None else (f" (lệnh phong tỏa số {hold.id} do {ROLE_VI[hold.placed_role or 'admin']} "
                                     f"{hold.placed_by} đặt ngày {hold.placed_at:%d/%m/%Y})")
    raise LegalHoldActive(f"dossier {record.code} is under a legal hold; cannot {action}", dossier=record.code,
                          hold=hold.id if hold else None,
                          message_vi=f"Hồ sơ {record.code} đang bị phong tỏa{named}; không được {action_vi} "
                                     "cho đến khi gỡ phong tỏa.")


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidRequest("a legal hold needs a reason", message_vi="Phải nêu lý do phong tỏa hoặc gỡ phong tỏa.")
    return reason.strip()


def place_hold(actor: Principal, dossier_code: str, reason: str) -> int:
    reason = _reason(reason)
    with locked_session() as session:
        record = find_dossier(session, dossier_code, actor, lock=True)
        require(actor, HOLDERS, agency=record.organ_id, action="place a legal hold")
        require_in_custody(record, "place a legal hold", actor and actor.user)
        if record.legal_hold:
            raise LegalHoldActive(f"dossier {dossier_code} is already under a legal hold", dossier=dossier_code)
        _refuse_if_being_destroyed(session, record)
        hold = LegalHold(dossier_code=dossier_code, placed_by=actor.user, placed_role=actor.role,
                         placed_reason=reason)
        session.add(hold)
        record.legal_hold = True
        session.flush()
        audit.record("legal_hold", actor=actor.user, agency=record.organ_id, object=dossier_code,
                     detail={"hold": "placed", "reason": reason, "hold_id": hold.id}, session=session)
        return hold.id


def _refuse_if_being_destroyed(session: Session, record: DossierRecord) -> None:
    """A destruction whose execution has started is carried out to its end (or resumed): a hold
    then comes too late. Until it starts (approved, not executing) a hold stops it."""
    executing = session.execute(select(DestructionList.id).join(DestructionItem).where(
        DestructionItem.dossier_code == record.code, DestructionItem.outcome == ItemOutcome.DESTROY,
        DestructionList.stage == DestructionStage.EXECUTING)).scalar()
    if executing is not None:
        raise WrongWorkflowStage(f"dossier {record.code} is being destroyed by destruction list {executing}",
                                 message_vi=f"Hồ sơ {record.code} đang được hủy theo danh mục hủy số {executing}; "
                                            "không phong tỏa được nữa.", dossier=record.code, list=executing)


def lift_hold(actor: Principal, dossier_code: str, reason: str) -> None:
    reason = _reason(reason)
    with locked_session() as session:
        record = find_dossier(session, dossier_code, actor, lock=True)
        require(actor, HOLDERS, agency=record.organ_id, action="lift a legal hold")
        hold = active_hold(session, dossier_code)
        if hold is None:
            raise WrongWorkflowStage(f"dossier {dossier_code} has no legal hold in force",
                                     message_vi="Hồ sơ không bị phong tỏa.", dossier=dossier_code)
        placer = hold.placed_role or "admin"     # a hold from before roles were kept: the highest
        if AUTHORITY[actor.role] < AUTHORITY[placer]:
            raise Forbidden(f"{actor.user} ({actor.role}) may not lift a hold placed by {hold.placed_by} ({placer})",
                            message_vi=f"Chỉ {ROLE_VI[placer]} hoặc cấp cao hơn được gỡ phong tỏa do "
                                       f"{ROLE_VI[placer]} đặt.", actor=actor.user, role=actor.role,
                            agency=record.organ_id)
        hold.lifted_by, hold.lifted_reason, hold.lifted_at = actor.user, reason, utcnow()
        record.legal_hold = False
        audit.record("legal_hold", actor=actor.user, agency=record.organ_id, object=dossier_code,
                     detail={"hold": "lifted", "reason": reason, "hold_id": hold.id}, session=session)


def holds_of(dossier_code: str) -> list[LegalHold]:
    """Every hold of the dossier, newest first: who placed and lifted it, when and why."""
    with session_scope() as session:
        return list(session.execute(select(LegalHold).where(LegalHold.dossier_code == dossier_code)
                                    .order_by(LegalHold.id.desc())).scalars())


def active_hold(session: Session, dossier_code: str) -> LegalHold | None:
    """The hold in force on the dossier, with its reason and who placed it (None if none)."""
    return session.execute(select(LegalHold).where(LegalHold.dossier_code == dossier_code,
                                                   LegalHold.lifted_at.is_(None))).scalar_one_or_none()
