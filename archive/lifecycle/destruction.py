"""Destruction of expired records (tiêu hủy tài liệu hết giá trị), step by step:

1. ``draft_list``: the agency's archivist lists expired dossiers, a reason for each.
2. ``review_item``: appraisal council members decide item by item: agree, or keep with a
   new retention period.
3. ``audit_list``: the auditor (Sở Nội vụ) agrees or rejects the reviewed list.
4. ``approve_list``: the agency head signs the destruction decision; never the preparer.
5. ``execute_list``: every copy of each agreed dossier is erased and checked gone, and the
   certificate (biên bản hủy) is archived.

A dossier under a legal hold is refused at every step. Each decision is a catalog row and
an audit entry.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive import audit, clock
from archive.access import require, visible
from archive.audit_checkpoint import checkpoint_after
from archive.catalog.db import get_engine, session_scope
from archive.catalog.destruction import (DestructionCertificate, DestructionItem, DestructionList, DestructionReview,
                                         DestructionStage, ItemOutcome, ReviewDecision)
from archive.catalog.locking import expect_stage, lock_row, locked_session
from archive.catalog.models import DossierRecord, DossierStatus
from archive.clock import utcnow
from archive.lifecycle.destruction_certificate import archive_certificate
from archive.lifecycle.erasure import (ErasedDossier, erase, erased_from_json, erased_to_json, refuse_if_locked, residue,
                             scrub_catalog, snapshot, stores)
from archive.errors import (DestructionIncomplete, InvalidRequest, LuuTruError, NotFound, RetentionNotExpired,
                            SameActorRefused, WrongWorkflowStage)
from archive.catalog.dossiers import find_dossier, require_in_custody
from archive.lifecycle.legal_hold import refuse_if_held
from archive.retention import is_expired, retention_expiry
from archive.settings import Settings, get_settings, load_codelists
from archive.access import Principal

log = logging.getLogger(__name__)
EXECUTION_LEASE = timedelta(minutes=15)   # an execution not heard of for this long counts as dead


def _load(session: Session, list_id: int, *, lock: bool = False, actor: Principal | None = None) -> DestructionList:
    """The list; with ``lock`` it stays locked until the session ends (compare-and-set on its stage).
    With ``actor``, another agency's list (or any list, for a researcher) is not found, exactly
    like a missing one, before any role or stage rule."""
    dlist = lock_row(session, DestructionList, DestructionList.id == list_id) if lock \
        else session.get(DestructionList, list_id)
    missing = NotFound(f"destruction list {list_id} not found", message_vi=f"Không tìm thấy danh mục hủy số {list_id}.")
    return visible(actor, dlist, missing)


def _stage(dlist: DestructionList, *stages: str) -> None:
    expect_stage(f"destruction list {dlist.id}", dlist.stage, *stages, list=dlist.id)


def _check_destroyable(session: Session, code: str, today: date, action: str, actor: Principal | None = None):
    """The dossier, locked for the step's transaction (a hold placed at the same time waits for
    it, then finds the list executing or the dossier gone), if it may be listed, approved or
    destroyed today."""
    record = find_dossier(session, code, actor, lock=True)
    if actor is not None:
        require(actor, ("archivist",), agency=record.organ_id, action="list another agency's dossier")
    require_in_custody(record, action, actor and actor.user)
    refuse_if_held(record, action)
    if not is_expired(record.retention_expiry, today):
        raise RetentionNotExpired(f"dossier {code} is kept until {record.retention_expiry or 'forever'}",
                                  dossier=code, expiry=str(record.retention_expiry))
    return record


def draft_list(actor: Principal, items: Iterable[tuple[str, str]], *, today: date | None = None) -> int:
    """Propose expired dossiers of the archivist's own agency, each with a reason; returns the list id."""
    require(actor, ("archivist",), action="prepare a destruction list")
    today = today or clock.today()
    items = list(items)
    if not items:
        raise InvalidRequest("a destruction list needs at least one dossier",
                             message_vi="Danh mục hủy phải có ít nhất một hồ sơ.")
    with locked_session() as session:   # two drafts cannot both list a dossier
        dlist = DestructionList(organ_id=actor.organ_id, prepared_by=actor.user, stage=DestructionStage.COUNCIL_REVIEW)
        for code, reason in items:
            if not reason or not reason.strip():
                raise InvalidRequest(f"dossier {code} has no reason for destruction", dossier=code,
                                     message_vi=f"Hồ sơ {code} thiếu lý do hủy.")
            record = _check_destroyable(session, code, today, "be listed for destruction", actor)
            busy = session.execute(select(DestructionItem.list_id).join(DestructionList).where(
                DestructionItem.dossier_code == code, DestructionList.stage.in_(DestructionStage.open()))).first()
            if busy:
                raise InvalidRequest(f"dossier {code} is already on open destruction list {busy[0]}", dossier=code,
                                     message_vi=f"Hồ sơ {code} đã có trong danh mục hủy số {busy[0]}.")
            dlist.items.append(DestructionItem(dossier_code=code, title=record.title,
                                               maintenance=record.maintenance, reason=reason.strip()))
        session.add(dlist)
        session.flush()
        audit.record("destruction_draft", actor=actor.user, agency=actor.organ_id, object=f"destruction-list/{dlist.id}",
                     detail={"dossiers": {i.dossier_code: i.reason for i in dlist.items}}, session=session)
        return dlist.id


def review_item(actor: Principal, list_id: int, dossier_code: str, decision: str, *,
                new_retention: str | None = None, note: str | None = None, today: date | None = None) -> None:
    """One council member's decision on one item: ``agree`` to destroy, or ``keep`` with a new retention.
    The list goes to the auditor once every item has at least one review."""
    if decision not in tuple(ReviewDecision):
        raise InvalidRequest(f"decision must be agree or keep, not {decision!r}",
                             message_vi="Ý kiến phải là đồng ý hủy (agree) hoặc giữ lại (keep).")
    with locked_session() as session:
        dlist = _load(session, list_id, lock=True, actor=actor)
        require(actor, ("council",), agency=dlist.organ_id, action="review a destruction list")
        _stage(dlist, DestructionStage.COUNCIL_REVIEW, DestructionStage.AUDIT_REVIEW)
        item = next((i for i in dlist.items if i.dossier_code == dossier_code), None)
        if item is None:
            raise NotFound(f"dossier {dossier_code} is not on destruction list {list_id}",
                           message_vi=f"Hồ sơ {dossier_code} không có trong danh mục hủy số {list_id}.")
        record = find_dossier(session, dossier_code, lock=True)
        require_in_custody(record, "review it for destruction", actor and actor.user)
        refuse_if_held(record, "be reviewed for destruction")
        if decision == ReviewDecision.KEEP:
            expiry = _kept_expiry(record, new_retention, today or clock.today())
        review = next((r for r in item.reviews if r.reviewer == actor.user), None) or DestructionReview(
            reviewer=actor.user)
        review.decision, review.new_retention, review.note, review.reviewed_at = (
            decision, new_retention if decision == ReviewDecision.KEEP else None, note, utcnow())
        if review not in item.reviews:
            item.reviews.append(review)
        item.outcome, item.new_retention = outcome_of_reviews(
            [(r.decision, r.new_retention) for r in item.reviews], lambda m: _kept_expiry(record, m, date.min))
        if all(i.reviews for i in dlist.items):
            dlist.stage = DestructionStage.AUDIT_REVIEW
        audit.record("destruction_review", actor=actor.user, agency=dlist.organ_id, object=dossier_code,
                     detail={"list": list_id, "decision": decision, "new_retention": new_retention,
                             "note": note, **({"new_expiry": expiry} if decision == ReviewDecision.KEEP else {})},
                     session=session)


def outcome_of_reviews(reviews: Iterable[tuple[str, str | None]], expiry_of: Callable[[str], date | None]
                       ) -> tuple[str, str | None]:
    """(outcome, new retention) of one item from its council's (decision, new retention) reviews:
    destroyed only if every member agreed; one ``keep`` keeps it, for the longest retention any
    member asked (no expiry, i.e. permanent, is longest; on a tie the first asked). ``expiry_of``
    gives the expiry a retention would set for this dossier."""
    kept = [retention for decision, retention in reviews if decision == ReviewDecision.KEEP]
    if not kept:
        return ItemOutcome.DESTROY, None
    return ItemOutcome.KEEP, max(kept, key=lambda m: expiry_of(m) or date.max)


def _kept_expiry(record, new_retention: str | None, today: date) -> date | None:
    """The expiry a kept dossier gets; it must be later than today (or permanent)."""
    if not new_retention or load_codelists().retention_period(new_retention) is None:
        raise InvalidRequest(f"keeping needs a known new retention period, not {new_retention!r}",
                             message_vi="Giữ lại hồ sơ phải kèm thời hạn bảo quản mới hợp lệ.")
    expiry = retention_expiry(new_retention, record.end_date, trigger_date=record.event_trigger_date)
    if is_expired(expiry, today):
        raise InvalidRequest(f"retention {new_retention!r} would have ended on {expiry}",
                             message_vi="Thời hạn bảo quản mới phải kéo dài quá ngày hôm nay.")
    return expiry


def audit_list(actor: Principal, list_id: int, *, agree: bool, note: str | None = None) -> None:
    """The auditor's review (thẩm định) of a council-reviewed list."""
    with locked_session() as session:
        dlist = _load(session, list_id, lock=True, actor=actor)
        require(actor, ("auditor",), action="review a destruction list as auditor")
        _stage(dlist, DestructionStage.AUDIT_REVIEW)
        for item in dlist.items:
            if item.outcome == ItemOutcome.DESTROY:
                refuse_if_held(find_dossier(session, item.dossier_code), "be agreed for destruction")
        dlist.stage = DestructionStage.HEAD_APPROVAL if agree else DestructionStage.REJECTED
        dlist.audited_by, dlist.audit_note, dlist.audited_at = actor.user, note, utcnow()
        audit.record("approve" if agree else "reject", actor=actor.user, agency=dlist.organ_id,
                     object=f"destruction-list/{list_id}", detail={"step": "audit", "note": note}, session=session)


def approve_list(actor: Principal, list_id: int, *, decision_ref: str, today: date | None = None) -> None:
    """The agency head's destruction decision (quyết định hủy). Kept items get their new retention."""
    if not decision_ref or not decision_ref.strip():
        raise InvalidRequest("the destruction decision needs its reference number",
                             message_vi="Phải ghi số quyết định hủy.")
    today = today or clock.today()
    with locked_session() as session:
        dlist = _load(session, list_id, lock=True, actor=actor)
        require(actor, ("agency_head",), agency=dlist.organ_id, action="approve a destruction list")
        if actor.user == dlist.prepared_by:
            raise SameActorRefused(f"{actor.user} prepared destruction list {list_id} and cannot approve it",
                                   list=list_id, actor=actor.user)
        _stage(dlist, DestructionStage.HEAD_APPROVAL)
        for item in dlist.items:
            record = find_dossier(session, item.dossier_code, lock=True)
            if item.outcome == ItemOutcome.KEEP:
                require_in_custody(record, "give it a new retention", actor and actor.user)
                record.retention_expiry = _kept_expiry(record, item.new_retention, today)
                audit.record("metadata_change", actor=actor.user, agency=dlist.organ_id, object=record.code,
                             detail={"retention_expiry": record.retention_expiry, "kept_by_list": list_id,
                                     "new_retention": item.new_retention}, session=session)
            else:
                _check_destroyable(session, item.dossier_code, today, "be approved for destruction")
        dlist.stage, dlist.approved_by, dlist.decision_ref, dlist.approved_at = (
            DestructionStage.APPROVED, actor.user, decision_ref.strip(), utcnow())
        audit.record("approve", actor=actor.user, agency=dlist.organ_id, object=f"destruction-list/{list_id}",
                     detail={"step": "decision", "decision_ref": dlist.decision_ref,
                             "destroy": [i.dossier_code for i in dlist.items if i.outcome == ItemOutcome.DESTROY],
                             "keep": [i.dossier_code for i in dlist.items if i.outcome == ItemOutcome.KEEP]},
                     session=session)


def execute_list(actor: Principal, list_id: int, *, today: date | None = None,
                 settings: Settings | None = None) -> DestructionCertificate:
    """Erase every agreed dossier, verify nothing remains, archive the certificate.

    The list goes ``approved`` → ``executing`` under its lock (a second execution is refused,
    409), each dossier is erased in its own transaction, then the certificate closes it as
    ``executed``. An execution that stops half-way is audited and leaves the list
    ``executing``: running execute again resumes with the dossiers not yet erased."""
    settings = settings or get_settings()
    today = today or clock.today(settings)
    store_list = stores(settings)
    targets = _claim_execution(actor, list_id, today, store_list)
    try:
        for item_id, dossier in targets:
            with session_scope() as session:
                if session.get(DestructionItem, item_id).outcome == ItemOutcome.DESTROYED:
                    continue
                erase(session, find_dossier(session, dossier.code), dossier, settings, store_list)
                item = session.get(DestructionItem, item_id)
                item.outcome, item.snapshot = ItemOutcome.DESTROYED, erased_to_json(dossier)
                item.destruction_list.execution_lease = utcnow() + EXECUTION_LEASE
        erased = _erased(list_id)
        if left := [x for d in erased for x in residue(d, settings, store_list)]:
            raise DestructionIncomplete(f"{len(left)} copies left: {'; '.join(left[:5])}", left=left)
        with locked_session() as session:
            dlist = _load(session, list_id, lock=True)
            _stage(dlist, DestructionStage.EXECUTING)
            certificate = _close(session, actor, dlist, erased, store_list[0], settings)
    except Exception as exc:
        _interrupted(actor, list_id, exc)
        raise
    finally:
        scrub_catalog(get_engine())
        checkpoint_after("destruction", store_list[0])   # a partial destruction is a change too
    return certificate


def _claim_execution(actor: Principal, list_id: int, today: date,
                     store_list) -> list[tuple[int, ErasedDossier]]:
    """Move the list to ``executing`` (or take over one whose execution stopped) and return the
    dossiers to erase with what the certificate says of each; every refusal (hold, expiry,
    locked object) comes before the first deletion."""
    with locked_session() as session:
        dlist = _load(session, list_id, lock=True, actor=actor)
        require(actor, ("archivist", "agency_head"), agency=dlist.organ_id, action="execute a destruction decision")
        _stage(dlist, DestructionStage.APPROVED, DestructionStage.EXECUTING)
        if dlist.stage == DestructionStage.EXECUTING and dlist.execution_lease and dlist.execution_lease > utcnow():
            raise WrongWorkflowStage(f"destruction list {list_id} is being executed by {dlist.executed_by}",
                                     list=list_id, stage=dlist.stage, executed_by=dlist.executed_by)
        targets = []
        for item in dlist.items:
            if item.outcome == ItemOutcome.DESTROY:
                record = _check_destroyable(session, item.dossier_code, today, "be destroyed")
                item.snapshot = erased_to_json(snapshot(session, record))
            if item.outcome in (ItemOutcome.DESTROY, ItemOutcome.DESTROYED):
                targets.append((item.id, erased_from_json(item.snapshot)))
        for _, dossier in targets:
            refuse_if_locked(store_list, dossier)
        resumed = dlist.stage == DestructionStage.EXECUTING
        dlist.stage = DestructionStage.EXECUTING
        dlist.executed_by, dlist.execution_lease = actor.user, utcnow() + EXECUTION_LEASE
        audit.record("destroy", actor=actor.user, agency=dlist.organ_id, object=f"destruction-list/{list_id}",
                     outcome="started", session=session,
                     detail={"step": "resumed" if resumed else "started",
                             "dossiers": [d.code for _, d in targets]})
        return targets


def _erased(list_id: int) -> list[ErasedDossier]:
    with session_scope() as session:
        return [erased_from_json(i.snapshot) for i in _load(session, list_id).items
                if i.outcome == ItemOutcome.DESTROYED]


def _interrupted(actor: Principal, list_id: int, exc: Exception) -> None:
    """Record a stopped execution and release it, so that running execute again resumes it."""
    reason = f"{exc.code}: {exc.detail}" if isinstance(exc, LuuTruError) else f"{type(exc).__name__}: {exc}"
    try:
        with locked_session() as session:
            dlist = _load(session, list_id, lock=True)
            if dlist.stage != DestructionStage.EXECUTING:
                return
            dlist.execution_lease = None
            audit.record("destroy", actor=actor.user, agency=dlist.organ_id, object=f"destruction-list/{list_id}",
                         outcome="failure", session=session,
                         detail={"error": reason, "left": getattr(exc, "context", {}).get("left"),
                                 "destroyed": [i.dossier_code for i in dlist.items
                                               if i.outcome == ItemOutcome.DESTROYED],
                                 "remaining": [i.dossier_code for i in dlist.items
                                               if i.outcome == ItemOutcome.DESTROY]})
    except Exception:      # noqa: BLE001 - the execution's own error is what the caller must see
        log.exception("could not record the interruption of destruction list %s", list_id)


def _close(session: Session, actor: Principal, dlist: DestructionList, erased: list[ErasedDossier],
           store, settings: Settings) -> DestructionCertificate:
    executed_at = clock.now(settings)
    dlist.stage, dlist.executed_by, dlist.executed_at, dlist.execution_lease = (
        DestructionStage.EXECUTED, actor.user, executed_at, None)
    if session.get_bind().dialect.name == "sqlite":  # the snapshots' checksums are zeroed, not left in free pages
        session.execute(text("PRAGMA secure_delete = ON"))
    for item in dlist.items:
        item.snapshot = None                         # the certificate keeps them now
    certificate = archive_certificate(dlist, erased, executed_at, store, settings)
    session.add(certificate)
    for dossier in erased:
        audit.record("destroy", actor=actor.user, agency=dlist.organ_id, object=dossier.code,
                     detail={"list": dlist.id, "decision_ref": dlist.decision_ref, "removed": dossier.removed,
                             "objects": len(dossier.objects)}, session=session)
    audit.record("destroy", actor=actor.user, agency=dlist.organ_id, object=f"destruction-list/{dlist.id}",
                 detail={"certificate_pdf": certificate.pdf_key, "pdf_sha256": certificate.pdf_sha256,
                         "certificate_xml": certificate.xml_key, "xml_sha256": certificate.xml_sha256,
                         "keep_until": certificate.keep_until}, session=session)
    session.flush()
    return certificate


def list_summaries(organ_id: str | None) -> list[dict]:
    """The destruction lists of one agency (of every agency when None), newest first."""
    with session_scope() as session:
        query = select(DestructionList).order_by(DestructionList.id.desc())
        if organ_id is not None:
            query = query.where(DestructionList.organ_id == organ_id)
        return [{"id": d.id, "agency": d.organ_id, "stage": d.stage, "prepared_by": d.prepared_by,
                 "prepared_at": d.prepared_at, "items": len(d.items)} for d in session.scalars(query)]


def describe_list(list_id: int, actor: Principal | None = None) -> dict:
    """The list with its items, reviews and certificate, as plain data (CLI, API); with
    ``actor``, only a list they may know of (``_load``)."""
    with session_scope() as session:
        dlist = _load(session, list_id, actor=actor)
        certificate = dlist.certificate
        return {
            "id": dlist.id, "agency": dlist.organ_id, "stage": dlist.stage,
            "prepared_by": dlist.prepared_by, "prepared_at": dlist.prepared_at, "audited_by": dlist.audited_by,
            "audit_note": dlist.audit_note, "approved_by": dlist.approved_by, "decision_ref": dlist.decision_ref,
            "executed_by": dlist.executed_by, "executed_at": dlist.executed_at,
            "items": [{"dossier": i.dossier_code, "title": i.title, "maintenance": i.maintenance,
                       "reason": i.reason, "outcome": i.outcome, "new_retention": i.new_retention,
                       "reviews": [{"reviewer": r.reviewer, "decision": r.decision, "new_retention": r.new_retention,
                                    "note": r.note, "at": r.reviewed_at} for r in i.reviews]} for i in dlist.items],
            "certificate": certificate and {"pdf": certificate.pdf_key, "pdf_sha256": certificate.pdf_sha256,
                                            "xml": certificate.xml_key, "xml_sha256": certificate.xml_sha256,
                                            "keep_until": certificate.keep_until},
        }


def candidates(organ_id: str, today: date) -> list[DossierRecord]:
    """The agency's archived dossiers a destruction list may propose today: expired, not
    under a legal hold, not on a list still open (``draft_list`` checks each again)."""
    with session_scope() as session:
        listed = select(DestructionItem.dossier_code).join(DestructionList).where(
            DestructionList.stage.in_(DestructionStage.open()))
        return list(session.scalars(
            select(DossierRecord).where(DossierRecord.organ_id == organ_id,
                                        DossierRecord.status.in_(DossierStatus.in_custody()),
                                        DossierRecord.retention_expiry < today, DossierRecord.legal_hold.is_(False),
                                        DossierRecord.code.not_in(listed)).order_by(DossierRecord.retention_expiry)))
