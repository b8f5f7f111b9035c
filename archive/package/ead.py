"""The dossier-level description (EAD3) of a package: the Appendix VI dossier fields.

EAD3 rather than EAD 2002: it is the SAA's current version, validates stand-alone, and
``@encodinganalog`` lets every element name the Appendix VI field it carries (Title,
Maintenance, Rights, …), so a receiving archive can map it back without guessing.
Each document is listed as an item-level component (``c``) with its archival code.
"""
from __future__ import annotations

from datetime import datetime

from lxml import etree
from lxml.builder import ElementMaker

from archive.package.layout import EAD_NS, EAD_PATH, XSI_NS, iso, schema_location
from schemas.models import Document, Dossier

E = ElementMaker(namespace=EAD_NS, nsmap={None: EAD_NS, "xsi": XSI_NS})


def _unitids(dossier: Dossier) -> list[etree._Element]:
    fc = dossier.FileCode
    ids = [E.unitid(dossier.code, localtype="FileCode", encodinganalog="FileCode")]
    for name in ("OrganId", "FileCatalog", "FileNotation"):
        value = getattr(fc, name)
        if value is not None:
            ids.append(E.unitid(str(value), localtype=name, encodinganalog=name))
    return ids


def _date_range(start, end) -> etree._Element:
    rng = E.daterange()
    if start:
        rng.append(E.fromdate(start.isoformat(), standarddate=start.isoformat()))
    if end:
        rng.append(E.todate(end.isoformat(), standarddate=end.isoformat()))
    return E.unitdatestructured(rng, unitdatetype="inclusive")


def _note(tag: str, field: str, text: str | None) -> etree._Element | None:
    if not text:
        return None
    return getattr(E, tag)(E.p(text), localtype=field, encodinganalog=field)


def _document_component(dossier: Dossier, doc: Document) -> etree._Element:
    did = E.did(E.unitid(dossier.document_code(doc), localtype="DocumentCode"))
    if doc.number_and_notation:
        did.append(E.unitid(doc.number_and_notation, localtype="CodeNumber/CodeNotation"))
    did.append(E.unittitle(doc.Subject or doc.TypeName or "", encodinganalog="Subject"))
    if doc.IssuedDate:
        did.append(E.unitdatestructured(E.datesingle(doc.IssuedDate.isoformat(),
                                                     standarddate=doc.IssuedDate.isoformat()),
                                        encodinganalog="IssuedDate"))
    if doc.OrganName:
        did.append(E.origination(E.corpname(E.part(doc.OrganName)), encodinganalog="OrganName"))
    if doc.TypeName:
        did.append(E.physdesc(doc.TypeName, localtype="TypeName", encodinganalog="TypeName"))
    return E.c(did, level="item", id=f"doc{doc.DocOrdinal:03d}")


def ead_document(dossier: Dossier, *, package_id: str, organ_id: str, agency_name: str,
                 software: str, created: datetime) -> etree._Element:
    did = E.did(*_unitids(dossier), E.unittitle(dossier.Title or "", encodinganalog="Title"))
    did.append(_date_range(dossier.StartDate, dossier.EndDate))
    if dossier.Language:
        did.append(E.langmaterial(E.language(dossier.Language, langcode=dossier.Language),
                                  encodinganalog="Language"))
    if dossier.Creator:
        did.append(E.origination(E.persname(E.part(dossier.Creator)), localtype="Creator",
                                 encodinganalog="Creator"))
    for field, unit in (("DocTotal", "văn bản"), ("PageTotal", "trang")):
        value = getattr(dossier, field)
        if value is not None:
            did.append(E.physdescstructured(E.quantity(str(value)), E.unittype(unit),
                                            physdescstructuredtype="spaceoccupied", coverage="whole",
                                            encodinganalog=field))
    archdesc = E.archdesc(did, level="file")
    for node in (_note("appraisal", "Maintenance", dossier.Maintenance),
                 _note("accessrestrict", "Rights", dossier.Rights),
                 _note("scopecontent", "Description", dossier.Description)):
        if node is not None:
            archdesc.append(node)
    if dossier.Documents:
        archdesc.append(E.dsc(*[_document_component(dossier, d) for d in dossier.Documents]))

    control = E.control(
        E.recordid(dossier.code),
        E.otherrecordid(package_id, localtype="OBJID"),
        E.filedesc(E.titlestmt(E.titleproper(dossier.Title or dossier.code))),
        E.maintenancestatus(value="new"),
        E.maintenanceagency(E.agencycode(organ_id), E.agencyname(agency_name)),
        E.maintenancehistory(E.maintenanceevent(
            E.eventtype(value="created"),
            E.eventdatetime(iso(created), standarddatetime=iso(created)),
            E.agenttype(value="machine"),
            E.agent(software),
        )),
    )
    root = E.ead(control, archdesc)
    root.set(f"{{{XSI_NS}}}schemaLocation", schema_location(EAD_PATH, [EAD_NS]))
    return root
