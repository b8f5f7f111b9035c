"""A legal hold is a disposal hold: it stops transfer to the historical archive as it stops
destruction, through the same rule (``refuse_if_held``), on SQLite and on PostgreSQL. A held
dossier is not prepared for transfer; one held after its transfer was prepared stops the whole
acknowledgement before anything changes, and importing it again once the hold is lifted
completes the transfer."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from archive.catalog.db import session_scope
from archive.catalog.models import AuditEntry, DossierRecord
from archive.catalog.transfer import Transfer
from archive.errors import LegalHoldActive
from archive.lifecycle.legal_hold import lift_hold, place_hold
from archive.lifecycle.transfer import acknowledge_transfer, prepare_transfer
from tests.archive.lifecycle.conftest import (ARCHIVIST, AUDITOR, HEAD, ORGAN, acknowledged_transfer, catalogue,
                                              cli_env)
from tests.fixtures.archives import LUUTRU

HOLD_REASON = "Phục vụ thanh tra"


def _statuses(*codes: str) -> dict[str, str]:
    with session_scope() as s:
        return dict(s.execute(select(DossierRecord.code, DossierRecord.status)
                              .where(DossierRecord.code.in_(codes))).all())


def _transfers() -> list[tuple[str, object]]:
    with session_scope() as s:
        return [(t.state, t.removal_lease) for t in s.scalars(select(Transfer))]


def _names_the_hold(refused: LegalHoldActive, code: str, hold_id: int) -> None:
    assert refused.http_status == 409 and refused.code == "legal_hold_active"
    assert refused.context["dossier"] == code and refused.context["hold"] == hold_id
    assert f"Hồ sơ {code} đang bị phong tỏa" in refused.message_vi
    assert f"số {hold_id}" in refused.message_vi and "nộp lưu" in refused.message_vi


def test_a_held_dossier_is_refused_when_a_transfer_is_prepared(archive_db, tmp_path):
    free = catalogue("NL-FREE", "Vĩnh viễn", date(2001, 12, 31))
    held = catalogue("NL-HELD", "Vĩnh viễn", date(2001, 12, 31))
    hold_id = place_hold(HEAD, held, HOLD_REASON)
    out = tmp_path / "out"
    with pytest.raises(LegalHoldActive) as refused:
        prepare_transfer([free, held], out, organ_id=ORGAN, actor=ARCHIVIST.user)
    _names_the_hold(refused.value, held, hold_id)
    assert _transfers() == [] and _statuses(free, held) == {free: "archived", held: "archived"}
    assert not out.exists() or not any(out.iterdir())          # nothing written, nothing to hand over


def test_an_acknowledgement_of_a_dossier_held_meanwhile_changes_nothing_until_the_hold_is_lifted(
        archive_db, tmp_path, monkeypatch):
    ack = acknowledged_transfer(tmp_path, monkeypatch, ("NL-ONE", "NL-TWO"))
    with session_scope() as s:
        codes = [d.dossier_code for d in s.scalar(select(Transfer)).dossiers]
    hold_id = place_hold(AUDITOR, codes[1], HOLD_REASON)       # after preparation, before the import
    with pytest.raises(LegalHoldActive) as refused:
        acknowledge_transfer(ack, ARCHIVIST)
    _names_the_hold(refused.value, codes[1], hold_id)
    # the whole list stays as prepared: not one dossier transferred, no lease, no step recorded
    assert _transfers() == [("prepared", None)]
    assert _statuses(*codes) == {codes[0]: "archived", codes[1]: "archived"}
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "transfer")) == 0
    lift_hold(AUDITOR, codes[1], "Thanh tra xong")
    done = acknowledge_transfer(ack, ARCHIVIST)                 # the same acknowledgement, imported again
    assert sorted(done.dossiers) == sorted(codes) and _transfers() == [("transferred", None)]
    assert _statuses(*codes) == {codes[0]: "transferred", codes[1]: "transferred"}


@pytest.mark.slow   # starts the luutru command twice (~2 s of CPU each)
def test_cli_refuses_to_prepare_a_transfer_of_a_held_dossier(archive_home, tmp_path):
    held = catalogue("NL-CLI", "Vĩnh viễn", date(2001, 12, 31))
    hold_id = place_hold(HEAD, held, HOLD_REASON)
    out = tmp_path / "out"
    prepared = subprocess.run([LUUTRU, "transfer", "prepare", held, "--out", str(out)], capture_output=True,
                              text=True, env=cli_env(archive_home, ARCHIVIST))
    assert prepared.returncode == LegalHoldActive.exit_code, prepared.stderr
    assert "[legal_hold_active]" in prepared.stderr or "legal_hold_active" in prepared.stderr
    assert f"số {hold_id}" in prepared.stderr and "phong tỏa" in prepared.stderr
    assert _transfers() == [] and (not out.exists() or not any(out.iterdir()))
