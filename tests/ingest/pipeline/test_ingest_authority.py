"""Ingest acts for a person and adds no agency: ``luutru ingest`` without credentials,
another agency's archivist submitting, and a dossier of an unregistered agency are each
refused, coded and audited, with nothing ingested; the registered agencies stay the
administrator's."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select

from archive.catalog.db import session_scope
from archive.catalog.models import Agency, AuditEntry, DossierRecord
from archive.errors import AgencyNotRegistered
from ingest import pipeline
from tests.archive.lifecycle.test_cli_authority import luutru
from tests.fixtures.archives import SAMPLES
from tests.fixtures.agencies import archivist_token

pytestmark = pytest.mark.slow

UNREGISTERED = "000.00.77.H41"


def _count(model) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


def _refusals() -> list[tuple[str, str]]:
    with session_scope() as s:
        return [(e.object, e.detail["code"]) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "refused").order_by(AuditEntry.seq))]


def _env(archive_home, token: str | None = None) -> dict:
    import os
    env = {k: v for k, v in os.environ.items() if k != "LUUTRU_TOKEN"} | {"LUUTRU_DATA_DIR": str(archive_home)}
    return env | ({"LUUTRU_TOKEN": token} if token else {})


def test_ingest_without_credentials_is_refused_before_any_work(archive_home, born_digital_sample):
    done = luutru(_env(archive_home), "ingest", str(born_digital_sample))
    assert done.returncode == 1 and "[not_authenticated]" in done.stderr, done.stderr
    assert _count(DossierRecord) == 0 and not (archive_home / "jobs").exists()
    assert ("luutru ingest", "not_authenticated") in [(o.rsplit(" ", 1)[0], c) for o, c in _refusals()]


def test_an_archivist_cannot_ingest_another_agency_s_dossier(archive_home, born_digital_sample):
    """The sample is the UBND's (000.00.00.H41): an archivist of Sở TT&TT is refused by the
    same rule as the API's submissions (OrganId must be the submitter's agency)."""
    done = luutru(_env(archive_home, archivist_token("000.00.31.H41")), "ingest", str(born_digital_sample))
    assert done.returncode == 1 and "invalid_dossier" in done.stdout, done.stdout + done.stderr
    [validated] = [json.loads(p.read_text()) for p in (archive_home / "jobs").glob("*/validate.json")]
    assert [p["code"] for p in validated["report"]["errors"]] == ["organ_id_mismatch"]
    assert _count(DossierRecord) == 0


def test_an_archivist_ingests_their_own_agency_s_dossier_as_themselves(archive_home, born_digital_sample):
    done = luutru(_env(archive_home, archivist_token("000.00.00.H41")), "ingest", str(born_digital_sample))
    assert done.returncode == 0, done.stdout + done.stderr
    with session_scope() as s:
        assert s.scalar(select(DossierRecord.status)) == "archived"
    [job] = [json.loads(p.read_text()) for p in (archive_home / "jobs").glob("*/job.json")]
    assert (job["actor"], job["organ_id"]) == ("vanthu.000.00.00.H41", "000.00.00.H41")


def test_a_dossier_of_an_unregistered_agency_is_refused_and_no_agency_is_added(archive_home, tmp_path):
    sample = shutil.copytree(SAMPLES / "ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", tmp_path / "khac")
    manifest = sample / "hoso.xml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("000.00.00.H41", UNREGISTERED),
                        encoding="utf-8")
    agencies = _count(Agency)
    with pytest.raises(AgencyNotRegistered) as refused:
        pipeline.submit(sample)
    assert refused.value.code == "unknown_agency" and refused.value.http_status == 422
    assert _count(Agency) == agencies and _count(DossierRecord) == 0
    assert (f"submit {UNREGISTERED}.2021.01.VP", "unknown_agency") in _refusals()
