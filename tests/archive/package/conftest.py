"""A small real dossier with real PDF files, packaged once per module."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest

from archive.package import (DocumentContent, OriginalFile, PackageContent, PackageEvent, PreservationCopy,
                             build_package, original_id)
from archive.package.layout import VIETNAM
from schemas.models import Document, DocumentFile, Dossier, DossierCode, Recipient, Signer
from tests.schemas.builders import write_pdf

ORGAN_ID = "000.00.00.H41"
AGENCY = "Ủy ban nhân dân tỉnh Khánh Hòa"


def make_pdfa_like(source: Path, path: Path) -> Path:
    """A rewritten copy standing in for the Ghostscript PDF/A output (different bytes)."""
    with pikepdf.open(source) as pdf:
        pdf.docinfo["/Title"] = "Bản bảo quản"
        pdf.save(path)
    return path


def facts(path: Path) -> tuple[str, int]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def sample_dossier() -> Dossier:
    return Dossier(
        FileCode=DossierCode(OrganId=ORGAN_ID, FileCatalog=2021, FileNotation="01.VP"),
        Title="Hồ sơ ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử",
        Maintenance="Vĩnh viễn", Rights="Công khai", Creator="Nguyễn Thị Lan", Language="vie",
        StartDate=date(2020, 11, 26), EndDate=date(2021, 3, 15), DocTotal=2, PageTotal=3,
        Description="Gồm tờ trình, dự thảo và quyết định ban hành.",
        Documents=[
            Document(direction="incoming", files=[DocumentFile(path="files/tt-2849.pdf")], DocOrdinal=1,
                     TypeName="Công văn", CodeNumber="2849", CodeNotation="STTTT-CNTT", IssuedDate=date(2020, 11, 26),
                     OrganName="Sở Thông tin và Truyền thông tỉnh Khánh Hòa",
                     Subject="Đề nghị ban hành Quy định trao đổi văn bản điện tử", Language="vie", PageAmount=1,
                     ArrivalDate=date(2020, 11, 27), ArrivalNumber=1532,
                     SignerInfo=Signer(Position="Giám đốc", FullName="Trần Văn A"), Priority=0,
                     ToPlaces="Văn phòng UBND tỉnh"),
            Document(direction="outgoing",
                     files=[DocumentFile(path="files/qd-04-2021.pdf"),
                            DocumentFile(path="files/phu-luc.pdf", role="attachment")],
                     DocOrdinal=2, TypeName="Quyết định", CodeNumber="04", CodeNotation="2021/QĐ-UBND",
                     IssuedDate=date(2021, 3, 15), OrganName=AGENCY,
                     Subject="Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", Language="vie",
                     PageAmount=2, SignerInfo=Signer(Position="Chủ tịch", FullName="Đinh Văn Thiệu"),
                     To=[Recipient(OrganName="Văn phòng Chính phủ"), Recipient(OrganName="Sở Nội vụ")],
                     Priority=0, IssuedAmount=60),
        ])


def original(path: Path, name: str, role: str = "main") -> OriginalFile:
    sha, size = facts(path)
    return OriginalFile(path, name, sha, size, "application/pdf", "fmt/17", "Acrobat PDF 1.3", role)


def copy(path: Path) -> PreservationCopy:
    sha, size = facts(path)
    return PreservationCopy(path, sha, size, "Ghostscript", "10.00.0", True, validator="veraPDF",
                            validation_detail="PDF/A-2B compliant")


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("submission")
    tt = write_pdf(d / "tt-2849.pdf", pages=1)
    qd = write_pdf(d / "qd-04-2021.pdf", pages=2)
    pl = write_pdf(d / "phu-luc.pdf", pages=3)       # an attachment: not counted in PageAmount
    return {"tt": tt, "qd": qd, "pl": pl,
            "tt_a": make_pdfa_like(tt, d / "tt-a.pdf"), "qd_a": make_pdfa_like(qd, d / "qd-a.pdf")}


def sample_content(sources: dict[str, Path], **kw) -> PackageContent:
    signed = PackageEvent("digital signature validation", datetime(2021, 3, 16, 9, 0, tzinfo=VIETNAM),
                          "success", "pyHanko", "0.25.1", "1 signature", "intact, trusted",
                          object_ids=[original_id(2, 1)])
    documents = [
        DocumentContent(1, [original(sources["tt"], "files/tt-2849.pdf")], copy(sources["tt_a"])),
        DocumentContent(2, [original(sources["qd"], "files/qd-04-2021.pdf"),
                            original(sources["pl"], "files/phu-luc.pdf", "attachment")], copy(sources["qd_a"])),
    ]
    return PackageContent(sample_dossier(), ORGAN_ID, AGENCY, documents, events=[signed], **kw)


@pytest.fixture(scope="module")
def aip(sources, tmp_path_factory):
    return build_package(sample_content(sources), tmp_path_factory.mktemp("aips"))


@pytest.fixture
def fresh_aip(sources, tmp_path):
    """A package a test may damage."""
    return build_package(sample_content(sources), tmp_path)
