"""Format identification with FIDO (PRONOM)."""
from __future__ import annotations

import shutil

import docx

from ingest.identify import identify


def test_pdf_is_identified_by_its_pronom_puid_and_mime(text_pdf):
    found = identify(text_pdf)
    assert found.puid.startswith("fmt/") and found.mime_type == "application/pdf"
    assert found.method == "signature" and not found.extension_mismatch


def test_docx_is_identified_inside_its_zip_container(tmp_path):
    path = tmp_path / "to-trinh.docx"
    docx.Document().save(path)
    found = identify(path)
    assert (found.puid, found.method) == ("fmt/412", "container")
    assert not found.extension_mismatch


def test_png_named_pdf_is_flagged_as_contradicting_its_extension(tmp_path, scan_png):
    disguised = tmp_path / "quyet-dinh.pdf"
    shutil.copy(scan_png, disguised)
    found = identify(disguised)
    assert found.mime_type == "image/png" and found.puid == "fmt/11"
    assert found.extension_mismatch and "png" in found.expected_extensions


def test_unknown_content_falls_back_to_the_extension_without_a_mismatch(tmp_path):
    notes = tmp_path / "ghi-chu.xyzzy"
    notes.write_bytes(b"\x01\x02\x03 nothing recognisable")
    found = identify(notes)
    assert not found.identified and found.method == "fail" and not found.extension_mismatch
