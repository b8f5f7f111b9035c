"""Opening submissions safely: hostile manifests, hostile ZIPs, missing and unnamed files, big files."""
from __future__ import annotations

import os
import resource
import stat
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from archive.errors import UnreadableSubmission
from archive.settings import Settings
from ingest.submission import open_submission
from schemas.examples import EXAMPLE_MANIFEST_XML
from schemas.manifest import hardened_parser
from ingest.validation import validate
from tests.schemas.builders import TODAY, codes, write_submission

# The classic: each entity is ten of the previous one, so &lol9; would expand to 10^9 "lol".
BILLION_LAUGHS = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Dossier [\n  <!ENTITY lol0 "lol">\n'
                  + "".join(f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
                  + ']>\n<Dossier xmlns="urn:luutru:dossier:1"><Title>&lol9;</Title></Dossier>\n')
EXTERNAL_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Dossier [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Dossier xmlns="urn:luutru:dossier:1"><Title>&xxe;</Title></Dossier>
"""
EXTERNAL_DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Dossier SYSTEM "http://example.invalid/dossier.dtd">
<Dossier xmlns="urn:luutru:dossier:1"/>
"""
XINCLUDE = """<?xml version="1.0" encoding="UTF-8"?>
<Dossier xmlns="urn:luutru:dossier:1" xmlns:xi="http://www.w3.org/2001/XInclude">
  <Title><xi:include href="/etc/passwd" parse="text"/></Title>
</Dossier>
"""


def submission_codes(folder: Path) -> set[str]:
    with open_submission(folder) as submission:
        return codes(validate(submission, today=TODAY))


# --- hostile manifests --------------------------------------------------------------------------

@pytest.mark.parametrize("manifest", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, XINCLUDE],
                         ids=["billion_laughs", "external_entity", "external_dtd", "xinclude"])
def test_dtd_entities_and_xinclude_are_refused_without_expansion(tmp_path, manifest):
    folder = write_submission(tmp_path / "hoso", manifest, pages={})
    started = time.monotonic()
    with open_submission(folder) as submission:
        report = validate(submission, today=TODAY)
    assert time.monotonic() - started < 5            # a guard against hanging, not a benchmark
    assert [p.code for p in report.errors] == ["manifest_forbidden_construct"]
    assert report.dossier is None
    assert "root:" not in str(report.to_dict())     # /etc/passwd was never read


def test_billion_laughs_manifest_really_nests_entities():
    assert BILLION_LAUGHS.count("<!ENTITY") == 10 and "&lol8;" * 10 in BILLION_LAUGHS


@pytest.mark.parametrize("manifest", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion_laughs", "external_entity"])
def test_hardened_parser_alone_neither_expands_nor_fetches_entities(manifest):
    # second line of defence, should a DOCTYPE ever get past the refusal
    try:
        root = etree.fromstring(manifest.encode(), hardened_parser())
    except etree.XMLSyntaxError:
        return
    text = "".join(root.itertext())
    assert "lollol" not in text and "root:" not in text


def test_deeply_nested_manifests_are_malformed_not_a_crash(tmp_path):
    xml_folder = write_submission(tmp_path / "x", '<Dossier xmlns="urn:luutru:dossier:1">' + "<a>" * 100_000)
    json_folder = tmp_path / "j"
    json_folder.mkdir()
    (json_folder / "hoso.json").write_text('{"Title": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert submission_codes(xml_folder) == submission_codes(json_folder) == {"manifest_malformed"}


def test_manifest_cut_off_is_malformed(tmp_path):
    folder = write_submission(tmp_path / "hoso", EXAMPLE_MANIFEST_XML[: len(EXAMPLE_MANIFEST_XML) // 2])
    assert submission_codes(folder) == {"manifest_malformed"}


def test_json_manifest_not_well_formed_is_malformed(tmp_path):
    folder = tmp_path / "hoso"
    folder.mkdir()
    (folder / "hoso.json").write_text('{"Title": "Hồ sơ",', encoding="utf-8")
    assert submission_codes(folder) == {"manifest_malformed"}


def test_manifest_in_another_namespace_is_a_schema_error(tmp_path):
    folder = write_submission(tmp_path / "hoso", EXAMPLE_MANIFEST_XML.replace("urn:luutru:dossier:1", "urn:x"))
    assert "manifest_schema" in submission_codes(folder)


def test_element_not_in_the_schema_is_reported_with_its_path(tmp_path):
    folder = write_submission(tmp_path / "hoso", EXAMPLE_MANIFEST_XML.replace("Maintenance>", "RetentionPeriod>"))
    with open_submission(folder) as submission:
        report = validate(submission, today=TODAY)
    assert {(p.code, p.path) for p in report.errors} >= {("manifest_schema", "RetentionPeriod"),
                                                         ("field_required", "Maintenance")}


def test_missing_required_element_is_reported_once_as_field_required(tmp_path):
    text = EXAMPLE_MANIFEST_XML.replace("<Title>Hồ sơ ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử</Title>",
                                        "")
    assert submission_codes(write_submission(tmp_path / "hoso", text)) == {"field_required"}


def test_elements_out_of_order_are_a_schema_error(tmp_path):
    text = EXAMPLE_MANIFEST_XML.replace("<Rights>Công khai</Rights>", "").replace(
        "<Title>", "<Rights>Công khai</Rights><Title>")
    with open_submission(write_submission(tmp_path / "hoso", text)) as submission:
        [p] = validate(submission, today=TODAY).errors
    assert (p.code, p.path) == ("manifest_schema", "Rights")


@pytest.mark.parametrize("encoding", ["windows-1258", "utf-16", "utf-32"])
def test_manifest_not_in_utf8_is_refused(tmp_path, encoding):
    text = EXAMPLE_MANIFEST_XML.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    data = text.encode(encoding, errors="replace")
    folder = write_submission(tmp_path / "hoso", data)
    assert submission_codes(folder) == {"manifest_encoding"}


def test_json_manifest_not_in_utf8_is_refused(tmp_path):
    folder = tmp_path / "hoso"
    folder.mkdir()
    (folder / "hoso.json").write_bytes('{"Title": "Hồ sơ"}'.encode("utf-16"))
    assert submission_codes(folder) == {"manifest_encoding"}


def test_manifest_in_windows_1258_without_declaration_is_refused(tmp_path):
    text = EXAMPLE_MANIFEST_XML.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    folder = write_submission(tmp_path / "hoso", text.encode("cp1258", errors="replace"))
    with open_submission(folder) as submission:
        [p] = validate(submission, today=TODAY).errors
    assert p.code == "manifest_encoding" and "UTF-8" in p.message_vi


def test_manifest_with_utf8_byte_order_mark_is_accepted(tmp_path):
    folder = write_submission(tmp_path / "hoso", b"\xef\xbb\xbf" + EXAMPLE_MANIFEST_XML.encode())
    assert submission_codes(folder) == set()


def test_manifest_over_the_size_limit_is_not_parsed(tmp_path):
    folder = write_submission(tmp_path / "hoso")
    with open_submission(folder, Settings(max_manifest_bytes=1000)) as submission:
        assert [p.code for p in submission.problems] == ["manifest_malformed"]


# --- what the submission holds -------------------------------------------------------------------

def test_folder_without_manifest_is_unreadable(tmp_path):
    folder = write_submission(tmp_path / "hoso")
    (folder / "hoso.xml").unlink()
    with pytest.raises(UnreadableSubmission) as caught:
        open_submission(folder)
    assert caught.value.reason == "manifest_missing" and caught.value.exit_code == 2


def test_empty_manifest_counts_as_missing(tmp_path):
    folder = write_submission(tmp_path / "hoso", b"")
    with pytest.raises(UnreadableSubmission) as caught:
        open_submission(folder)
    assert caught.value.reason == "manifest_missing"


def test_path_that_is_neither_folder_nor_zip_is_unreadable(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7")
    for path in (tmp_path / "a.pdf", tmp_path / "absent"):
        with pytest.raises(UnreadableSubmission) as caught:
            open_submission(path)
        assert caught.value.reason == "not_a_submission"


def test_named_but_missing_and_present_but_unnamed_files_are_both_reported(tmp_path):
    folder = write_submission(tmp_path / "hoso", pages={"files/tt-2849.pdf": 2, "files/extra.pdf": 1})
    assert submission_codes(folder) == {"file_missing", "file_unlisted"}


def test_symlink_in_a_folder_is_refused_and_not_followed(tmp_path):
    folder = write_submission(tmp_path / "hoso")
    (folder / "files/passwd").symlink_to("/etc/passwd")
    with open_submission(folder) as submission:
        assert "files/passwd" not in submission.files
        report = validate(submission, today=TODAY)
    assert [(p.code, p.path) for p in report.errors] == [("unsafe_path", "files/passwd")]


def test_operating_system_clutter_is_ignored(tmp_path):
    folder = write_submission(tmp_path / "hoso")
    (folder / "files/.DS_Store").write_bytes(b"\0")
    (folder / "Thumbs.db").write_bytes(b"\0")
    assert submission_codes(folder) == set()


# --- hostile ZIPs --------------------------------------------------------------------------------

def zip_of(folder: Path, target: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]] = (),
           compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(target, "w", compression) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
        for name, data in extra:
            z.writestr(name, data)
    return target


def refused(path: Path, settings: Settings | None = None) -> UnreadableSubmission:
    with pytest.raises(UnreadableSubmission) as caught:
        open_submission(path, settings, work_dir=path.parent)
    assert caught.value.exit_code == 2
    return caught.value


def nothing_extracted(work: Path) -> bool:
    return not any(p.name.startswith("luutru-submission-") for p in work.iterdir())


@pytest.mark.parametrize("name", ["../../tmp/luutru-thu.txt", "/tmp/luutru-thu.txt", "files/../../x.txt",
                                  "..\\..\\x.txt", "C:/Windows/x.txt"])
def test_zip_entry_climbing_out_or_absolute_is_refused(tmp_path, name):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip", [(name, b"path traversal\n")])
    assert refused(archive).reason == "zip_unsafe_entry"
    assert nothing_extracted(tmp_path) and not Path("/tmp/luutru-thu.txt").exists()


def test_zip_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("files/phu-luc.pdf")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip", [(link, b"/etc/passwd")])
    assert refused(archive).reason == "zip_unsafe_entry"
    assert nothing_extracted(tmp_path)


def test_zip_with_the_same_entry_twice_is_refused(tmp_path):
    folder = write_submission(tmp_path / "hoso")
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = zip_of(folder, tmp_path / "s.zip", [("files/tt-2849.pdf", b"%PDF-1.7 other")])
    assert refused(archive).reason == "zip_unsafe_entry"


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip",
                     [("files/phu-luc-scan.pdf", bytes(50 * 1024 * 1024))])
    assert archive.stat().st_size < 1024 * 1024
    assert refused(archive).reason == "zip_bomb"
    assert nothing_extracted(tmp_path)


def test_zip_over_the_total_size_limit_is_refused(tmp_path):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip", [("files/big.bin", os.urandom(300_000))])
    assert refused(archive, Settings(max_submission_bytes=200_000)).reason == "zip_bomb"


def test_zip_lying_about_its_sizes_is_stopped_while_extracting(tmp_path):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip", [("files/a.bin", bytes(4096))],
                     compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    # declare 16 bytes in the central directory (and local header) for a 4096-byte stored entry
    for sig in (b"PK\x01\x02", b"PK\x03\x04"):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            offset = i + (24 if sig == b"PK\x01\x02" else 22)
            name_len = int.from_bytes(data[i + (28 if sig == b"PK\x01\x02" else 26):][:2], "little")
            name_at = i + (46 if sig == b"PK\x01\x02" else 30)
            if data[name_at:name_at + name_len] == b"files/a.bin":
                data[offset:offset + 4] = (16).to_bytes(4, "little")
            start = i + 4
    archive.write_bytes(bytes(data))
    reason = refused(archive).reason
    assert reason in ("zip_bomb", "not_a_submission")
    assert nothing_extracted(tmp_path)


def test_zip_with_too_many_entries_is_refused(tmp_path):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip",
                     [(f"files/trang/{i:03d}.txt", b"") for i in range(60)])
    assert refused(archive, Settings(max_zip_entries=50)).reason == "zip_too_many_entries"


def test_extracted_files_are_removed_when_the_submission_is_closed(tmp_path):
    archive = zip_of(write_submission(tmp_path / "hoso"), tmp_path / "s.zip")
    with open_submission(archive, work_dir=tmp_path) as submission:
        root = submission.root
        assert (root / "files/tt-2849.pdf").is_file()
    assert not root.exists()


# --- big files: streamed, memory stays flat ------------------------------------------------------

def with_recording_attached(folder: Path) -> Path:
    """The example whose decision has an attachment files/ban-ghi.bin (written by the test)."""
    text = (folder / "hoso.xml").read_text(encoding="utf-8")
    (folder / "hoso.xml").write_text(text.replace(
        'file="files/qd-04-2021.pdf">',
        '>\n      <File path="files/qd-04-2021.pdf" role="main"/><File path="files/ban-ghi.bin" role="attachment"/>'),
        encoding="utf-8")
    return folder


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.slow   # writes and hashes 2 GB
def test_two_gigabyte_file_is_validated_and_hashed_with_flat_memory(tmp_path):
    folder = with_recording_attached(write_submission(tmp_path / "hoso"))
    big = folder / "files/ban-ghi.bin"
    with open(big, "wb") as f:
        f.truncate(2 * 1024**3)                     # sparse: quick to make, 2 GB to read
    rss_before = _peak_rss_bytes()
    tracemalloc.start()
    with open_submission(folder) as submission:
        report = validate(submission, today=TODAY)
        digest, size = submission.sha256("files/ban-ghi.bin")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.valid, report.render_text()
    assert size == 2 * 1024**3 and len(digest) == 64
    assert traced_peak < 32 * 1024**2
    assert _peak_rss_bytes() - rss_before < 100 * 1024**2


def test_large_zip_entry_is_extracted_in_chunks(tmp_path):
    folder = with_recording_attached(write_submission(tmp_path / "hoso"))
    size = 200 * 1024**2
    archive = tmp_path / "s.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for f in sorted(folder.rglob("*")):
            z.write(f, f.relative_to(folder).as_posix())
        with z.open("files/ban-ghi.bin", "w", force_zip64=True) as entry:
            chunk = os.urandom(1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    tracemalloc.start()
    with open_submission(archive, work_dir=tmp_path) as submission:
        extracted = (submission.root / "files/ban-ghi.bin").stat().st_size
        report = validate(submission, today=TODAY)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert extracted == size and report.valid
    assert traced_peak < 16 * 1024**2
