"""Invalid samples: one mutation of a small valid base dossier each, with the expected outcome."""
from __future__ import annotations

import copy
import json
import re
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import pikepdf
from lxml import etree

from sample_dossiers.documents import Doc
from sample_dossiers.legacy import to_cp1258, to_tcvn3, to_vni
from sample_dossiers.manifest import NS, Dossier, to_json, xml_bytes
from sample_dossiers.source import Decision
from sample_dossiers.valid import CHAIRMAN, STTTT_DIRECTOR, SUBJECT_QD04, VP_CHIEF
from sample_dossiers.zips import write_zip


def base_dossier(dec: Decision) -> Dossier:
    """Small (three one-page PDFs), complete, and valid; auto fields left for the archive to compute."""
    return Dossier("base", "ubnd", 2021, "02.VP",
                   "Hồ sơ ban hành Quy định trao đổi văn bản điện tử theo Quyết định số 04/2021/QĐ-UBND",
                   "Vĩnh viễn", "Công khai", "Nguyễn Thị Lan", [
                       Doc("incoming", "Công văn", "2849", "STTTT-CNTT", date(2020, 11, 26), "stttt",
                           "Đề nghị ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử",
                           [("p", "Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa."), ("p", dec.preamble[-1])],
                           STTTT_DIRECTOR, stem="cv-2849-stttt-cntt",
                           meta={"ArrivalDate": date(2020, 11, 27), "ArrivalNumber": 1532}),
                       Doc("internal", "Báo cáo", "35", "BC-VP", date(2021, 2, 10), "vp",
                           "Tổng hợp ý kiến góp ý dự thảo Quy định", [("p", dec.article(1)[1][0])], VP_CHIEF,
                           stem="bc-35-vp"),
                       Doc("outgoing", "Quyết định", "04", "2021/QĐ-UBND", date(2021, 3, 15), "ubnd", SUBJECT_QD04,
                           [("p", a) for a in dec.articles], CHAIRMAN, ["Các sở, ban, ngành"], stem="qd-04-2021"),
                   ])


AUTO_FIELDS = ("DocTotal", "PageTotal", "PageAmount")
X = {"d": NS}


class Sample:
    """A copy of the base dossier being mutated: its manifest tree and its folder."""

    def __init__(self, folder: Path, dec: Decision, record: dict):
        self.folder, self.dec = folder, dec
        self.root = etree.fromstring((folder / "hoso.xml").read_bytes())
        for el in self.root.xpath("|".join(f"//d:{f}" for f in AUTO_FIELDS), namespaces=X):
            el.getparent().remove(el)
        # the same manifest as JSON data, for the samples that exercise hoso.json
        self.record = {k: v for k, v in copy.deepcopy(record).items() if k not in AUTO_FIELDS}
        for doc in self.record["Documents"]:
            doc.pop("PageAmount", None)
        self.manifest_name = "hoso.xml"
        self.raw: bytes | None = None            # set to replace the manifest bytes entirely
        self.zip_extra: list = []                # hostile entries appended when zipped (write_zip entries)
        self.has_manifest = True

    def one(self, path: str) -> etree._Element:
        return self.root.xpath(path, namespaces=X)[0]

    def set(self, path: str, value: str) -> None:
        self.one(path).text = value

    def docs(self) -> list[etree._Element]:
        return self.root.xpath("d:Documents/d:Document", namespaces=X)

    def insert_after(self, path: str, tag: str, value: str) -> None:
        anchor = self.one(path)
        el = etree.Element(f"{{{NS}}}{tag}")
        el.text, el.tail = value, anchor.tail
        anchor.addnext(el)

    def rename(self, path: str, tag: str) -> None:
        self.one(path).tag = f"{{{NS}}}{tag}"

    def file(self, index: int) -> Path:
        return self.folder / self.docs()[index].get("file")

    def manifest_text(self) -> str:
        return xml_bytes(self.root).decode()

    def as_json(self, raw: bytes) -> None:
        """Hand in ``raw`` as hoso.json instead of the XML manifest."""
        self.manifest_name, self.raw = "hoso.json", raw
        (self.folder / "hoso.xml").unlink()

    def write(self) -> None:
        manifest = self.folder / self.manifest_name
        if self.has_manifest:
            manifest.write_bytes(self.raw if self.raw is not None else xml_bytes(self.root))
        else:
            manifest.unlink()


@dataclass
class Invalid:
    name: str
    codes: list[str]
    exit_code: int
    what: str
    mutate: Callable[[Sample], None]
    packaging: str = "folder"      # folder | zip | file

    @property
    def submission(self) -> str:
        """What to hand to the validator, relative to the sample's folder."""
        return {"folder": "submission", "zip": "submission.zip", "file": "submission.pdf"}[self.packaging]


def _billion_laughs(s: Sample) -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    text = s.manifest_text().replace("?>\n", "?>\n<!DOCTYPE Dossier [\n  " + "\n  ".join(entities) + "\n]>\n", 1)
    s.raw = re.sub(r"<Title>.*?</Title>", "<Title>&lol9;</Title>", text).encode()


def _external_entity(s: Sample) -> None:
    text = s.manifest_text().replace(
        "?>\n", '?>\n<!DOCTYPE Dossier [\n  <!ENTITY noi_dung SYSTEM "file:///etc/passwd">\n]>\n', 1)
    s.raw = text.replace("</Title>", " &noi_dung;</Title>", 1).encode()


def _reencode(encoding: str, encoder: Callable[[str], bytes]) -> Callable[[Sample], None]:
    def mutate(s: Sample) -> None:
        s.raw = encoder(s.manifest_text().replace("encoding='UTF-8'", f"encoding='{encoding}'", 1))
    return mutate


def _duplicate_first(s: Sample) -> None:
    """The same incoming letter registered twice (received by e-mail and again through the system)."""
    first = s.docs()[0]
    twin = copy.deepcopy(first)
    target = Path(first.get("file")).with_name("cv-2849-stttt-cntt-nhan-lan-2.pdf")
    shutil.copyfile(s.folder / first.get("file"), s.folder / target)
    twin.set("file", target.as_posix())
    twin.find(f"{{{NS}}}ArrivalDate").text = "2020-11-30"
    twin.find(f"{{{NS}}}ArrivalNumber").text = "1547"
    first.addnext(twin)
    for n, doc in enumerate(s.docs(), 1):
        doc.find(f"{{{NS}}}DocOrdinal").text = str(n)


def _attachment_only(s: Sample) -> None:
    doc = s.docs()[0]
    path = doc.attrib.pop("file")
    el = etree.Element(f"{{{NS}}}File", path=path, role="attachment")
    el.tail = doc.text
    doc.insert(0, el)


def _encrypt(s: Sample) -> None:
    path = s.file(0)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.save(path, static_id=True, encryption=pikepdf.Encryption(
            user="matkhau", owner="matkhau-chu", R=4, aes=False, metadata=False))


def _too_long_title(s: Sample) -> None:
    text = " ".join(s.dec.article(2)[1])
    s.set("d:Title", text[: text.index(" ", 520)])


def _swap(s: Sample, a: str, b: str) -> None:
    ea, eb = s.one(a), s.one(b)
    ea.text, eb.text = eb.text, ea.text


def _unlisted(s: Sample) -> None:
    shutil.copyfile(s.file(1), s.folder / "files" / "bc-35-vp-ban-nhap.pdf")


def _many_entries(s: Sample) -> None:
    s.zip_extra = [(f"files/trang-trong/{i:05d}.txt", b"") for i in range(10_001)]


def _symlink(s: Sample) -> None:
    s.zip_extra = [("files/phu-luc.pdf", b"/etc/passwd", zipfile.ZIP_DEFLATED, stat.S_IFLNK)]


def _bomb(s: Sample) -> None:
    s.zip_extra = [("files/phu-luc-scan.pdf", bytes(200 * 1024 * 1024))]


D1, D2, D3 = ("d:Documents/d:Document[1]", "d:Documents/d:Document[2]", "d:Documents/d:Document[3]")
INVALID: list[Invalid] = [
    Invalid("date_order", ["date_order"], 1, "StartDate after EndDate",
            lambda s: _swap(s, "d:StartDate", "d:EndDate")),
    Invalid("date_outside_dossier", ["date_outside_dossier"], 1, "a document issued after the dossier's EndDate",
            lambda s: s.set(f"{D3}/d:IssuedDate", "2021-04-02")),
    Invalid("date_in_future", ["date_in_future"], 1, "EndDate and the last document dated 2099",
            lambda s: (s.set("d:EndDate", "2099-03-15"), s.set(f"{D3}/d:IssuedDate", "2099-03-15"))),
    Invalid("field_required", ["field_required"], 1, "the dossier Title is missing",
            lambda s: s.root.remove(s.one("d:Title"))),
    Invalid("field_too_long", ["field_too_long"], 1, "a Title over 500 characters (an article pasted in)",
            _too_long_title),
    Invalid("field_type", ["field_type"], 1, "IssuedDate typed as dd/mm/yyyy instead of ISO",
            lambda s: s.set(f"{D1}/d:IssuedDate", "26/11/2020")),
    Invalid("field_not_allowed", ["field_not_allowed"], 1, "ArrivalDate on an outgoing document",
            lambda s: s.insert_after(f"{D3}/d:Language", "ArrivalDate", "2021-03-15")),
    Invalid("code_list", ["code_list"], 1, "Maintenance '15 năm', not in the retention code list",
            lambda s: s.set("d:Maintenance", "15 năm")),
    Invalid("organ_id_format", ["organ_id_format"], 1, "OrganId '000.00.00.H4' (12 characters)",
            lambda s: s.set("d:FileCode/d:OrganId", "000.00.00.H4")),
    Invalid("file_catalog_mismatch", ["file_catalog_mismatch"], 1, "FileCatalog 2019 for a dossier of 2020–2021",
            lambda s: s.set("d:FileCode/d:FileCatalog", "2019")),
    Invalid("doc_total_mismatch", ["doc_total_mismatch"], 1, "DocTotal 5 for 3 documents",
            lambda s: s.insert_after("d:EndDate", "DocTotal", "5")),
    Invalid("page_total_mismatch", ["page_total_mismatch"], 1, "PageTotal 12 for three one-page PDFs",
            lambda s: s.insert_after("d:EndDate", "PageTotal", "12")),
    Invalid("page_amount_mismatch", ["page_amount_mismatch"], 1, "PageAmount 7 for a one-page PDF",
            lambda s: s.insert_after(f"{D1}/d:Language", "PageAmount", "7")),
    Invalid("doc_ordinal_sequence", ["doc_ordinal_sequence"], 1, "DocOrdinal 1, 2, 4 (a gap)",
            lambda s: s.set(f"{D3}/d:DocOrdinal", "4")),
    Invalid("doc_ordinal_order", ["doc_ordinal_order"], 1, "DocOrdinal 1 given to the later of two documents",
            lambda s: _swap(s, f"{D1}/d:DocOrdinal", f"{D2}/d:DocOrdinal")),
    Invalid("legacy_encoding_tcvn3", ["legacy_encoding"], 1, "Title typed in TCVN3 (ABC): 'QuyÕt ®Þnh'",
            lambda s: s.set("d:Title", to_tcvn3(s.one("d:Title").text))),
    Invalid("legacy_encoding_vni", ["legacy_encoding"], 1, "Title typed in VNI Windows: 'Quyeát ñònh'",
            lambda s: s.set("d:Title", to_vni(s.one("d:Title").text))),
    Invalid("state_secret", ["state_secret"], 1, "Rights 'Tối mật': state-secret material, refused",
            lambda s: s.set("d:Rights", "Tối mật")),
    Invalid("file_missing", ["file_missing"], 1, "the manifest names a file that is not there",
            lambda s: s.file(1).unlink()),
    Invalid("file_unlisted", ["file_unlisted"], 1, "a file in files/ that no document names", _unlisted),
    Invalid("unsafe_path_parent", ["unsafe_path"], 1, "a file path climbing out with '..'",
            lambda s: s.docs()[0].set("file", "../../hoso-khac/files/cv-2849-stttt-cntt.pdf")),
    Invalid("unsafe_path_absolute", ["unsafe_path"], 1, "an absolute file path",
            lambda s: s.docs()[0].set("file", "/etc/passwd")),
    Invalid("document_without_main_file", ["document_without_main_file"], 1,
            "a document whose only file is an attachment", _attachment_only),
    Invalid("file_unreadable_broken_pdf", ["file_unreadable"], 1, "a PDF cut off after a third of its bytes",
            lambda s: s.file(0).write_bytes(s.file(0).read_bytes()[: s.file(0).stat().st_size // 3])),
    Invalid("file_unreadable_encrypted_pdf", ["file_unreadable"], 1, "a PDF that needs a password to open",
            _encrypt),
    Invalid("manifest_missing", ["manifest_missing"], 2, "files/ without hoso.xml",
            lambda s: setattr(s, "has_manifest", False)),
    Invalid("manifest_malformed", ["manifest_malformed"], 1, "hoso.xml cut off in the middle",
            lambda s: setattr(s, "raw", xml_bytes(s.root)[: len(xml_bytes(s.root)) // 2])),
    Invalid("manifest_schema", ["manifest_schema"], 1, "an element not in the schema (RetentionPeriod)",
            lambda s: s.rename("d:Maintenance", "RetentionPeriod")),
    Invalid("manifest_malformed_json", ["manifest_malformed"], 1, "hoso.json cut off in the middle",
            lambda s: s.as_json(to_json(s.record)[: len(to_json(s.record)) // 2])),
    Invalid("manifest_schema_json", ["manifest_schema"], 1, "hoso.json with a key not in the schema (GhiChuNoiBo)",
            lambda s: s.as_json(to_json({**s.record, "GhiChuNoiBo": "Chỉ lưu hành nội bộ"}))),
    Invalid("manifest_forbidden_construct_billion_laughs", ["manifest_forbidden_construct"], 1,
            "a DTD with nested entities (billion laughs)", _billion_laughs),
    Invalid("manifest_forbidden_construct_external_entity", ["manifest_forbidden_construct"], 1,
            "an external entity reading /etc/passwd (XXE)", _external_entity),
    Invalid("manifest_encoding_windows_1258", ["manifest_encoding"], 1, "hoso.xml saved as Windows-1258",
            _reencode("windows-1258", to_cp1258)),
    Invalid("manifest_encoding_utf16", ["manifest_encoding"], 1, "hoso.xml saved as UTF-16",
            _reencode("UTF-16", lambda t: t.encode("utf-16"))),
    # Warnings only: the dossier is accepted (exit code 0) and the warning is reported.
    Invalid("notation_type_mismatch", ["notation_type_mismatch"], 0, "TypeName 'Tờ trình' with notation QĐ-UBND",
            lambda s: s.set(f"{D3}/d:TypeName", "Tờ trình")),
    Invalid("duplicate_document", ["duplicate_document"], 0, "the same incoming letter registered twice",
            _duplicate_first),
    Invalid("text_not_nfc", ["text_not_nfc"], 0, "a Title in decomposed Unicode (NFD)",
            lambda s: s.set("d:Title", unicodedata.normalize("NFD", s.one("d:Title").text))),
    Invalid("retention_shorter_than_default", ["retention_shorter_than_default"], 0,
            "a dossier issuing a regulation kept 10 years (default: permanent)",
            lambda s: s.set("d:Maintenance", "10 năm")),
    # Hostile ZIPs: the submission is refused before anything is read (exit code 2).
    Invalid("zip_unsafe_entry_parent", ["zip_unsafe_entry"], 2, "a ZIP entry '../../tmp/luutru-thu.txt'",
            lambda s: setattr(s, "zip_extra", [("../../tmp/luutru-thu.txt", b"path traversal\n")]), packaging="zip"),
    Invalid("zip_unsafe_entry_symlink", ["zip_unsafe_entry"], 2, "a ZIP entry that is a symlink to /etc/passwd",
            _symlink, packaging="zip"),
    Invalid("zip_bomb", ["zip_bomb"], 2, "200 MB of zeros in 200 kB (ratio over 500, limit 200)",
            _bomb, packaging="zip"),
    Invalid("zip_too_many_entries", ["zip_too_many_entries"], 2, "10,005 entries (limit 10,000)", _many_entries,
            packaging="zip"),
    Invalid("not_a_submission", ["not_a_submission"], 2, "a lone PDF handed in instead of a folder or ZIP",
            lambda s: None, packaging="file"),
]


def write_invalid(spec: Invalid, base: Path, record: dict, target: Path, dec: Decision) -> None:
    work = target.parent / f".{spec.name}.tmp"
    shutil.copytree(base, work)
    sample = Sample(work, dec, record)
    spec.mutate(sample)
    sample.write()
    target.mkdir(parents=True)
    if spec.packaging == "folder":
        shutil.copytree(work, target / spec.submission)
    elif spec.packaging == "file":
        shutil.copyfile(sample.file(0), target / spec.submission)
    else:
        files = sorted(p for p in work.rglob("*") if p.is_file())
        write_zip(target / spec.submission,
                  [(p.relative_to(work).as_posix(), p.read_bytes()) for p in files] + sample.zip_extra)
    shutil.rmtree(work)
    expected = {"exit_code": spec.exit_code, "codes": spec.codes, "submission": spec.submission}
    (target / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
