"""A package read back gives the catalog everything; fixity checks catch any change."""
from __future__ import annotations

import shutil

import pytest

from archive.errors import ChecksumMismatch, UnreadablePackage
from archive.package import build_package, copy_id, original_id, read_package, verify_package
from archive.package.read import FixityProblem, file_problems, premis_problems
from archive.storage.filesystem import FilesystemStore
from tests.archive.package.conftest import AGENCY, ORGAN_ID, sample_content, sample_dossier


def test_read_package_round_trips_the_dossier_metadata_exactly(aip):
    desc = read_package(aip.path)
    assert desc.dossier == sample_dossier()
    assert (desc.package_id, desc.package_type, desc.previous_package_id) == (aip.package_id, "AIP", None)
    assert (desc.organ_id, desc.agency_name) == (ORGAN_ID, AGENCY)


def test_read_package_lists_documents_files_checksums_formats_and_events(aip):
    desc = read_package(aip.path)
    assert [d.code for d in desc.documents] == ["000.00.00.H41.2021.01.VP.001", "000.00.00.H41.2021.01.VP.002"]
    doc2 = {f.id: f for f in desc.documents[1].files}
    assert set(doc2) == {copy_id(2), original_id(2, 1), original_id(2, 2)}
    assert doc2[original_id(2, 2)].original_name == "files/phu-luc.pdf"
    assert doc2[original_id(2, 1)].puid == "fmt/17"
    assert doc2[copy_id(2)].derived_from == original_id(2, 1)
    assert doc2[copy_id(2)].puid == "fmt/477"          # PDF/A-2b
    for f in desc.files:
        assert f.sha256 == aip.files[f.path]
    assert {"migration", "validation", "digital signature validation", "ingestion"} <= {e.type for e in desc.events}


def test_previous_version_link_is_read_back(aip, sources, tmp_path):
    v2 = build_package(sample_content(sources, previous_package_id=aip.package_id), tmp_path)
    assert read_package(v2.path).previous_package_id == aip.package_id


def test_an_untouched_package_verifies(aip):
    report = verify_package(aip.path)
    assert report.ok and report.checked == len(aip.files) - 1   # every file but the root METS


def test_a_tampered_file_is_detected(fresh_aip):
    target = fresh_aip.path / "representations/rep1/data/001.pdf"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    report = verify_package(fresh_aip.path)
    assert [(p.path, p.kind) for p in report.problems] == [
        ("representations/rep1/data/001.pdf", "checksum_mismatch"),
        ("representations/rep1/data/001.pdf", "premis_mismatch")]
    with pytest.raises(ChecksumMismatch):
        report.raise_for_problems()


def test_a_missing_file_and_an_added_file_are_reported(fresh_aip):
    (fresh_aip.path / "representations/rep0/data/002/02.pdf").unlink()
    (fresh_aip.path / "representations/rep0/data/extra.pdf").write_bytes(b"%PDF-1.4")
    kinds = {(p.path, p.kind) for p in verify_package(fresh_aip.path).problems}
    assert kinds == {("representations/rep0/data/002/02.pdf", "missing"),
                     ("representations/rep0/data/extra.pdf", "unreferenced")}


def test_package_is_read_and_verified_from_an_object_store(aip, tmp_path):
    store = FilesystemStore(tmp_path / "store")
    prefix = f"packages/{aip.path.name}"
    for rel in aip.files:
        store.put_file(f"{prefix}/{rel}", aip.path / rel)
    desc = read_package(prefix, store=store)
    assert desc.package_id == aip.package_id and desc.dossier == sample_dossier()
    assert verify_package(prefix, store=store).ok


def test_a_folder_without_mets_is_unreadable(tmp_path):
    with pytest.raises(UnreadablePackage):
        read_package(tmp_path)


def test_a_reference_leaving_the_package_is_refused(fresh_aip, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(fresh_aip.path, copy)
    mets = copy / "METS.xml"
    mets.write_text(mets.read_text(encoding="utf-8").replace(
        'xlink:href="metadata/descriptive/dossier.xml"', 'xlink:href="../../etc/passwd"'), encoding="utf-8")
    with pytest.raises(UnreadablePackage, match="leaves the package"):
        read_package(copy)


# -- the pure comparisons behind verify_package ------------------------------------------------

A, B = "a" * 64, "b" * 64


@pytest.mark.parametrize("expected, actual, problems", [
    ({"x.pdf": (A, 10)}, {"x.pdf": (A, 10)}, []),
    ({"x.pdf": (A, 10)}, {}, [FixityProblem("x.pdf", "missing")]),
    ({"x.pdf": (A, 10)}, {"x.pdf": (B, 10)}, [FixityProblem("x.pdf", "checksum_mismatch", A, B)]),
    ({"x.pdf": (A, 10)}, {"x.pdf": (A, 11)}, [FixityProblem("x.pdf", "size_mismatch", "10", "11")]),
    ({"x.pdf": (A, 10)}, {"x.pdf": (B, 11)}, [FixityProblem("x.pdf", "checksum_mismatch", A, B)]),  # one per file
    ({"b.xml": (A, 1), "a.xml": (A, 1)}, {}, [FixityProblem("a.xml", "missing"), FixityProblem("b.xml", "missing")]),
])
def test_file_problems_compare_each_described_file_in_path_order(expected, actual, problems):
    assert file_problems(expected, actual) == problems


@pytest.mark.parametrize("objects, actual, problems", [
    ([{"path": "x.pdf", "sha256": A.upper(), "size": 10}], {"x.pdf": (A, 10)}, []),
    ([{"path": "x.pdf", "sha256": B, "size": 10}], {"x.pdf": (A, 10)}, [FixityProblem("x.pdf", "premis_mismatch", B, A)]),
    ([{"path": "x.pdf", "sha256": A, "size": 9}], {"x.pdf": (A, 10)}, [FixityProblem("x.pdf", "premis_mismatch", A, A)]),
    ([{"path": "x.pdf", "sha256": None, "size": 10}], {"x.pdf": (A, 10)},
     [FixityProblem("x.pdf", "premis_mismatch", None, A)]),
    ([{"path": "gone.pdf", "sha256": B, "size": 1}], {}, []),        # a file not read is reported as missing instead
])
def test_premis_problems_name_objects_whose_file_is_not_what_premis_states(objects, actual, problems):
    assert premis_problems(objects, actual) == problems
