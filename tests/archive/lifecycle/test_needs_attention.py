"""A dossier that needs attention (archived, but a PDF/A copy failed validation) is in the
archive's custody like any archived one: its retention runs out, it can be destroyed lawfully,
and (tests/archive/lifecycle/test_transfer.py) transferred to the historical archive."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from archive.catalog import session_scope
from archive.catalog.destruction import DestructionList
from archive.catalog.models import DossierRecord
from archive.lifecycle.destruction import candidates, execute_list
from archive.lifecycle.reports import build_report
from archive.lifecycle.retention_run import run_retention
from tests.archive.lifecycle.conftest import ARCHIVIST, ORGAN, catalog_rows, catalogue, walk_to_approval

TODAY = date(2024, 6, 1)


def needs_attention(code: str) -> str:
    with session_scope() as session:
        session.execute(update(DossierRecord).where(DossierRecord.code == code).values(status="needs_attention"))
    return code


def test_expired_dossier_needing_attention_is_listed_by_the_retention_run_and_destroyed_lawfully(archive_home):
    code = needs_attention(catalogue("03.VP", "5 năm", date(2015, 7, 1)))     # kept to 2020-12-31
    kept = needs_attention(catalogue("04.VP", "70 năm", date(2015, 7, 1)))

    assert [(d.code, d.kind) for d in run_retention(TODAY).due] == [(code, "retention_expired")]
    assert [d.code for d in candidates(ORGAN, TODAY)] == [code]
    assert [r[1] for r in build_report(ORGAN, today=TODAY).section("expired").rows] == [code]

    list_id = walk_to_approval(code, today=TODAY)
    execute_list(ARCHIVIST, list_id, today=TODAY)
    assert catalog_rows(code)["status"] == "destroyed" and catalog_rows(kept)["status"] == "needs_attention"
    with session_scope() as session:
        assert session.scalar(select(DestructionList.stage).where(DestructionList.id == list_id)) == "executed"
    assert run_retention(TODAY).due == []
