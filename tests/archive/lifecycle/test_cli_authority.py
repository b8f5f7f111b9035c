"""The ``luutru`` commands that act for a person take who they are from credentials only:
LUUTRU_TOKEN or ``--user`` with a password. Declared names, roles, agencies and dates
(``--actor --role --agency --today``) are gone; refusals are coded and audited."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from archive.catalog.db import session_scope
from archive.catalog.destruction import DestructionList
from archive.catalog.models import AuditEntry
from archive.access import Principal
from tests.archive.lifecycle.conftest import (ARCHIVIST, AUDITOR, COUNCIL, HEAD, ORGAN, REASON, catalogue, cli_env,
                                     token_for)
from tests.fixtures.archives import LUUTRU

pytestmark = pytest.mark.slow   # every test starts the luutru command several times (~2 s of CPU each)
PASSWORD = "mat-khau-dai-1"


def luutru(env, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([LUUTRU, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)


def refusals() -> list[tuple[str, str, str]]:
    with session_scope() as s:
        return [(e.actor, e.object, e.detail["code"]) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "refused").order_by(AuditEntry.seq))]


def stage(list_id: int) -> str:
    with session_scope() as s:
        return s.get(DestructionList, list_id).stage


@pytest.fixture
def expired(archive_home) -> str:
    return catalogue("CLI-1", "10 năm", date(2010, 6, 30))


def test_one_operator_cannot_play_the_destruction_chain(archive_home, expired):
    archivist = cli_env(archive_home, ARCHIVIST)
    drafted = luutru(archivist, "destruction", "draft", f"{expired}={REASON}")
    assert drafted.returncode == 0, drafted.stderr
    # declared roles are not options any more: nothing happens
    ghost = luutru(archivist, "destruction", "review", "1", expired, "agree", "--actor", "ghost", "--role", "council")
    assert ghost.returncode == 2 and "--actor" in ghost.stderr and stage(1) == "council_review"
    # the archivist's own credentials do not make them the council, the auditor or the head
    for args in (("review", "1", expired, "agree"), ("audit", "1", "agree"), ("approve", "1", "--decision", "1/QĐ")):
        refused = luutru(archivist, "destruction", *args)
        assert refused.returncode == 1 and "forbidden" in refused.stderr, refused.stderr
    assert stage(1) == "council_review"
    assert [(a, code) for a, _, code in refusals()] == [(ARCHIVIST.user, "forbidden")] * 3
    # each member with their own account moves it on
    assert luutru(cli_env(archive_home, COUNCIL), "destruction", "review", "1", expired, "agree").returncode == 0
    assert luutru(cli_env(archive_home, AUDITOR), "destruction", "audit", "1", "agree").returncode == 0
    approved = luutru(cli_env(archive_home, HEAD), "destruction", "approve", "1", "--decision", "9/QĐ")
    assert approved.returncode == 0, approved.stderr and stage(1) == "approved"


def test_today_comes_from_the_instance_setting_only(archive_home):
    code = catalogue("CLI-2", "10 năm", date(2030, 6, 30))       # kept until the end of 2040
    env = cli_env(archive_home, ARCHIVIST)
    forged = luutru(env, "destruction", "draft", f"{code}={REASON}", "--today", "2041-01-01")
    assert forged.returncode == 2 and "--today" in forged.stderr
    early = luutru(env, "destruction", "draft", f"{code}={REASON}")
    assert early.returncode == 1 and "retention_not_expired" in early.stderr
    later = luutru(env | {"LUUTRU_FIXED_TODAY": "2041-01-01"}, "destruction", "draft", f"{code}={REASON}")
    assert later.returncode == 0, later.stderr


def test_missing_forged_and_revoked_credentials_are_refused_and_audited(archive_home, expired):
    from api import accounts
    nobody = cli_env(archive_home)
    for env in (nobody, nobody | {"LUUTRU_TOKEN": "lt_forged"}):
        refused = luutru(env, "hold", "place", expired, "--reason", "Thanh tra")
        assert refused.returncode == 1 and "not_authenticated" in refused.stderr
    env = cli_env(archive_home, HEAD)
    with session_scope() as s:
        token_id = accounts.tokens_of(s, accounts.find_user(s, HEAD.user).id)[-1].id
    accounts.revoke_token(token_id, actor="test", owner_id=None)
    revoked = luutru(env, "hold", "place", expired, "--reason", "Thanh tra")
    assert revoked.returncode == 1 and "not_authenticated" in revoked.stderr
    assert [code for _, obj, code in refusals()] == ["not_authenticated"] * 3
    with session_scope() as s:
        assert not s.execute(select(AuditEntry).where(AuditEntry.action == "legal_hold")).first()


def test_user_and_password_identify_the_caller(archive_home, expired):
    from api import accounts
    from tests.fixtures.agencies import register_agencies
    register_agencies(ORGAN)
    accounts.create_user("chu.ld", "agency_head", ORGAN, PASSWORD, actor="test")
    env = cli_env(archive_home)
    wrong = luutru(env, "hold", "place", expired, "--reason", "Thanh tra", "--user", "chu.ld", "--password-stdin",
                   stdin="sai-mat-khau\n")
    assert wrong.returncode == 1 and "invalid_credentials" in wrong.stderr
    placed = luutru(env, "hold", "place", expired, "--reason", "Thanh tra", "--user", "chu.ld", "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert placed.returncode == 0, placed.stderr
    with session_scope() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "legal_hold"))
    assert entry.actor == "chu.ld" and entry.agency == ORGAN


def test_credentials_are_not_minted_by_whoever_has_a_shell(archive_home):
    env = cli_env(archive_home)
    first = luutru(env, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert first.returncode == 0, first.stderr                     # the first administrator: no token yet
    second = luutru(env, "user", "add", "ke-gian", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert second.returncode == 1 and "not_authenticated" in second.stderr
    minted = luutru(env, "user", "token", "quantri")                # no password, no token: nothing
    assert minted.returncode != 0 and "lt_" not in minted.stdout
    wrong = luutru(env, "user", "token", "quantri", "--password-stdin", stdin="doan-bua-1\n")
    assert wrong.returncode == 1 and "invalid_credentials" in wrong.stderr and "lt_" not in wrong.stdout
    issued = luutru(env, "user", "token", "quantri", "--password-stdin", stdin=PASSWORD + "\n")
    assert issued.returncode == 0 and issued.stdout.strip().startswith("lt_"), issued.stderr
    admin = env | {"LUUTRU_TOKEN": issued.stdout.strip()}
    no_agency = luutru(admin, "user", "add", "lan.vt", "--role", "archivist", "--agency", "000.00.00.H99",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert no_agency.returncode == 1 and "unknown_agency" in no_agency.stderr
    assert luutru(admin, "agency", "add", "000.00.00.H99", "--name", "Sở Thử nghiệm").returncode == 0
    added = luutru(admin, "user", "add", "lan.vt", "--role", "archivist", "--agency", "000.00.00.H99",
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    archivist = env | {"LUUTRU_TOKEN": luutru(admin, "user", "token", "lan.vt").stdout.strip()}
    assert luutru(archivist, "user", "token", "quantri").returncode == 1       # not an administrator
    assert luutru(archivist, "agency", "add", "000.00.00.H98", "--name", "X").returncode == 1
    assert luutru(archivist, "user", "grant", "lan.vt", "X.2020.01").returncode == 1
    assert {code for _, _, code in refusals()} >= {"forbidden", "not_authenticated", "invalid_credentials"}


def test_operator_commands_say_they_act_on_no_ones_behalf(archive_home):
    for command in (["rebuild-catalog"], ["fixity"], ["audit", "verify"]):
        shown = luutru(cli_env(archive_home), *command, "--help")
        assert shown.returncode == 0 and "không nhân danh" in shown.stdout, command


def test_token_of_one_user_is_theirs_only(archive_home, expired):
    env = cli_env(archive_home) | {"LUUTRU_TOKEN": token_for(Principal("x.ld", "agency_head", "000.00.00.H42"))}
    refused = luutru(env, "hold", "place", expired, "--reason", "Thanh tra")
    assert refused.returncode == 1 and "forbidden" in refused.stderr      # another agency's (open) dossier


def test_status_shows_only_the_jobs_the_caller_follows(archive_home):
    from ingest import pipeline
    from tests.fixtures.archives import BORN_DIGITAL, SAMPLES
    job = pipeline.create(SAMPLES / BORN_DIGITAL, organ_id=ORGAN, actor=ARCHIVIST.user)     # steps pending, none run
    own = luutru(cli_env(archive_home, ARCHIVIST), "status")
    assert own.returncode == 0 and f"Công việc {job.id}" in own.stdout, own.stderr
    assert f"Công việc {job.id}" in luutru(cli_env(archive_home, AUDITOR), "status", job.id).stdout
    stranger = Principal("an.vt", "archivist", "000.00.00.H42")
    every = luutru(cli_env(archive_home, stranger), "status")
    assert every.returncode == 0 and job.id not in every.stdout, every.stderr
    one = luutru(cli_env(archive_home, stranger), "status", job.id)          # as if there were no such job
    assert one.returncode == 1 and "Không tìm thấy" in one.stdout and "Bước" not in one.stdout
    council = luutru(cli_env(archive_home, COUNCIL), "status", job.id)
    assert council.returncode == 1 and "forbidden" in council.stderr and "Bước" not in council.stdout
    nobody = luutru(cli_env(archive_home), "status", job.id)
    assert nobody.returncode == 1 and "not_authenticated" in nobody.stderr and "Bước" not in nobody.stdout


def test_destruction_show_reads_only_the_caller_s_agency_s_lists(archive_home, expired):
    drafted = luutru(cli_env(archive_home, ARCHIVIST), "destruction", "draft", f"{expired}={REASON}")
    assert drafted.returncode == 0, drafted.stderr
    for who in (HEAD, AUDITOR):
        shown = luutru(cli_env(archive_home, who), "destruction", "show", "1")
        assert shown.returncode == 0 and expired in shown.stdout, shown.stderr
    missing = luutru(cli_env(archive_home, HEAD), "destruction", "show", "99")
    for who in (Principal("chu.ld", "agency_head", "000.00.00.H42"), Principal("doc.gia", "researcher")):
        other = luutru(cli_env(archive_home, who), "destruction", "show", "1")
        # another agency's list answers exactly as a missing one: same code, same words
        assert other.returncode == missing.returncode == 1 and expired not in other.stdout
        assert other.stderr == missing.stderr.replace("99", "1")
    nobody = luutru(cli_env(archive_home), "destruction", "show", "1")
    assert nobody.returncode == 1 and "not_authenticated" in nobody.stderr and expired not in nobody.stdout
