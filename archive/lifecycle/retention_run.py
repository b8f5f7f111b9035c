"""The daily retention run: which dossiers fall due for transfer or have expired, and
notices to their agencies (in-app rows, and e-mail where SMTP and a contact are set).

A notice is given once per dossier, kind and due date, however often the run repeats;
an e-mail that could not be sent is retried by the next run.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive import clock
from archive.access import agency_scope, require, visible
from archive.agencies import require_registered
from archive.catalog.db import session_scope
from archive.catalog.models import DossierRecord, DossierStatus
from archive.catalog.notifications import AgencyContact, Notification
from archive.clock import utcnow
from archive.errors import InvalidRequest, NotFound
from archive.catalog.dossiers import find_dossier, require_in_custody
from archive.catalog.locking import locked_session
from archive.mail import send_mail
from archive.retention import is_expired, is_permanent, retention_expiry, transfer_due_date
from archive.settings import Settings, get_settings, load_codelists
from archive.access import Principal

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
KIND_VI = {"transfer_due": "sắp đến hạn nộp lưu vào Lưu trữ lịch sử",
           "transfer_overdue": "đã quá hạn nộp lưu vào Lưu trữ lịch sử",
           "retention_expired": "đã hết thời hạn bảo quản, chờ xem xét hủy"}


@dataclass(frozen=True)
class DueDossier:
    code: str
    organ_id: str
    title: str
    maintenance: str
    kind: str  # transfer_due | transfer_overdue | retention_expired
    due_date: date
    legal_hold: bool = False


@dataclass
class RetentionRun:
    today: date
    due: list[DueDossier] = field(default_factory=list)
    new_notices: int = 0
    emails_sent: list[str] = field(default_factory=list)  # recipients


def due_dossiers(session: Session, today: date, settings: Settings, *, agency: str | None = None) -> list[DueDossier]:
    """Archived dossiers due for transfer within the notice period (or overdue), and expired ones."""
    codelists = load_codelists(settings)
    notice = timedelta(days=settings.transfer_notice_days)
    query = (select(DossierRecord).where(DossierRecord.status.in_(DossierStatus.in_custody()))
             .order_by(DossierRecord.code))
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    out = []
    for d in session.execute(query).scalars():
        kind, due = None, None
        if is_permanent(d.maintenance, codelists) and d.end_date:
            due = transfer_due_date(d.end_date, settings.transfer_deadline_years)
            kind = "transfer_overdue" if today > due else "transfer_due" if today >= due - notice else None
        elif is_expired(d.retention_expiry, today):
            kind, due = "retention_expired", d.retention_expiry
        if kind:
            out.append(DueDossier(d.code, d.organ_id, d.title, d.maintenance, kind, due, d.legal_hold))
    return out


def _message(item: DueDossier) -> str:
    return f"Hồ sơ {item.code} «{item.title}» {KIND_VI[item.kind]} (hạn: {item.due_date:%d/%m/%Y})."


def run_retention(today: date | None = None, settings: Settings | None = None) -> RetentionRun:
    """List what is due, record new notices, and e-mail every agency its notices not yet e-mailed."""
    settings = settings or get_settings()
    run = RetentionRun(today or clock.today(settings))
    with session_scope() as session:
        run.due = due_dossiers(session, run.today, settings)
        known = {(n.kind, n.dossier_code, n.due_date) for n in session.execute(select(Notification)).scalars()}
        for item in run.due:
            if (item.kind, item.code, item.due_date) not in known:
                session.add(Notification(organ_id=item.organ_id, kind=item.kind, dossier_code=item.code,
                                         due_date=item.due_date, message=_message(item)))
                run.new_notices += 1
    if settings.smtp_url:
        run.emails_sent = _email_pending(settings, run.today)
    return run


def _email_pending(settings: Settings, today: date) -> list[str]:
    sent = []
    with session_scope() as session:
        pending = defaultdict(list)
        for n in session.execute(select(Notification).where(Notification.emailed_at.is_(None))
                                 .order_by(Notification.id)).scalars():
            pending[n.organ_id].append(n)
        contacts = {c.organ_id: c.email for c in session.execute(select(AgencyContact)).scalars()}
    for organ_id, notices in pending.items():
        to = contacts.get(organ_id)
        if not to:
            continue
        body = "\n".join([f"Thông báo của hệ thống lưu trữ LuuTru ngày {today:%d/%m/%Y}:", ""]
                         + [f"- {n.message}" for n in notices])
        send_mail(settings.smtp_url, settings.smtp_sender, to,
                  f"[LuuTru] {len(notices)} hồ sơ đến hạn nộp lưu hoặc hết hạn bảo quản", body)
        with session_scope() as session:
            for n in notices:
                session.get(Notification, n.id).emailed_at = utcnow()
            audit.record("notify", actor="system", agency=organ_id, object=to,
                         detail={"notices": [n.dossier_code for n in notices]}, session=session)
        sent.append(to)
    return sent


def notifications(organ_id: str, *, unread_only: bool = False) -> list[Notification]:
    """An agency's in-app notices, newest first."""
    with session_scope() as session:
        query = select(Notification).where(Notification.organ_id == organ_id).order_by(Notification.id.desc())
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        return list(session.execute(query).scalars())


def notices_for(actor: Principal, agency: str | None, *, unread_only: bool = False) -> list[Notification]:
    """The notices of the agency ``actor`` may read: their own (an agency's staff), or the one
    asked for (the auditor, the administrator)."""
    organ_id = agency_scope(actor, agency)
    if organ_id is None:
        raise InvalidRequest("notifications are per agency: give the agency's OrganId",
                             message_vi="Hãy chọn cơ quan để xem thông báo.")
    return notifications(organ_id, unread_only=unread_only)


def set_contact(actor: Principal, organ_id: str, email: str) -> None:
    """Where an agency's notices are e-mailed: set by its archivist or head, or an administrator."""
    require(actor, ("archivist", "agency_head", "admin"), agency=organ_id, action="set an agency's notice address")
    if not EMAIL_RE.fullmatch(email or ""):
        raise InvalidRequest(f"not an e-mail address: {email!r}", message_vi="Địa chỉ thư điện tử không hợp lệ.")
    with locked_session() as session:
        require_registered(session, organ_id)
        contact = session.get(AgencyContact, organ_id) or AgencyContact(organ_id=organ_id)
        previous, contact.email = contact.email, email
        session.add(contact)
        audit.record("notify", actor=actor.user, agency=organ_id, object=f"agency:{organ_id}", session=session,
                     detail={"contact": email, "previous": previous})


def record_trigger(actor: Principal, dossier_code: str, trigger_date: date) -> date | None:
    """Record the event an event-based retention period counts from; returns the new expiry.
    Only the dossier's own agency's archivist, on a dossier the archive keeps."""
    with locked_session() as session:
        record = find_dossier(session, dossier_code, actor, lock=True)
        require(actor, ("archivist",), agency=record.organ_id, action="record a retention trigger date")
        require_in_custody(record, "record a retention trigger date", actor and actor.user)
        period = load_codelists().retention_period(record.maintenance)
        if period is None or not period.event:
            raise InvalidRequest(f"dossier {dossier_code} has retention {record.maintenance!r}, not an event-based one",
                                 message_vi="Thời hạn bảo quản của hồ sơ không tính theo sự kiện.")
        expiry = retention_expiry(record.maintenance, record.end_date, trigger_date=trigger_date)
        previous = record.retention_expiry
        record.event_trigger_date, record.retention_expiry = trigger_date, expiry
        audit.record("retention_trigger", actor=actor.user, agency=record.organ_id, object=dossier_code,
                     detail={"trigger_date": trigger_date, "expiry": expiry, "previous_expiry": previous},
                     session=session)
        return expiry


def awaiting_trigger(session: Session, *, agency: str | None = None) -> list[DossierRecord]:
    """Archived dossiers whose retention counts from an event not yet recorded."""
    codelists = load_codelists()
    query = select(DossierRecord).where(DossierRecord.status.in_(DossierStatus.in_custody()),
                                        DossierRecord.event_trigger_date.is_(None)).order_by(DossierRecord.code)
    if agency:
        query = query.where(DossierRecord.organ_id == agency)
    return [d for d in session.execute(query).scalars()
            if (period := codelists.retention_period(d.maintenance)) is not None and period.event]


def mark_read(actor: Principal, notification_id: int) -> None:
    """The agency's staff mark one of its notices read."""
    with session_scope() as session:
        notice = visible(actor, session.get(Notification, notification_id),
                         NotFound(f"notification {notification_id} not found", message_vi="Không tìm thấy thông báo."))
        require(actor, ("archivist", "council", "agency_head"), agency=notice.organ_id, action="read a notice")
        notice.read_at = notice.read_at or utcnow()
