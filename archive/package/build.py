"""Build the archival package (gói tin lưu trữ) of one dossier, exactly as package.md lays it out.

The package is written into a hidden temporary folder next to its destination and renamed
into place only when complete: a failure leaves nothing half-written. Every
checksum and size in METS and PREMIS is computed from the bytes written, after checking
that they agree with what the pipeline declared.
"""
from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from lxml import etree

from archive.checksums import sha256_file
from archive.errors import InvalidPackageContent
from archive.package import dossier_xml, layout, premis
from archive.package.content import (BuiltPackage, DocumentContent, PackageContent, PackageEvent, PackageType,
                                     copy_id, original_id)
from archive.package.ead import ead_document
from archive.package.layout import (DOSSIER_NS, DOSSIER_PATH, EAD_PATH, ORIGINAL_REP, PREMIS_PATH,
                                    PRESERVATION_REP, README_PATH, SCHEMA_FILES, PackageFile)
from archive.package.mets import Header, Ref, package_mets, representation_mets
from schemas.models import Dossier

SOFTWARE = "LuuTru"
XSD_DIR = Path(__file__).parent / "xsd"


def software_version() -> str:
    try:
        return version("luutru")
    except PackageNotFoundError:
        return "0+unknown"


def _schema_source(name: str) -> Path:
    return dossier_xml.XSD_PATH if name == SCHEMA_FILES[DOSSIER_NS] else XSD_DIR / name


class _Writer:
    """Writes files into the package folder and remembers what it wrote."""

    def __init__(self, root: Path, created):
        self.root = root
        self.created = created
        self.written: dict[str, str] = {}

    def record(self, rel: str, mime: str, ref_id: str, **kw) -> Ref:
        digest, size = sha256_file(self.root / rel)
        self.written[rel] = digest
        return Ref(id=ref_id, href=rel, mime=mime, size=size, sha256=digest, created=self.created, **kw)

    def xml(self, rel: str, root: etree._Element, ref_id: str, **kw) -> Ref:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return self.record(rel, "text/xml", ref_id, **kw)

    def text(self, rel: str, text: str, ref_id: str) -> Ref:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return self.record(rel, "text/plain", ref_id)

    def copy(self, rel: str, source: Path, expected_sha256: str, expected_size: int, what: str) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        digest, size = sha256_file(target)
        if digest != expected_sha256.lower() or size != expected_size:
            raise InvalidPackageContent(
                f"{what} ({source}): declared sha256={expected_sha256} size={expected_size}, "
                f"file has sha256={digest} size={size}", file=str(source))
        self.written[rel] = digest


def _check_content(content: PackageContent) -> list[DocumentContent]:
    ordinals = [d.ordinal for d in content.documents]
    if len(set(ordinals)) != len(ordinals):
        raise InvalidPackageContent(f"DocOrdinal repeated among package documents: {ordinals}")
    declared = {d.DocOrdinal for d in content.dossier.Documents}
    if set(ordinals) != declared:
        raise InvalidPackageContent(f"package documents {sorted(ordinals)} do not match the dossier's DocOrdinal "
                                    f"values {sorted(x for x in declared if x is not None)}")
    for doc in content.documents:
        if not doc.originals:
            raise InvalidPackageContent(f"document {doc.ordinal} has no original file")
        for f in [*doc.originals, *doc.copies]:
            if not Path(f.path).is_file():
                raise InvalidPackageContent(f"file of document {doc.ordinal} not found: {f.path}", file=str(f.path))
    if content.previous_package_id and not content.previous_package_id.startswith("urn:uuid:"):
        raise InvalidPackageContent(f"previous_package_id must be a urn:uuid OBJID: {content.previous_package_id}")
    return sorted(content.documents, key=lambda d: d.ordinal)


class Events:
    """Collects PREMIS events with their agents; adds the ones the builder can state itself."""

    def __init__(self, organ_id: str, agency_name: str):
        self.agency = premis.agency_agent(organ_id, agency_name)
        self.luutru = premis.software_agent(SOFTWARE, software_version())
        self.records: list[premis.EventRecord] = []

    def add(self, event: PackageEvent, object_ids: list[str]) -> str:
        agents = [self.agency]
        agents.append(premis.software_agent(event.tool_name, event.tool_version) if event.tool_name else self.luutru)
        rec = premis.new_event(event, agents, list(dict.fromkeys(object_ids)))
        self.records.append(rec)
        return rec.id

    def has(self, event_type: str, object_id: str) -> bool:
        return any(r.event.type == event_type and object_id in r.object_ids for r in self.records)


def _safe_suffix(name: str) -> str:
    """The original's extension if it is a plain one; the submitted name itself stays in PREMIS."""
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


def _doc_files(doc: DocumentContent, writer: _Writer, events: Events) -> list[PackageFile]:
    files = []
    for i, orig in enumerate(doc.originals, start=1):
        fid = original_id(doc.ordinal, i)
        rel = f"representations/{ORIGINAL_REP}/data/{doc.ordinal:03d}/{i:02d}{_safe_suffix(orig.name)}"
        writer.copy(rel, orig.path, orig.sha256, orig.size, f"original {orig.name}")
        pf = PackageFile(fid, rel, orig.sha256.lower(), orig.size, orig.mime, writer.created, doc.ordinal,
                         orig.puid, orig.format_name, orig.name, orig.role)
        for e in orig.events:
            events.add(e, [fid, *e.object_ids])
        if orig.puid and not events.has("format identification", fid):
            events.add(PackageEvent("format identification", writer.created,
                                    detail=f"PRONOM {orig.puid}, {orig.mime}"), [fid])
        files.append(pf)
    main = next((i for i, o in enumerate(doc.originals, 1) if o.role == "main"), 1)
    for p in doc.copies:
        index = p.original_index if p.original_index not in (None, main) else None
        fid = copy_id(doc.ordinal, index)
        rel = f"representations/{PRESERVATION_REP}/data/{doc.ordinal:03d}{f'-{index:02d}' if index else ''}.pdf"
        writer.copy(rel, p.path, p.sha256, p.size, f"preservation copy of document {doc.ordinal}")
        source = original_id(doc.ordinal, index or main)
        pf = PackageFile(fid, rel, p.sha256.lower(), p.size, "application/pdf", writer.created, doc.ordinal,
                         p.puid, p.format_name, None, "attachment" if index else "main", source,
                         (p.tool_name, p.tool_version))
        for e in p.events:
            events.add(e, [fid, *e.object_ids])
        if not events.has("migration", fid):
            events.add(PackageEvent("migration", writer.created, tool_name=p.tool_name, tool_version=p.tool_version,
                                    detail=f"PDF/A-{p.pdfa_level} preservation copy of {source}"), [source, fid])
        if not events.has("validation", fid):
            events.add(PackageEvent("validation", writer.created, outcome="success" if p.pdfa_valid else "failure",
                                    tool_name=p.validator, detail=f"PDF/A-{p.pdfa_level} conformance",
                                    outcome_detail=p.validation_detail), [fid])
        files.append(pf)
    return files


def _readme(content: PackageContent, package_id: str) -> str:
    d = content.dossier
    return (f"Gói tin lưu trữ / Archival package {package_id}\n"
            f"Hồ sơ / Dossier: {d.code} — {d.Title}\n"
            f"Cơ quan / Agency: {content.agency_name} ({content.organ_id})\n\n"
            "METS.xml                         cấu trúc gói (E-ARK CSIP) / package structure\n"
            f"{EAD_PATH}     mô tả hồ sơ (EAD3) / dossier description\n"
            f"{DOSSIER_PATH}  siêu dữ liệu Phụ lục VI (urn:luutru:dossier:1)\n"
            f"{PREMIS_PATH}  siêu dữ liệu bảo quản (PREMIS 3)\n"
            f"representations/{PRESERVATION_REP}/      bản bảo quản PDF/A / PDF/A preservation copies\n"
            f"representations/{ORIGINAL_REP}/      bản gốc như đã nộp / originals as submitted\n"
            "schemas/                         lược đồ XSD / XML schemas\n")


def build_package(content: PackageContent, out_dir: Path, *, package_type: PackageType | None = None) -> BuiltPackage:
    """Write the package folder ``out_dir/<OBJID with ':' -> '_'>`` and return what was built.

    ``package_type`` overrides ``content.package_type`` ("AIP" inside the archive, "SIP"
    for a transfer).
    """
    ptype = package_type or content.package_type
    if ptype not in ("AIP", "SIP"):
        raise InvalidPackageContent(f"package type must be AIP or SIP, not {ptype!r}")
    documents = _check_content(content)
    created = content.created or layout.now()
    package_id = f"urn:uuid:{uuid.uuid4()}"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / layout.folder_name(package_id)
    tmp = out_dir / f".{final.name}.partial"
    tmp.mkdir()
    try:
        built = _write(content, documents, ptype, package_id, created, tmp)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    built.path = final
    return built


def _write_representation(w: _Writer, header: Header, rep: str, rep_files: list[PackageFile],
                          dossier: Dossier | None) -> Ref:
    """representations/<rep>/: its METS.xml and, if ``dossier`` is given, one description per document."""
    rep_dir = f"representations/{rep}"
    descriptive, dmd_of = [], {}
    for doc in (dossier.Documents if dossier else []):
        dmd_of[doc.DocOrdinal] = f"dmd-{rep}-doc{doc.DocOrdinal:03d}"
        desc_rel = f"{rep_dir}/metadata/descriptive/{doc.DocOrdinal:03d}.xml"
        el = dossier_xml.dossier_element(dossier, [doc])
        el.set(f"{{{layout.XSI_NS}}}schemaLocation", layout.schema_location(desc_rel, [DOSSIER_NS]))
        ref = w.xml(desc_rel, el, dmd_of[doc.DocOrdinal], mdtype="OTHER", other_mdtype="LUUTRU-DOSSIER")
        ref.href = layout.relative(rep_dir, desc_rel)
        descriptive.append(ref)
    data = [(Ref(f.id, layout.relative(rep_dir, f.path), f.mime, f.size, f.sha256, w.created), dmd_of.get(f.ordinal))
            for f in sorted(rep_files, key=lambda f: f.path)]
    mets_rel = f"{rep_dir}/METS.xml"
    return w.xml(mets_rel, representation_mets(header, rep, mets_rel, descriptive=descriptive, data=data),
                 f"file-{rep}-mets")


def _write(content: PackageContent, documents: list[DocumentContent], ptype: PackageType, package_id: str,
           created, root: Path) -> BuiltPackage:
    dossier = content.dossier
    w = _Writer(root, created)
    events = Events(content.organ_id, content.agency_name)
    for e in content.events:
        events.add(e, e.object_ids)
    files = [f for doc in documents for f in _doc_files(doc, w, events)]
    close_events(events, files, ptype, dossier.code, created)
    header = Header(package_id, ptype, dossier.Title or dossier.code, created, SOFTWARE, software_version(),
                    content.organ_id, content.agency_name, content.previous_package_id, dossier.code)
    reps = _write_representations(w, header, files, dossier, described_representation(documents))
    _write_mets(w, header, _write_metadata(w, content, package_id, files, events), reps)
    return BuiltPackage(package_id, root, ptype, content.previous_package_id, dict(sorted(w.written.items())),
                        {f.id: f.path for f in files})


def close_events(events: Events, files: list[PackageFile], ptype: PackageType, dossier_code: str, created) -> None:
    """Refuse events naming objects the package lacks, add the events the builder states itself
    (an AIP's ingestion when none came with it, the fixity check of packaging) and give each
    file its events' ids."""
    known = {f.id for f in files}
    unknown = {o for r in events.records for o in r.object_ids} - known
    if unknown:
        raise InvalidPackageContent(f"events name unknown package objects: {sorted(unknown)}")
    if ptype == "AIP" and not any(r.event.type == "ingestion" for r in events.records):
        events.add(PackageEvent("ingestion", created, detail=f"dossier {dossier_code} accepted into the archive"),
                   sorted(known))
    events.add(PackageEvent("fixity check", created, detail="SHA-256 of every file recomputed while packaging"),
               sorted(known))
    for f in files:
        f.event_ids = [r.id for r in events.records if f.id in r.object_ids]


def described_representation(documents: list[DocumentContent]) -> str:
    """Document-level descriptions go with the PDF/A copies (rep1); with the originals when no
    document has a copy. They cover every document, converted or not."""
    return PRESERVATION_REP if any(d.copies for d in documents) else ORIGINAL_REP


def _write_representations(w: _Writer, header: Header, files: list[PackageFile], dossier: Dossier,
                           described: str) -> list[tuple[str, Ref]]:
    reps: list[tuple[str, Ref]] = []
    for rep in (PRESERVATION_REP, ORIGINAL_REP):
        rep_files = [f for f in files if f.path.startswith(f"representations/{rep}/")]
        if rep_files:
            reps.append((rep, _write_representation(w, header, rep, rep_files, dossier if rep == described else None)))
    return reps


@dataclass
class _Metadata:
    """The package-level files METS points to, by METS section."""
    descriptive: list[Ref]
    preservation: list[Ref]
    documentation: list[Ref]
    schemas: list[Ref]


def _write_metadata(w: _Writer, content: PackageContent, package_id: str, files: list[PackageFile],
                    events: Events) -> _Metadata:
    """EAD, the Appendix VI dossier, PREMIS, the README and the XML schemas."""
    dossier, created = content.dossier, w.created
    ead = w.xml(EAD_PATH, ead_document(dossier, package_id=package_id, organ_id=content.organ_id,
                                       agency_name=content.agency_name, software=f"{SOFTWARE} {software_version()}",
                                       created=created), "dmd-ead", mdtype="EAD")
    full = dossier_xml.dossier_element(dossier)
    full.set(f"{{{layout.XSI_NS}}}schemaLocation", layout.schema_location(DOSSIER_PATH, [DOSSIER_NS]))
    dossier_ref = w.xml(DOSSIER_PATH, full, "dmd-dossier", mdtype="OTHER", other_mdtype="LUUTRU-DOSSIER")
    premis_root = premis.premis_document(package_id=package_id, dossier_code=dossier.code,
                                         previous_package_id=content.previous_package_id, files=files,
                                         events=events.records,
                                         schema_location=layout.schema_location(PREMIS_PATH, [layout.PREMIS_NS]))
    premis_ref = w.xml(PREMIS_PATH, premis_root, "amd-premis", mdtype="PREMIS")
    readme = w.text(README_PATH, _readme(content, package_id), "file-readme")
    schemas = []
    for i, name in enumerate(sorted(SCHEMA_FILES.values()), start=1):
        rel = f"schemas/{name}"
        (w.root / "schemas").mkdir(exist_ok=True)
        shutil.copyfile(_schema_source(name), w.root / rel)
        schemas.append(w.record(rel, "text/xml", f"file-schema-{i:02d}"))
    return _Metadata([ead, dossier_ref], [premis_ref], [readme], schemas)


def _write_mets(w: _Writer, header: Header, md: _Metadata, reps: list[tuple[str, Ref]]) -> None:
    """The root METS.xml, written last: it points to every other file of the package."""
    mets_root = package_mets(header, descriptive=md.descriptive, preservation=md.preservation,
                             documentation=md.documentation, schemas=md.schemas, representations=reps)
    etree.ElementTree(mets_root).write(str(w.root / "METS.xml"), xml_declaration=True, encoding="UTF-8",
                                       pretty_print=True)
    w.written["METS.xml"] = sha256_file(w.root / "METS.xml")[0]
