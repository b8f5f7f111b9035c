"""The files a manifest names: present, safe, all named, and page counts read from the files."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from PIL import Image

from ingest.pagecount import count_pages
from ingest.submission import open_submission
from ingest.validation import validate
from tests.schemas.builders import TODAY, codes, example_raw, write_pdf, write_submission


def run(folder: Path):
    with open_submission(folder) as submission:
        return validate(submission, today=TODAY)


def with_files(tmp_path: Path, files: dict[str, str], pages: dict[str, int] | None = None, **first_doc):
    """The example whose first document has the given files ({path: role}) and fields."""
    raw = example_raw()
    d = raw["Documents"][0]
    del d["file"]
    d["files"] = [{"path": p, "role": r} for p, r in files.items()]
    d.update(first_doc)
    return write_submission(tmp_path / "hoso", raw, pages if pages is not None else
                            {"files/qd-04-2021.pdf": 3, **{p: 1 for p in files}})


def test_named_file_that_is_absent_is_refused(example_folder):
    (example_folder / "files/tt-2849.pdf").unlink()
    [p] = run(example_folder).errors
    assert (p.code, p.path, p.value) == ("file_missing", "Documents/Document[1]/@file", "files/tt-2849.pdf")


def test_file_present_but_not_named_is_refused(example_folder):
    write_pdf(example_folder / "files/ban-nhap.pdf")
    [p] = run(example_folder).errors
    assert (p.code, p.value) == ("file_unlisted", "files/ban-nhap.pdf")


@pytest.mark.parametrize("path", ["../hoso-khac/files/tt-2849.pdf", "/etc/passwd", "files/../../x.pdf",
                                  "C:\\hoso\\tt.pdf"])
def test_path_outside_the_submission_is_refused_and_never_opened(tmp_path, path):
    folder = with_files(tmp_path, {path: "main"}, pages={"files/qd-04-2021.pdf": 3})
    report = run(folder)
    assert "unsafe_path" in codes(report, "error")
    assert "file_missing" not in codes(report)


def test_document_with_only_an_attachment_has_no_main_file(tmp_path):
    report = run(with_files(tmp_path, {"files/phu-luc.pdf": "attachment"}))
    assert codes(report) == {"document_without_main_file"}


def test_main_file_and_attachments_are_accepted(tmp_path):
    report = run(with_files(tmp_path, {"files/cv.pdf": "main", "files/phu-luc.pdf": "attachment"}))
    assert report.valid and not report.warnings, report.render_text()
    assert report.dossier.Documents[0].PageAmount == 1         # the attachment is not counted


def test_page_amount_is_read_from_the_main_file_not_trusted(tmp_path):
    report = run(with_files(tmp_path, {"files/cv.pdf": "main"}, PageAmount="7"))
    [p] = report.errors
    assert (p.code, p.value) == ("page_amount_mismatch", "7") and "1 trang" in p.message_vi


def test_page_total_other_than_the_files_pages_is_refused(example_folder):
    text = (example_folder / "hoso.xml").read_text(encoding="utf-8")
    (example_folder / "hoso.xml").write_text(text.replace("</EndDate>", "</EndDate>\n  <PageTotal>4</PageTotal>"),
                                             encoding="utf-8")
    [p] = run(example_folder).errors
    assert (p.code, p.value) == ("page_total_mismatch", "4") and "5" in p.message_vi


def test_truncated_pdf_is_unreadable(tmp_path):
    folder = with_files(tmp_path, {"files/cv.pdf": "main"})
    pdf = folder / "files/cv.pdf"
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 3])
    assert codes(run(folder)) == {"file_unreadable"}


def test_encrypted_pdf_is_unreadable(tmp_path):
    folder = with_files(tmp_path, {"files/cv.pdf": "main"})
    pdf = folder / "files/cv.pdf"
    with pikepdf.open(pdf, allow_overwriting_input=True) as p:
        p.save(pdf, encryption=pikepdf.Encryption(user="matkhau", owner="chu"))
    [p] = run(folder).errors
    assert p.code == "file_unreadable" and "password" in p.rule


def write_docx(path: Path, pages: int | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.add_paragraph("Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa.")
    d.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    app = parts.pop("docProps/app.xml")
    if pages is not None:
        parts["docProps/app.xml"] = app.replace(b"<Pages>1</Pages>", f"<Pages>{pages}</Pages>".encode())
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_docx_pages_come_from_its_document_statistics(tmp_path):
    assert count_pages(write_docx(tmp_path / "a.docx", 4)) == 4


def test_docx_without_statistics_is_warned_as_unknown_until_conversion(tmp_path):
    folder = with_files(tmp_path, {"files/cv.docx": "main"}, pages={"files/qd-04-2021.pdf": 3})
    write_docx(folder / "files/cv.docx", None)
    report = run(folder)
    assert report.valid
    assert [(p.code, p.value) for p in report.warnings] == [("page_count_unknown", "files/cv.docx")]
    assert report.dossier.PageTotal is None


def test_odt_pages_come_from_its_meta_statistics(tmp_path):
    meta = ('<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
            '<meta:document-statistic meta:page-count="6" meta:word-count="900"/></office:meta>'
            '</office:document-meta>')
    with zipfile.ZipFile(tmp_path / "a.odt", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("meta.xml", meta)
    assert count_pages(tmp_path / "a.odt") == 6


def test_multi_page_tiff_counts_one_page_per_frame(tmp_path):
    frames = [Image.new("L", (50, 70), c) for c in (255, 200, 150)]
    frames[0].save(tmp_path / "scan.tif", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    Image.new("RGB", (50, 70), "white").save(tmp_path / "scan.png")
    assert (count_pages(tmp_path / "scan.tif"), count_pages(tmp_path / "scan.png")) == (3, 1)


def test_image_that_is_not_an_image_is_unreadable(tmp_path):
    folder = with_files(tmp_path, {"files/scan.png": "main"}, pages={"files/qd-04-2021.pdf": 3})
    (folder / "files/scan.png").write_bytes(b"not a PNG at all")
    assert codes(run(folder)) == {"file_unreadable"}


def test_other_formats_have_an_unknown_page_count(tmp_path):
    (tmp_path / "bang.csv").write_text("a,b\n")
    assert count_pages(tmp_path / "bang.csv") is None
