"""``luutru draft``: Appendix VI fields read off documents, and a manifest the validator accepts
once the archivist fills what no document prints (title, retention, rights, creator, notation)."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli.draft  # noqa: F401
import api.cli.validate  # noqa: F401
from api.cli.app import app
from ingest.draft import draft_document, propose
from ingest.draft.layout import Layout, Line
from schemas.legacy_encoding import TCVN3

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "valid"
KY_SO = SAMPLES / "stttt-2021-05cntt-trien-khai-chu-ky-so" / "files"


def _page(*rows: tuple[str, float, float, float]) -> Layout:
    """A one-page layout from (text, x0, y0, x1) rows, each line 0.012 high."""
    return Layout("pdf", 1, [Line(t, 1, (x0, y, x1, y + 0.012)) for t, x0, y, x1 in rows])


def _letter(number_line: str, date_line: str, organ=("UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ"),
            sign=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), title: str | None = None) -> Layout:
    rows = [(organ[0], 0.12, 0.05, 0.40), *((o, 0.12, 0.065 + 0.015 * i, 0.40) for i, o in enumerate(organ[1:])),
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0.50, 0.05, 0.95),
            ("Độc lập - Tự do - Hạnh phúc", 0.58, 0.065, 0.87),
            (number_line, 0.15, 0.11, 0.37), (date_line, 0.55, 0.11, 0.90)]
    y = 0.16
    if title:
        rows += [(title, 0.42, y, 0.62), ("Về công tác văn thư, lưu trữ năm 2024", 0.30, y + 0.016, 0.75)]
    else:
        rows += [("V/v hướng dẫn nộp lưu hồ sơ điện tử", 0.10, y, 0.42)]
    rows += [("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
              0.20, 0.25, 0.92), ("đề nghị các cơ quan thực hiện.", 0.15, 0.266, 0.50),
             (sign[0], 0.60, 0.32, 0.85), (sign[1], 0.62, 0.336, 0.83), ("Trần Thị Bình", 0.64, 0.40, 0.80),
             ("Nơi nhận:", 0.15, 0.32, 0.25)]
    return _page(*rows)


def _values(layout: Layout) -> dict:
    return {k: p.value for k, p in propose(layout).items()}


def test_normative_notation_splits_number_and_year_notation():
    v = _values(_letter("Số: 04/2021/QĐ-UBND", "Khánh Hòa, ngày 15 tháng 3 năm 2021", title="QUYẾT ĐỊNH",
                        organ=("ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA")))
    assert (v["CodeNumber"], v["CodeNotation"], v["TypeName"]) == ("04", "2021/QĐ-UBND", "Quyết định")
    assert v["OrganName"] == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert v["Subject"] == "Về công tác văn thư, lưu trữ năm 2024"


def test_letter_without_type_abbreviation_is_a_cong_van_with_its_v_v_subject():
    v = _values(_letter("Số: 123/SNV-VP", "Khánh Hòa, ngày 8 tháng 6 năm 2024"))
    assert (v["TypeName"], v["CodeNumber"], v["CodeNotation"]) == ("Công văn", "123", "SNV-VP")
    assert v["Subject"] == "Hướng dẫn nộp lưu hồ sơ điện tử"
    assert v["IssuedDate"] == date(2024, 6, 8)           # no leading zero on day or month
    assert v["OrganName"] == "Sở Nội vụ tỉnh Khánh Hòa"


def test_real_position_under_kt_and_dates_with_leading_zeros():
    v = _values(_letter("Số: 15/BC-SNV", "Khánh Hòa, ngày 08 tháng 06 năm 2024", title="BÁO CÁO"))
    assert v["IssuedDate"] == date(2024, 6, 8)
    assert (v["SignerInfo.Position"], v["SignerInfo.FullName"]) == ("Phó Giám đốc", "Trần Thị Bình")


def test_ubnd_abbreviated_parent_and_a_title_disagreeing_with_the_notation_is_not_vouched_for():
    proposals = propose(_letter("Số: 15/KH-SNV", "Khánh Hòa, ngày 8 tháng 6 năm 2024", title="BÁO CÁO",
                                organ=("UBND TỈNH KHÁNH HÒA", "VĂN PHÒNG")))
    assert proposals["OrganName"].value == "Văn phòng Ủy ban nhân dân tỉnh Khánh Hòa"
    assert proposals["TypeName"].value == "Báo cáo" and proposals["TypeName"].confidence < 0.9


def test_header_columns_in_any_order_give_the_same_fields():
    layout = _letter("Số: 15/BC-SNV", "Khánh Hòa, ngày 8 tháng 6 năm 2024", title="BÁO CÁO")
    shuffled = Layout("pdf", 1, list(reversed(layout.lines)))
    assert _values(shuffled) == _values(layout)


def test_tcvn3_text_is_converted_and_flagged(tmp_path):
    import docx
    to_tcvn3 = {v: k for k, v in TCVN3.items()}
    legacy = lambda s: "".join(to_tcvn3.get(c, c) for c in s)      # noqa: E731
    d = docx.Document()
    table = d.add_table(rows=1, cols=2)
    # headings in Unicode capitals, the rest typed in TCVN3 (.VnTime has no capital tone letters)
    table.rows[0].cells[0].text = "UBND TỈNH KHÁNH HÒA\nSỞ NỘI VỤ\nSố: 15/BC-SNV"
    table.rows[0].cells[1].text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                                   + legacy("Khánh Hòa, ngày 8 tháng 6 năm 2024"))
    for text in ("BÁO CÁO", legacy("Kết quả công tác văn thư năm 2024")):
        d.add_paragraph(text).alignment = 1
    d.add_paragraph(legacy("Sở Nội vụ báo cáo kết quả công tác văn thư, lưu trữ năm 2024 như sau đây."))
    d.add_paragraph("GIÁM ĐỐC\n\n\n" + legacy("Trần Thị Bình")).alignment = 2
    d.save(tmp_path / "bc.docx")
    result = draft_document(tmp_path / "bc.docx")
    assert result.legacy_encoding == "TCVN3"
    assert result.value("Subject") == "Kết quả công tác văn thư năm 2024"
    assert result.value("OrganName") == "Sở Nội vụ tỉnh Khánh Hòa"
    assert result.value("SignerInfo.Position") == "Giám đốc"
    assert max(p.confidence for p in result.fields.values()) < 0.9     # converted text is not vouched for


def test_cli_json_shape_and_filled_manifest_validates(tmp_path):
    folder = tmp_path / "hoso"
    shutil.copytree(KY_SO, folder / "files")
    runner = CliRunner()
    result = runner.invoke(app, ["draft", str(folder / "files"), "--format", "json", "--out",
                                 str(folder / "hoso.xml")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    docs = {d["file"]: d["fields"] for d in out["documents"]}
    qd = docs["qd-04-2021-qd-ubnd-ban-den.pdf"]
    assert qd["CodeNotation"]["value"] == "2021/QĐ-UBND" and 0 <= qd["CodeNotation"]["confidence"] <= 1
    assert qd["CodeNotation"]["where"][0]["page"] == 1
    assert qd["SignerInfo"]["value"] == {"Position": "Chủ tịch", "FullName": "Đinh Văn Thiệu"}
    assert [d["IssuedDate"] for d in out["manifest"]["Documents"]] == ["2021-03-15", "2021-04-05"]
    assert (out["manifest"]["StartDate"], out["manifest"]["EndDate"]) == ("2021-03-15", "2021-04-05")

    before = runner.invoke(app, ["validate", str(folder)])
    assert before.exit_code == 1 and "Title" in before.output
    xml = (folder / "hoso.xml").read_text(encoding="utf-8")
    for tag, value in (("Title", "Hồ sơ triển khai chữ ký số"), ("Maintenance", "10 năm"), ("Rights", "Công khai"),
                       ("Creator", "Hồ Thị Thu")):
        xml = xml.replace(f"<{tag}></{tag}>", f"<{tag}>{value}</{tag}>")
    xml = xml.replace("<FileNotation></FileNotation>", "<FileNotation>05.CNTT</FileNotation>")
    (folder / "hoso.xml").write_text(xml, encoding="utf-8")
    after = runner.invoke(app, ["validate", str(folder)])
    assert after.exit_code == 0, after.output


def test_unreadable_file_is_reported_and_the_rest_drafted(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    result = CliRunner().invoke(app, ["draft", str(KY_SO / "cv-215-stttt-cntt-ky-so.pdf"), str(tmp_path / "broken.pdf"),
                                      "--format", "json"])
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert [d["file"] for d in out["documents"]] == ["cv-215-stttt-cntt-ky-so.pdf"]
    assert out["failures"][0]["file"] == "broken.pdf"


@pytest.mark.slow
def test_scanned_page_is_read_through_tesseract():
    scan = SAMPLES / "stttt-2021-12vp-van-ban-den-ban-giay" / "files" / "cv-512-ubnd-nha-trang-scan.png"
    result = draft_document(scan)
    assert result.value("PageAmount") == 1
    assert result.value("IssuedDate") == date(2021, 4, 12)   # as the sample manifest records it
    wrong_but_sure = [k for k, p in result.fields.items() if p.confidence >= 0.9 and p.value is None]
    assert not wrong_but_sure


def test_only_the_pages_that_carry_the_fields_are_read():
    from ingest.draft.layout import pages_to_read
    assert pages_to_read(1) == [0] and pages_to_read(3) == [0, 1, 2] and pages_to_read(900) == [0, 1, 898, 899]


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    import zipfile

    from archive.errors import UnreadableSubmission

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    with pytest.raises(UnreadableSubmission) as refused:
        draft_document(bomb)
    assert refused.value.reason == "zip_bomb"
