"""The catalog schema and its writers behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from archive.catalog import get_engine, init_catalog, session_scope
from archive.catalog.access_requests import AccessRequestState
from archive.catalog.amendments import AmendmentStage
from archive.catalog.destruction import DestructionStage, ItemOutcome, ReviewDecision
from archive.catalog.dossiers import latest_package_id
from archive.catalog.models import (Agency, DossierRecord, DossierStatus, PipelineStep, PreservationEvent, StepState,
                                    load_all_models)
from archive.catalog.packages import add_package_version, agency_name, upsert_dossier
from tests.fixtures.agencies import SAMPLE_AGENCIES, register_agencies
from archive.catalog.transfer import TransferState
from archive.errors import NotFound
from archive.storage import StoredObject
from tests.archive.conftest import sample_dossier


@pytest.fixture
def catalog(catalog_url) -> str:  # overrides the SQLite-only fixture: both databases here
    init_catalog(catalog_url)
    return catalog_url


def test_migrations_build_exactly_the_models_schema_and_rerun_harmlessly(catalog):
    init_catalog(catalog)
    with get_engine(catalog).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), load_all_models()) == []


STAGE_COLUMNS = [("dossiers", "status", DossierStatus), ("pipeline_steps", "state", StepState),
                 ("destruction_lists", "stage", DestructionStage), ("destruction_items", "outcome", ItemOutcome),
                 ("destruction_reviews", "decision", ReviewDecision),
                 ("pending_changes", "stage", AmendmentStage), ("transfers", "state", TransferState),
                 ("access_requests", "state", AccessRequestState)]


@pytest.mark.parametrize("table, column, stages", STAGE_COLUMNS, ids=[t for t, _, _ in STAGE_COLUMNS])
def test_migrated_database_accepts_exactly_the_stages_of_the_enum(catalog, table, column, stages):
    [check] = [c for c in inspect(get_engine(catalog)).get_check_constraints(table)
               if c["name"] == f"ck_{table}_{column}"]
    assert re.findall(r"'([^']*)'", check["sqltext"]) == [s.value for s in stages]
    assert all(s.label and s.label != s.value for s in stages)   # each shown to users in Vietnamese


def test_dossier_is_catalogued_with_its_documents_and_metadata(catalog):
    register_agencies("000.00.00.H41", url=catalog)
    dossier = sample_dossier()
    with session_scope(catalog) as s:
        upsert_dossier(s, dossier, status="archived", retention_expiry=None)
    with session_scope(catalog) as s:
        record = s.execute(select(DossierRecord)).scalar_one()
        assert record.code == "000.00.00.H41.2021.01.VP" and record.status == "archived"
        assert record.retention_expiry is None and record.legal_hold is False
        assert [d.code for d in record.documents] == ["000.00.00.H41.2021.01.VP.001", "000.00.00.H41.2021.01.VP.002"]
        assert record.metadata_json["Title"].startswith("Hồ sơ ban hành")
        assert s.get(Agency, "000.00.00.H41") is not None
        assert record.created_at.tzinfo is not None


def test_new_package_version_links_to_the_previous_one(catalog):
    register_agencies("000.00.00.H41", url=catalog)
    with session_scope(catalog) as s:
        record = upsert_dossier(s, sample_dossier(), status="archived")
        for n in (1, 2):
            add_package_version(s, record, package_id=f"urn:uuid:{uuid.uuid4()}", object_prefix=f"p/v{n}/",
                                store_url="file:///store", objects=[StoredObject(f"p/v{n}/METS.xml", 10, "a" * 64)])
    with session_scope(catalog) as s:
        record = s.execute(select(DossierRecord)).scalar_one()
        v1, v2 = record.versions
        assert record.current_version == 2 and v2.previous is v1 and v1.previous is None
        assert [o.key for o in v2.objects] == ["p/v2/METS.xml"]


def test_a_new_package_replaces_the_latest_version_under_the_registered_agency_name(catalog):
    code = sample_dossier().code
    with session_scope(catalog) as s:
        assert agency_name(s, "000.00.00.H41") == "000.00.00.H41"            # not registered: its code
    register_agencies("000.00.00.H41", url=catalog)
    with session_scope(catalog) as s:
        record = upsert_dossier(s, sample_dossier(), status="receiving")
        assert latest_package_id(s, code) is None                            # before its first package
        ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(2)]
        for n, package_id in enumerate(ids, 1):
            add_package_version(s, record, package_id=package_id, object_prefix=f"p/v{n}/",
                                store_url="file:///store", objects=[StoredObject(f"p/v{n}/METS.xml", 10, "a" * 64)])
    with session_scope(catalog) as s:
        assert latest_package_id(s, code) == ids[1]
        assert agency_name(s, "000.00.00.H41") == SAMPLE_AGENCIES["000.00.00.H41"]
        with pytest.raises(NotFound):
            latest_package_id(s, "000.00.00.H41.2021.99.VP")


def test_updating_a_dossier_replaces_its_documents_without_duplicates(catalog):
    register_agencies("000.00.00.H41", url=catalog)
    with session_scope(catalog) as s:
        upsert_dossier(s, sample_dossier(documents=3))
    with session_scope(catalog) as s:
        upsert_dossier(s, sample_dossier(documents=1), retention_expiry=date(2091, 12, 31))
    with session_scope(catalog) as s:
        record = s.execute(select(DossierRecord)).scalar_one()
        assert [d.ordinal for d in record.documents] == [1]
        assert record.retention_expiry == date(2091, 12, 31)


def test_unknown_dossier_status_is_refused_by_the_database(catalog):
    register_agencies("000.00.00.H41", url=catalog)
    with pytest.raises(IntegrityError):
        with session_scope(catalog) as s:
            record = upsert_dossier(s, sample_dossier())
            record.status = "lost"


def test_same_dossier_code_cannot_be_catalogued_twice(catalog):
    with pytest.raises(IntegrityError):
        with session_scope(catalog) as s:
            s.add(Agency(organ_id="000.00.00.H41", name="UBND tỉnh Khánh Hòa"))
            for _ in range(2):
                s.add(DossierRecord(code="000.00.00.H41.2021.01.VP", organ_id="000.00.00.H41", title="t",
                                    maintenance="Vĩnh viễn", rights="Công khai", metadata_json={}))


def test_pipeline_steps_and_events_keep_aware_timestamps(catalog):
    when = datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)
    with session_scope(catalog) as s:
        s.add(PipelineStep(job_id="job-1", step="validate", state="failed", reason="thiếu Title", attempts=1))
        s.add(PreservationEvent(event_type="ingestion", object_ref="urn:uuid:x", time=when, agent="LuuTru",
                                outcome="success"))
    with session_scope(catalog) as s:
        step = s.execute(select(PipelineStep)).scalar_one()
        assert (step.state, step.reason, step.updated_at.tzinfo is not None) == ("failed", "thiếu Title", True)
        assert s.execute(select(PreservationEvent.time)).scalar_one() == when


def test_a_dossier_of_an_unregistered_agency_is_never_catalogued(catalog):
    """Writing a dossier never adds its agency: the registry is the administrator's."""
    from archive.errors import AgencyNotRegistered
    with pytest.raises(AgencyNotRegistered) as refused:
        with session_scope(catalog) as s:
            upsert_dossier(s, sample_dossier())
    assert refused.value.code == "unknown_agency" and refused.value.context["agency"] == "000.00.00.H41"
    with session_scope(catalog) as s:
        assert s.scalars(select(Agency)).all() == [] and s.scalars(select(DossierRecord)).all() == []


def test_an_agency_restored_side_by_side_is_added_once_and_audited_once(catalog):
    """A rebuild or a transfer receipt restores a missing agency; two at once: the second waits
    for the first's commit and adds nothing."""
    import threading
    from archive.agencies import restore_agency
    from archive.catalog.models import AuditEntry
    results, start = [], threading.Barrier(2)

    def restore():
        start.wait()
        with session_scope(catalog) as session:
            results.append(restore_agency(session, "000.00.00.H41", "UBND tỉnh", actor="luutru-rebuild",
                                          source="rebuild"))
    threads = [threading.Thread(target=restore) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [False, True]
    with session_scope(catalog) as s:
        assert [(a.organ_id, a.name) for a in s.scalars(select(Agency))] == [("000.00.00.H41", "UBND tỉnh")]
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.object == "agency:000.00.00.H41")).all()
        assert entry.detail["restored_by"] == "rebuild"
