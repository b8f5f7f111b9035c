"""Researchers' requests to read a restricted dossier, as the reading room handles them: the
researcher gives the dossier code, a reason and the period; the owning agency's archivist or
head approves, which grants reading until the period's last day (api.accounts.grant, checked
by the rights rules through principal_of), or refuses with a note. Every step is audited.

A request names a code, not a found dossier: researchers cannot find restricted dossiers,
and whether one exists is not disclosed; the agency the code belongs to answers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api import accounts
from archive import audit
from archive.access import require, visible
from archive.catalog.access_requests import AccessRequest, AccessRequestState
from archive.catalog.db import session_scope
from archive.catalog.locking import lock_row, locked_session
from archive.catalog.models import DossierRecord
from archive.clock import utcnow
from archive.errors import InvalidRequest, NotFound, WrongWorkflowStage
from archive.settings import get_settings
from archive.access import OPEN_RIGHTS, Principal

DECIDERS = ("archivist", "agency_head")
ORGAN_ID_LENGTH = 13          # a dossier code begins with its agency's OrganId (Appendix VI)
MAX_DAYS = 366


def _text(value: str, what_vi: str) -> str:
    if not value or not value.strip():
        raise InvalidRequest(f"{what_vi} missing", message_vi=f"Hãy ghi {what_vi}.")
    return value.strip()


def request_access(actor: Principal, dossier_code: str, reason: str, period_from: date, period_to: date,
                   today: date) -> int:
    """A researcher's request; refused only for what the researcher wrote, never for what exists."""
    require(actor, ("researcher",), action="request access to a dossier")
    code, reason = _text(dossier_code, "mã hồ sơ"), _text(reason, "lý do khai thác")
    if period_to < period_from or period_from < today or (period_to - period_from).days > MAX_DAYS:
        raise InvalidRequest("the period must start today or later, end after it starts and last at most a year",
                             message_vi="Thời gian khai thác phải bắt đầu từ hôm nay, kết thúc sau ngày bắt đầu "
                                        "và không quá một năm.")
    with session_scope() as session:
        rights = session.scalar(select(DossierRecord.rights).where(DossierRecord.code == code))
        if rights == OPEN_RIGHTS:
            raise InvalidRequest(f"dossier {code} is open", message_vi="Hồ sơ này công khai, đọc được không cần yêu cầu.")
        row = AccessRequest(requester=actor.user, dossier_code=code, organ_id=code[:ORGAN_ID_LENGTH], reason=reason,
                            period_from=period_from, period_to=period_to)
        session.add(row)
        session.flush()
        audit.record("access_request", actor=actor.user, agency=row.organ_id, object=code,
                     detail={"request": row.id, "reason": reason, "from": period_from, "to": period_to},
                     session=session)
        return row.id


def requests_for(actor: Principal) -> list[AccessRequest]:
    """A researcher's own requests; an agency's staff, those for their agency; auditors and administrators, all."""
    query = select(AccessRequest).order_by(AccessRequest.id.desc())
    if actor.role == "researcher":
        query = query.where(AccessRequest.requester == actor.user)
    elif actor.role in DECIDERS or actor.role in ("council",):
        query = query.where(AccessRequest.organ_id == actor.organ_id)
    else:
        require(actor, ("auditor", "admin"), action="read access requests")
    with session_scope() as session:
        return list(session.scalars(query))


def decide(actor: Principal, request_id: int, *, approve: bool, note: str | None = None) -> str:
    """The owning agency's archivist or head approves (a grant until the period's end) or refuses."""
    with locked_session() as session:       # two decisions at once: one decides, the other gets 409
        row = lock_row(session, AccessRequest, AccessRequest.id == request_id)
        row = visible(actor, row, NotFound(f"no access request {request_id}",
                                           message_vi="Không tìm thấy yêu cầu khai thác."),
                      also=row is not None and row.requester == actor.user)
        require(actor, DECIDERS, agency=row.organ_id, action="decide an access request")
        if row.state != AccessRequestState.PENDING:
            raise WrongWorkflowStage(f"request {request_id} is already {row.state}",
                                     message_vi="Yêu cầu này đã được giải quyết.")
        if approve and session.scalar(select(DossierRecord.id).where(DossierRecord.code == row.dossier_code)) is None:
            raise InvalidRequest(f"no dossier {row.dossier_code}",
                                 message_vi=f"Cơ quan không có hồ sơ {row.dossier_code}: hãy từ chối và ghi lý do.")
        row.state = AccessRequestState.APPROVED if approve else AccessRequestState.REFUSED
        row.decided_by, row.decided_at = actor.user, utcnow()
        row.decision_note = (note or "").strip() or None
        audit.record("access_request", actor=actor.user, agency=row.organ_id, object=row.dossier_code,
                     detail={"request": row.id, "decision": row.state, "note": row.decision_note}, session=session)
        if approve:         # in the same transaction: approved and granted, or neither
            accounts.grant(row.requester, row.dossier_code, actor=actor.user, expires_at=end_of(row.period_to),
                           session=session)
        return row.state


def end_of(day: date) -> datetime:
    """The first moment after ``day`` in the archive's time zone: a grant ends there."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(get_settings().timezone))
