"""METS documents of a package (root and representations), following E-ARK CSIP 2.x.

Built with lxml's ElementMaker, not metsrw: metsrw writes Archivematica's METS profile and
has no way to set the CSIP extension attributes (``csip:CONTENTINFORMATIONTYPE``,
``csip:OAISPACKAGETYPE``, ``csip:NOTETYPE``) nor SIZE/CREATED/MIMETYPE on files and on
``mdRef``, all of which CSIP requires.

Two choices are dictated by the rules eark-validator 1.1.3 enforces:
- every ``fileGrp`` carries ``csip:CONTENTINFORMATIONTYPE="OTHER"`` with
  ``csip:OTHERCONTENTINFORMATIONTYPE`` (its rule CSIP63 fails any group without them);
- every ``metsHdr/agent`` with ROLE="CREATOR" must be the creating software (CSIP12–16
  apply to all creator agents), so the creating agency is recorded with ROLE="ARCHIVIST",
  TYPE="ORGANIZATION" — the E-ARK SIP "archival creator" agent — and its OrganId in a
  ``note csip:NOTETYPE="IDENTIFICATIONCODE"``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from lxml.builder import ElementMaker

from archive.package.layout import (CONTENT_TYPE, CSIP_NS, CSIP_PROFILE, METS_NS, SIP_PROFILE, XLINK_NS, XSI_NS,
                                    iso, schema_location)

NSMAP = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "xsi": XSI_NS}
M = ElementMaker(namespace=METS_NS, nsmap=NSMAP)
CSIP_TYPE = "Mixed"   # CSIP content category vocabulary


def csip(name: str) -> str:
    return f"{{{CSIP_NS}}}{name}"


def xlink(name: str) -> str:
    return f"{{{XLINK_NS}}}{name}"


@dataclass
class Ref:
    """A file referenced from METS: ID, href relative to the METS file, and its facts."""
    id: str
    href: str
    mime: str
    size: int
    sha256: str
    created: datetime
    mdtype: str | None = None        # for mdRef: EAD, PREMIS, OTHER
    other_mdtype: str | None = None


@dataclass
class Header:
    package_id: str
    package_type: str                # AIP | SIP
    label: str
    created: datetime
    software: str
    software_version: str
    organ_id: str
    agency_name: str
    previous_package_id: str | None = None
    dossier_code: str | None = None


def _location(el_name: str, ref: Ref, **extra) -> etree._Element:
    attrs = {"LOCTYPE": "URL", xlink("type"): "simple", xlink("href"): ref.href, **extra}
    return getattr(M, el_name)(**attrs)


def _facts(ref: Ref) -> dict[str, str]:
    return {"MIMETYPE": ref.mime, "SIZE": str(ref.size), "CREATED": iso(ref.created),
            "CHECKSUM": ref.sha256, "CHECKSUMTYPE": "SHA-256"}


def md_ref(ref: Ref) -> etree._Element:
    extra = {"MDTYPE": ref.mdtype or "OTHER", **_facts(ref)}
    if ref.other_mdtype:
        extra["OTHERMDTYPE"] = ref.other_mdtype
    return _location("mdRef", ref, **extra)


def file_el(ref: Ref, **attrs) -> etree._Element:
    return M.file(_location("FLocat", ref), ID=ref.id, **_facts(ref), **attrs)


def file_grp(use: str, grp_id: str, refs: list[Ref], **attrs) -> etree._Element:
    return M.fileGrp(*[file_el(r) for r in refs], USE=use, ID=grp_id,
                     **{csip("CONTENTINFORMATIONTYPE"): "OTHER", csip("OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE},
                     **attrs)


def _header(h: Header) -> etree._Element:
    software = M.agent(M.name(h.software), M.note(h.software_version, **{csip("NOTETYPE"): "SOFTWARE VERSION"}),
                       ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    agency = M.agent(M.name(h.agency_name), M.note(h.organ_id, **{csip("NOTETYPE"): "IDENTIFICATIONCODE"}),
                     ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    hdr = M.metsHdr(software, agency, CREATEDATE=iso(h.created), LASTMODDATE=iso(h.created), RECORDSTATUS="NEW",
                    **{csip("OAISPACKAGETYPE"): h.package_type})
    if h.dossier_code:
        hdr.append(M.altRecordID(h.dossier_code, TYPE="REFERENCECODE"))
    if h.previous_package_id:
        hdr.append(M.altRecordID(h.previous_package_id, TYPE="PREVIOUSVERSION"))
    return hdr


def _root(h: Header, objid: str, xml_path: str) -> etree._Element:
    root = M.mets(OBJID=objid, LABEL=h.label, TYPE=CSIP_TYPE,
                  PROFILE=SIP_PROFILE if h.package_type == "SIP" else CSIP_PROFILE,
                  **{csip("CONTENTINFORMATIONTYPE"): "OTHER", csip("OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE})
    root.set(f"{{{XSI_NS}}}schemaLocation", schema_location(xml_path, [METS_NS, XLINK_NS, CSIP_NS]))
    root.append(_header(h))
    return root


def _md_sec(tag: str, ref: Ref, created: datetime) -> etree._Element:
    return getattr(M, tag)(md_ref(ref), ID=ref.id, CREATED=iso(created), STATUS="CURRENT")


def package_mets(h: Header, *, descriptive: list[Ref], preservation: list[Ref], documentation: list[Ref],
                 schemas: list[Ref], representations: list[tuple[str, Ref]]) -> etree._Element:
    """Root METS.xml. ``representations`` is [(name, ref to representations/<name>/METS.xml)]."""
    root = _root(h, h.package_id, "METS.xml")
    for ref in descriptive:
        root.append(_md_sec("dmdSec", ref, h.created))
    root.append(M.amdSec(*[_md_sec("digiprovMD", ref, h.created) for ref in preservation]))

    groups = [file_grp("Documentation", "fg-documentation", documentation),
              file_grp("Schemas", "fg-schemas", schemas)]
    groups += [file_grp(f"Representations/{name}", f"fg-{name}", [ref]) for name, ref in representations]
    root.append(M.fileSec(*groups, ID="filesec"))

    reps = M.div(*[M.fptr(FILEID=f"fg-{name}") for name, _ in representations], ID="div-representations",
                 LABEL="Representations")
    for name, ref in representations:
        reps.append(M.div(_location("mptr", ref, **{xlink("title"): f"fg-{name}"}), ID=f"div-{name}",
                          LABEL=f"Representations/{name}"))
    body = M.div(
        M.div(ID="div-metadata", LABEL="Metadata", DMDID=" ".join(r.id for r in descriptive),
              ADMID=" ".join(r.id for r in preservation)),
        M.div(M.fptr(FILEID="fg-documentation"), ID="div-documentation", LABEL="Documentation"),
        M.div(M.fptr(FILEID="fg-schemas"), ID="div-schemas", LABEL="Schemas"),
        reps,
        ID="div-package", LABEL=h.package_id)
    root.append(M.structMap(body, ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP"))
    return root


def representation_mets(h: Header, name: str, xml_path: str, *, descriptive: list[Ref],
                        data: list[tuple[Ref, str | None]]) -> etree._Element:
    """representations/<name>/METS.xml; ``data`` is [(file ref, DMDID of its description)]."""
    root = _root(h, f"{h.package_id}/{name}", xml_path)
    for ref in descriptive:
        root.append(_md_sec("dmdSec", ref, h.created))
    group = M.fileGrp(USE="Data", ID=f"fg-{name}-data",
                      **{csip("CONTENTINFORMATIONTYPE"): "OTHER", csip("OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE})
    for ref, dmdid in data:
        group.append(file_el(ref, **({"DMDID": dmdid} if dmdid else {})))
    root.append(M.fileSec(group, ID=f"filesec-{name}"))
    body = M.div(ID=f"div-{name}-root", LABEL=name)
    if descriptive:
        body.append(M.div(ID=f"div-{name}-metadata", LABEL="Metadata", DMDID=" ".join(r.id for r in descriptive)))
    body.append(M.div(*[M.fptr(FILEID=ref.id) for ref, _ in data], ID=f"div-{name}-data", LABEL="Data"))
    root.append(M.structMap(body, ID=f"structmap-{name}", TYPE="PHYSICAL", LABEL="CSIP"))
    return root
