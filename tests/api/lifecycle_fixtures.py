"""Catalog-only dossiers and a destruction list of agency A for the authorization matrix:
enough for every lifecycle endpoint to reach its role checks, made once per archive."""
from __future__ import annotations

from datetime import date

from tests.api.conftest import AGENCY_A

LONG_EXPIRED = date(2000, 6, 30)     # + 10 năm: expired long before any real today


def matrix_targets(archive) -> dict[str, str]:
    """{listed, held, list, change}: a dossier on an open destruction list (the list's id), one
    for legal-hold requests, both of agency A, expired, written straight into the catalog, and
    an amendment of agency A already decided (rejected)."""
    if not hasattr(archive, "_lifecycle_targets"):
        from archive.lifecycle.destruction import draft_list
        from archive.access import Principal
        from tests.archive.lifecycle.conftest import REASON, catalogue
        listed = catalogue("MT-LIST", "10 năm", LONG_EXPIRED, organ=AGENCY_A, title="Hồ sơ ma trận quyền")
        held = catalogue("MT-HOLD", "10 năm", LONG_EXPIRED, organ=AGENCY_A, title="Hồ sơ ma trận quyền")
        list_id = draft_list(Principal("archivist_a", "archivist", AGENCY_A), [(listed, REASON)])
        archive._lifecycle_targets = {"listed": listed, "held": held, "list": str(list_id),
                                      "change": str(decided_change(held))}
    return archive._lifecycle_targets


def set_hold(code: str, held: bool) -> None:
    """Put the dossier in the wanted hold state before a matrix request, as its agency's head:
    every holder of the matrix may lift that hold."""
    from archive.catalog.db import session_scope
    from archive.catalog.dossiers import find_dossier
    from archive.lifecycle.legal_hold import lift_hold, place_hold
    from archive.access import Principal
    with session_scope() as session:
        now = find_dossier(session, code).legal_hold
    head = Principal("head_a", "agency_head", AGENCY_A)
    if held and not now:
        place_hold(head, code, "Chuẩn bị ma trận quyền")
    elif now and not held:
        lift_hold(Principal("admin", "admin"), code, "Chuẩn bị ma trận quyền")


def decided_change(code: str) -> int:
    """An amendment of the dossier, rejected already: deciding on it again is a 409."""
    from archive.catalog.amendments import PendingChange
    from archive.catalog.db import session_scope
    with session_scope() as session:
        change = PendingChange(dossier_code=code, organ_id=AGENCY_A, job_id="matrix-change", stage="rejected",
                               submitted_by="archivist_a", changes={"Rights": {"before": "Hạn chế",
                                                                               "after": "Công khai"}})
        session.add(change)
        session.flush()
        return change.id
