"""Reading a package back: the catalog is rebuilt from storage alone with ``read_package``,
and ``verify_package`` proves that the bytes are still the ones METS describes.

A package can be read from a folder or from an object store under a key prefix (the
package folder name); the reader only ever opens the METS and metadata files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from archive.checksums import sha256_file
from archive.errors import ChecksumMismatch, ObjectMissing, UnreadablePackage
from archive.package import dossier_xml, premis
from archive.package.layout import CSIP_NS, METS_NS, XLINK_NS
from schemas.models import Dossier

_NS = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS}
_HREF = f"{{{XLINK_NS}}}href"
_DOC_RE = re.compile(r"doc(\d{3})")
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=False)


@dataclass
class FileDescription:
    id: str
    path: str                      # package-relative
    representation: str            # rep1 (PDF/A copies) | rep0 (originals)
    ordinal: int | None
    sha256: str
    size: int
    mime: str
    puid: str | None = None
    format_name: str | None = None
    original_name: str | None = None
    derived_from: str | None = None


@dataclass
class DocumentDescription:
    ordinal: int
    code: str                      # archival code of the document
    files: list[FileDescription] = field(default_factory=list)


@dataclass
class PackageDescription:
    package_id: str
    package_type: str
    created: datetime
    previous_package_id: str | None
    organ_id: str | None
    agency_name: str | None
    dossier: Dossier
    documents: list[DocumentDescription]
    files: list[FileDescription]
    events: list[premis.PremisEvent]


class _Source:
    """Package-relative paths read from a folder or from an object store under a prefix."""

    def __init__(self, location, store=None):
        self.store = store
        self.location = str(location).rstrip("/") if store is not None else Path(location)

    def _key(self, rel: str) -> str:
        return f"{self.location}/{rel}"

    def read(self, rel: str) -> bytes:
        try:
            if self.store is None:
                return (self.location / rel).read_bytes()
            with self.store.open(self._key(rel)) as f:
                return f.read()
        except (OSError, ObjectMissing) as exc:
            raise UnreadablePackage(f"{rel} missing from package {self.location}", path=rel) from exc

    def xml(self, rel: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(rel), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise UnreadablePackage(f"{rel} is not well-formed XML: {exc}", path=rel) from exc

    def hash(self, rel: str) -> tuple[str, int] | None:
        """(sha256, size) of the bytes, None if the file is missing."""
        if self.store is None:
            path = self.location / rel
            return sha256_file(path) if path.is_file() else None
        try:
            return self.store.hash(self._key(rel))
        except ObjectMissing:
            return None

    def all_files(self) -> set[str]:
        if self.store is None:
            return {p.relative_to(self.location).as_posix() for p in self.location.rglob("*") if p.is_file()}
        prefix = f"{self.location}/"
        return {k[len(prefix):] for k in self.store.list(prefix)}


def _join(base_dir: str, href: str) -> str:
    """Package-relative path of ``href`` found in a METS file inside ``base_dir``; refuses
    absolute references and references leaving the package."""
    href = unquote(href)
    if href.startswith("/") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
        raise UnreadablePackage(f"reference is not a relative path: {href}", href=href)
    parts: list[str] = []
    for part in PurePosixPath(base_dir, href).parts:
        if part == "..":
            if not parts:
                raise UnreadablePackage(f"reference leaves the package: {href}", href=href)
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _md_refs(mets: etree._Element) -> list[etree._Element]:
    return mets.findall(".//mets:mdRef", _NS)


def _representation_mets(mets: etree._Element) -> list[tuple[str, str]]:
    out = []
    for grp in mets.iterfind("mets:fileSec/mets:fileGrp", _NS):
        use = grp.get("USE", "")
        if use.startswith("Representations/"):
            for loc in grp.iterfind("mets:file/mets:FLocat", _NS):
                out.append((use.split("/", 1)[1], _join("", loc.get(_HREF))))
    return out


def _rep_files(source: _Source, rep: str, mets_rel: str, objects: dict[str, dict]) -> list[FileDescription]:
    base = str(PurePosixPath(mets_rel).parent)
    files = []
    for f in source.xml(mets_rel).iterfind("mets:fileSec/mets:fileGrp/mets:file", _NS):
        obj = objects.get(f.get("ID"), {})
        m = _DOC_RE.search(f.get("ID", ""))
        files.append(FileDescription(
            id=f.get("ID"), path=_join(base, f.find("mets:FLocat", _NS).get(_HREF)), representation=rep,
            ordinal=int(m.group(1)) if m else None, sha256=f.get("CHECKSUM"), size=int(f.get("SIZE")),
            mime=f.get("MIMETYPE"), puid=obj.get("puid"), format_name=obj.get("format_name"),
            original_name=obj.get("original_name"), derived_from=obj.get("derived_from")))
    return files


def read_package(location, store=None) -> PackageDescription:
    """Describe the package at ``location``: a folder, or (with ``store``, an
    ``archive.storage.ObjectStore``) the key prefix the package folder was stored under."""
    source = _Source(location, store)
    mets = source.xml("METS.xml")
    if mets.tag != f"{{{METS_NS}}}mets":
        raise UnreadablePackage("METS.xml is not a METS document")
    hdr = mets.find("mets:metsHdr", _NS)
    dossier_rel = premis_rel = None
    for ref in _md_refs(mets):
        if ref.get("OTHERMDTYPE") == "LUUTRU-DOSSIER":
            dossier_rel = _join("", ref.get(_HREF))
        elif ref.get("MDTYPE") == "PREMIS":
            premis_rel = _join("", ref.get(_HREF))
    if not dossier_rel or not premis_rel:
        raise UnreadablePackage("METS.xml references no dossier metadata or no PREMIS file")
    dossier = dossier_xml.read_dossier(source.xml(dossier_rel))
    premis_root = source.xml(premis_rel)
    objects = premis.read_file_objects(premis_root)

    files = [f for rep, rel in _representation_mets(mets) for f in _rep_files(source, rep, rel, objects)]
    documents = []
    for doc in sorted(dossier.Documents, key=lambda d: d.DocOrdinal or 0):
        documents.append(DocumentDescription(doc.DocOrdinal, dossier.document_code(doc),
                                             [f for f in files if f.ordinal == doc.DocOrdinal]))
    agency = hdr.find("mets:agent[@TYPE='ORGANIZATION']", _NS)
    return PackageDescription(
        package_id=mets.get("OBJID"),
        package_type=hdr.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE"),
        created=datetime.fromisoformat(hdr.get("CREATEDATE")),
        previous_package_id=premis.read_previous_package_id(premis_root),
        organ_id=agency.findtext("mets:note", namespaces=_NS) if agency is not None else None,
        agency_name=agency.findtext("mets:name", namespaces=_NS) if agency is not None else None,
        dossier=dossier, documents=documents, files=files, events=premis.read_events(premis_root))


# -- fixity ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FixityProblem:
    path: str
    kind: str              # missing | checksum_mismatch | size_mismatch | unreferenced | premis_mismatch
    expected: str | None = None
    actual: str | None = None


@dataclass
class FixityReport:
    checked: int
    problems: list[FixityProblem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            p = self.problems[0]
            raise ChecksumMismatch(f"{len(self.problems)} problem(s), first: {p.kind} {p.path}",
                                   problems=[vars(x) for x in self.problems])


Digests = dict[str, tuple[str, int]]    # package-relative path -> (sha256, size)


def verify_package(location, store=None) -> FixityReport:
    """Recompute SHA-256 and size of every file that METS (root and representations) and
    PREMIS describe and compare; also report files that no METS describes. ``location`` is
    a package folder, or with ``store`` the key prefix of a stored package."""
    source = _Source(location, store)
    expected = _described(source)
    actual = {rel: got for rel in sorted(expected) if (got := source.hash(rel)) is not None}
    premis_rel = next((_join("", r.get(_HREF)) for r in _md_refs(source.xml("METS.xml"))
                       if r.get("MDTYPE") == "PREMIS"), None)
    premis_objects = premis.read_file_objects(source.xml(premis_rel)).values() if premis_rel in actual else []
    unreferenced = sorted(source.all_files() - set(expected) - {"METS.xml"})
    problems = [*file_problems(expected, actual), *premis_problems(premis_objects, actual),
                *(FixityProblem(rel, "unreferenced") for rel in unreferenced)]
    return FixityReport(len(actual), problems)


def _described(source: _Source) -> Digests:
    """What the package's METS files (root, then each representation's) say every file holds."""
    expected: Digests = {}
    mets_files = ["METS.xml"]
    while mets_files:
        mets_rel = mets_files.pop()
        base = str(PurePosixPath(mets_rel).parent)
        mets = source.xml(mets_rel)
        for el in [*_md_refs(mets), *mets.iterfind(".//mets:file", _NS)]:
            href = el.get(_HREF) if el.tag.endswith("mdRef") else el.find("mets:FLocat", _NS).get(_HREF)
            expected[_join(base, href)] = (el.get("CHECKSUM", "").lower(), int(el.get("SIZE", "-1")))
        mets_files += [rel for _, rel in _representation_mets(mets)]
    return expected


def file_problems(expected: Digests, actual: Digests) -> list[FixityProblem]:
    """Each described file absent from ``actual`` or differing from its description, in path order."""
    problems = []
    for rel, (digest, size) in sorted(expected.items()):
        got = actual.get(rel)
        if got is None:
            problems.append(FixityProblem(rel, "missing"))
        elif got[0] != digest:
            problems.append(FixityProblem(rel, "checksum_mismatch", digest, got[0]))
        elif got[1] != size:
            problems.append(FixityProblem(rel, "size_mismatch", str(size), str(got[1])))
    return problems


def premis_problems(objects, actual: Digests) -> list[FixityProblem]:
    """PREMIS objects (path, sha256, size) whose file was read and is not what PREMIS states."""
    return [FixityProblem(obj["path"], "premis_mismatch", obj["sha256"], got[0]) for obj in objects
            if (got := actual.get(obj["path"])) and (got[0] != (obj["sha256"] or "").lower() or got[1] != obj["size"])]
