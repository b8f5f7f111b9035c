"""Package: the E-ARK CSIP archival package (AIP) of the dossier, checked by eark-validator
and against the XSDs it ships before anything is stored."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pikepdf
from archive.catalog.db import session_scope
from archive.catalog.dossiers import latest_package_id
from archive.catalog.packages import agency_name
from archive.errors import InvalidPackageContent
from archive.package.build import build_package
from archive.package.content import (PDF_PUIDS, DocumentContent, OriginalFile, PackageContent, PackageEvent,
                                     PreservationCopy)
from archive.package.eark import validate_package, validate_xml_against_shipped_xsds
from schemas.models import Document
from ingest.job import IngestJob, event
from ingest.steps.normalise import copy_key
from ingest.steps.validate_pdfa import copies as pdfa_copies

STEPS_WITH_EVENTS = ("receive", "validate", "identify", "normalise", "validate_pdfa", "checksum")


def _package_event(e: dict) -> PackageEvent:
    return PackageEvent(type=e["type"], datetime=datetime.fromisoformat(e["datetime"]), outcome=e["outcome"],
                        tool_name=e.get("tool_name"), tool_version=e.get("tool_version"), detail=e.get("detail"))


def content_of(job: IngestJob) -> PackageContent:
    """Everything the earlier steps found, as the package builder's input."""
    dossier = job.dossier()
    events = [e for step in STEPS_WITH_EVENTS for e in job.result(step).get("events", [])]
    idents, sums, pdfa = job.result("identify")["files"], job.result("checksum"), pdfa_copies(job)
    documents = [_document(job, doc, idents, sums, pdfa, events) for doc in dossier.Documents]
    organ_id = dossier.FileCode.OrganId
    with session_scope() as session:
        name, previous = agency_name(session, organ_id), latest_package_id(session, dossier.code)
    return PackageContent(dossier=dossier, organ_id=organ_id, agency_name=name, documents=documents,
                          previous_package_id=previous,
                          events=[_package_event(e) for e in events if not (e.get("file") or e.get("copy"))])


def _document(job: IngestJob, doc: Document, idents: dict, sums: dict, pdfa: dict, events: list[dict]
              ) -> DocumentContent:
    """One document's originals as submitted and the PDF/A copies made of them."""
    originals = [OriginalFile(path=job.submission_dir / f.path, name=f.path, role=f.role,
                              sha256=sums["originals"][f.path]["sha256"], size=sums["originals"][f.path]["size"],
                              mime=idents[f.path]["mime_type"] or "application/octet-stream",
                              puid=idents[f.path]["puid"], format_name=idents[f.path]["format_name"],
                              events=[_package_event(e) for e in events if e.get("file") == f.path])
                 for f in doc.files]
    copies = [_copy(job, key, pdfa[key], sums, events, index)
              for index, f in enumerate(doc.files, 1)
              if (key := copy_key(doc.DocOrdinal, index, f.role == "main")) in pdfa]
    main = next((c for c in copies if c.original_index is None), None)
    return DocumentContent(ordinal=doc.DocOrdinal, originals=originals, preservation=main,
                           attachment_copies=[c for c in copies if c is not main])


def _copy(job: IngestJob, key: str, v: dict, sums: dict, events: list[dict], index: int) -> PreservationCopy:
    path = job.workdir / v["output"]
    return PreservationCopy(
        path=path, sha256=sums["copies"][key]["sha256"], size=sums["copies"][key]["size"], tool_name=v["tool"],
        tool_version=v["tool_version"], pdfa_valid=v["compliant"], pdfa_level=v["flavour"],
        validator=f"{v['validator']} {v['validator_version']}", validation_detail=_validation_detail(v),
        events=[_package_event(e) for e in events if str(e.get("copy")) == key],
        original_index=None if "." not in key else index,
        # A copy no strategy made compliant is not labelled PDF/A: it is the PDF it is.
        **({} if v["compliant"] else _plain_pdf_format(path)))


def _validation_detail(v: dict) -> str | None:
    """The validator's profile and, for a failure, the failed rules (PREMIS outcome detail)."""
    failed = ", ".join(v["failed_rules"]) or ("" if v["compliant"] else "kiểm tra chưa đầy đủ")
    return "; ".join(part for part in (v["note"], failed and f"quy tắc không đạt: {failed}") if part) or None


def _plain_pdf_format(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        version = pdf.pdf_version
    return {"puid": PDF_PUIDS.get(version, "fmt/276"), "format_name": f"Acrobat PDF {version} - Portable Document Format"}


def run(job: IngestJob) -> None:
    out = job.workdir / "package"
    shutil.rmtree(out, ignore_errors=True)
    built = build_package(content_of(job), out)
    report = validate_package(built.path)
    xsd_problems = validate_xml_against_shipped_xsds(built.path)
    if not report.valid or xsd_problems:
        raise InvalidPackageContent("the built package fails validation: " + report.summary() + "; ".join(
            f"{p.file}: {p.message}" for p in xsd_problems))
    job.save("package", {"package_id": built.package_id, "folder": str(built.path.relative_to(job.workdir)),
                         "files": built.files, "object_ids": built.object_ids,
                         "events": [event("validation", tool="eark-validator", detail="E-ARK CSIP: không có lỗi")]})


def package_dir(job: IngestJob) -> Path:
    return job.workdir / job.result("package")["folder"]
