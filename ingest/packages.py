"""Packages made by other systems: BagIt bags and E-ARK SIPs, checked before they are opened.

A bag is validated with the Library of Congress ``bagit`` library (structure, bagit.txt,
Payload-Oxum, every payload and tag manifest) before a byte of it is read as a dossier: a bag
whose payload changed is refused naming the file. An E-ARK CSIP/SIP is checked with
eark-validator (``archive.package.eark``, offline vocabularies) and must carry the Appendix VI
manifest as descriptive metadata (``metadata/descriptive/hoso.xml`` or ``hoso.json``); its
documents are the files under ``representations/``, named in the manifest by their path from
the SIP's root. Each refusal is one ``UnreadableSubmission`` with a stable ``reason``.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from archive.errors import UnreadableSubmission
from archive.settings import Settings
from schemas.manifest import MANIFEST_NAMES

BAG_DECLARATION = "bagit.txt"
EARK_METS = "METS.xml"
EARK_DESCRIPTIVE = "metadata/descriptive"
EARK_CONTENT = "representations"
# The documents of a SIP: the data of its representations (their METS and metadata are not documents).
EARK_DATA = re.compile(r"^representations/[^/]+/data/")
ROOT_MARKERS = (*MANIFEST_NAMES, BAG_DECLARATION, EARK_METS)
# What an archivist would call a document: the formats ``luutru draft`` reads, and office kin.
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
_SHOWN = 5


def is_bag(root: Path) -> bool:
    return (root / BAG_DECLARATION).is_file()


def is_eark(root: Path) -> bool:
    return (root / EARK_METS).is_file() and not any((root / n).is_file() for n in MANIFEST_NAMES)


def is_submission_root(folder: Path) -> bool:
    return any((folder / n).is_file() for n in ROOT_MARKERS)


def holds_documents(source: Path) -> bool:
    """Whether a submission (folder or ZIP) has any file of a document format, by name only:
    a quick look, before anything is opened (e.g. to start the PDF/A checker ahead of need)."""
    if source.is_dir():
        names = (p.name for p in source.rglob("*"))
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = [PurePosixPath(n).name for n in archive.namelist()]
    else:
        return False
    return any(Path(n).suffix.lower() in DOCUMENT_SUFFIXES for n in names)


def _bag_problems(bag, error) -> list[str]:
    """Each file the bag's manifests disagree with; a failed Payload-Oxum says only totals, so
    completeness and checksums are then checked to name the files."""
    import bagit

    details = list(getattr(error, "details", None) or [])
    if not details:
        for check in (bag._validate_completeness, lambda: bag._validate_entries(1)):
            try:
                check()
            except bagit.BagValidationError as more:
                details += list(more.details or [])
    out = []
    for d in details:
        if isinstance(d, bagit.ChecksumMismatch):
            out.append(f"{d.path}: {d.algorithm} {d.found} ≠ {d.expected}")
        elif isinstance(d, bagit.FileMissing):
            out.append(f"{d.path}: missing")
        elif isinstance(d, bagit.UnexpectedFile):
            out.append(f"{d.path}: not in any manifest")
        else:
            out.append(str(d))
    return out or [str(error)]


def check_bag(root: Path) -> dict:
    """Validate the bag in full; returns its bag-info fields. Raises ``UnreadableSubmission``."""
    import bagit

    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        raise UnreadableSubmission(f"{root.name}: not a valid bag: {exc}", reason="bag_invalid",
                                   message_vi=f"Túi BagIt không hợp lệ ({exc}).") from exc
    try:
        bag.validate(processes=1, fast=False)
    except (bagit.BagValidationError, bagit.BagError) as exc:
        problems = _bag_problems(bag, exc)
        files = ", ".join(problems[:_SHOWN]) + (f" (+{len(problems) - _SHOWN})" if len(problems) > _SHOWN else "")
        raise UnreadableSubmission(f"bag {root.name} fails validation: {files}", reason="bag_invalid",
                                   files=[p.split(":")[0] for p in problems],
                                   message_vi=f"Túi BagIt không toàn vẹn, không tiếp nhận: {files}. "
                                              "Nội dung đã bị thay đổi so với tệp kê khai mã kiểm tra (manifest) "
                                              "của túi.") from exc
    info = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in bag.info.items()}
    version = ".".join(map(str, bag.version_info))
    return {"bagit": {"version": version, "algorithms": list(bag.algorithms), "info": info}}


def check_eark(root: Path, settings: Settings) -> tuple[dict, Path]:
    """eark-validator first; then the Appendix VI manifest in the descriptive metadata."""
    from archive.package.eark import validate_package

    report = validate_package(root)
    if not report.conformant:
        errors = [f for f in report.errors if f.rule_id]
        shown = "; ".join(f"{f.rule_id}: {f.message}" for f in errors[:_SHOWN])
        raise UnreadableSubmission(f"E-ARK package {root.name} fails eark-validator: {shown}", reason="eark_invalid",
                                   rules=[f.rule_id for f in errors],
                                   message_vi=f"Gói E-ARK «{root.name}» không đạt kiểm tra E-ARK CSIP/SIP "
                                              f"(eark-validator): {shown}.")
    descriptive = root / EARK_DESCRIPTIVE
    manifest = next((descriptive / n for n in MANIFEST_NAMES if (descriptive / n).is_file()), None)
    if manifest is None:
        found = sorted(p.relative_to(root).as_posix() for p in descriptive.rglob("*") if p.is_file()) \
            if descriptive.is_dir() else []
        content = sum(1 for p in (root / EARK_CONTENT).rglob("*")
                      if p.is_file() and EARK_DATA.match(p.relative_to(root).as_posix())) \
            if (root / EARK_CONTENT).is_dir() else 0
        seen = ", ".join(found) or "no descriptive metadata"
        raise UnreadableSubmission(
            f"E-ARK SIP {root.name} is valid but carries no Appendix VI manifest: found {seen} and {content} "
            f"document file(s) in {EARK_CONTENT}/*/data/; missing {EARK_DESCRIPTIVE}/hoso.xml (or hoso.json); "
            f"`luutru draft {root.name} --out {root.name}/{EARK_DESCRIPTIVE}/hoso.xml` drafts one",
            reason="eark_manifest_missing", found=found, content_files=content,
            message_vi=f"Gói E-ARK «{root.name}» hợp lệ nhưng không có siêu dữ liệu hồ sơ theo Phụ lục VI Nghị định "
                       f"30/2020/NĐ-CP. Đã thấy: {', '.join(found) or 'không có siêu dữ liệu mô tả'}; {content} tệp "
                       f"văn bản trong {EARK_CONTENT}/*/data/. Còn thiếu: {EARK_DESCRIPTIVE}/hoso.xml (hoặc hoso.json). "
                       f"Có thể lập dự thảo từ các văn bản trong gói: «luutru draft {root.name} --out "
                       f"{root.name}/{EARK_DESCRIPTIVE}/hoso.xml», điền các trường còn thiếu rồi nộp lại.")
    return {"eark": {"mets": EARK_METS, "manifest": manifest.relative_to(root).as_posix(),
                     "warnings": len(report.warnings)}}, manifest


def refuse_without_manifest(source: Path, root: Path, files: list[str]) -> UnreadableSubmission:
    """``manifest_missing``; a folder of documents with no manifest anywhere is told so, and
    about ``luutru draft``."""
    documents = [f for f in files if Path(f).suffix.lower() in DOCUMENT_SUFFIXES]
    nested = [f for f in files if Path(f).name in MANIFEST_NAMES]
    if documents and not nested:
        shown = ", ".join(documents[:_SHOWN]) + (f" (+{len(documents) - _SHOWN})" if len(documents) > _SHOWN else "")
        return UnreadableSubmission(
            f"{source} holds {len(documents)} document(s) ({shown}) and no manifest anywhere; "
            "run `luutru draft` on them to draft hoso.xml", reason="manifest_missing",
            documents=len(documents),
            message_vi=f"Thư mục «{source.name}» chỉ có {len(documents)} văn bản ({shown}), không có tệp kê khai "
                       "hoso.xml hoặc hoso.json ở bất kỳ đâu. Hãy chạy «luutru draft» với các văn bản này để lập "
                       "dự thảo tệp kê khai, điền các trường còn thiếu rồi nộp lại.")
    return UnreadableSubmission(f"no hoso.xml or hoso.json in {source}", reason="manifest_missing",
                                message_vi="Không tìm thấy tệp kê khai hoso.xml hoặc hoso.json trong gói hồ sơ.")
