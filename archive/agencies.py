"""The agency registry (danh mục cơ quan): the agencies whose records the archive keeps.

Registered by an administrator (``luutru agency add``, the web page /agencies); a staff
account (archivist, council, agency head) belongs to a registered agency, and what it
submits must carry that agency's OrganId. Ingest never adds an agency: a dossier of an
unregistered one is refused (``unknown_agency``, audited). Only a rebuild of the catalog from
the store and the receipt of a transfer, which take the agency from packages already in the
archive's custody, restore a missing row (``restore_agency``), audited and reported.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive import audit
from archive.access import require
from archive.catalog.db import session_scope
from archive.catalog.models import Agency
from archive.errors import AgencyNotRegistered, InvalidRequest
from archive.access import Principal
from schemas.reader import ORGAN_ID_RE



def register_agency(actor: Principal, organ_id: str, name: str) -> Agency:
    """Add an agency, or rename one (administrator only; audited)."""
    require(actor, ("admin",), action="register an agency")
    organ_id, name = organ_id.strip(), name.strip()
    if not ORGAN_ID_RE.match(organ_id):     # the manifests' rule: a registered agency can submit
        raise InvalidRequest(f"{organ_id!r} is not an OrganId like 000.00.00.H41",
                             message_vi=f"Mã định danh cơ quan không hợp lệ: {organ_id}.")
    if not name or len(name) > 200:
        raise InvalidRequest("an agency's name has 1 to 200 characters", message_vi="Tên cơ quan không hợp lệ.")
    with session_scope() as session:
        agency = session.get(Agency, organ_id)
        audit.record("metadata_change", actor=actor.user, agency=organ_id, object=f"agency:{organ_id}",
                     detail={"name": {"before": agency.name if agency else None, "after": name}}, session=session)
        if agency is None:
            agency = Agency(organ_id=organ_id, name=name)
            session.add(agency)
        agency.name = name
        session.flush()
        return agency


def require_registered(session: Session, organ_id: str) -> Agency:
    """The registered agency; ``unknown_agency`` (AgencyNotRegistered) if there is none."""
    agency = session.get(Agency, organ_id)
    if agency is None:
        raise AgencyNotRegistered(f"agency {organ_id} is not registered (luutru agency add)", agency=organ_id,
                                  message_vi=f"Cơ quan {organ_id} chưa được đăng ký trong hệ thống "
                                             "(quản trị viên đăng ký tại trang Cơ quan hoặc luutru agency add).")
    return agency


def _insert(session: Session, organ_id: str, name: str) -> bool:
    """Add the agency's row unless it exists; True if this call added it. Packages of one agency
    recorded side by side all find it missing: the first insert wins, the others wait for its
    commit and insert nothing."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = session.execute(insert(Agency).values(organ_id=organ_id, name=name)
                            .on_conflict_do_nothing(index_elements=["organ_id"]).returning(Agency.organ_id))
    return added.scalar_one_or_none() is not None


def restore_agency(session: Session, organ_id: str, name: str | None, *, actor: str, source: str) -> bool:
    """Register an agency named by a package in the archive's custody (``source``: ``rebuild``
    or ``transfer``) if it is missing; audited. True when it was added."""
    if session.get(Agency, organ_id) is not None or not _insert(session, organ_id, name or organ_id):
        return False
    audit.record("metadata_change", actor=actor, agency=organ_id, object=f"agency:{organ_id}", session=session,
                 detail={"name": {"before": None, "after": name or organ_id}, "restored_by": source})
    return True


def list_agencies() -> list[tuple[str, str]]:
    with session_scope() as session:
        return [(a.organ_id, a.name) for a in session.scalars(select(Agency).order_by(Agency.organ_id))]
