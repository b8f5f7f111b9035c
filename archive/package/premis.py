"""PREMIS 3 preservation metadata of a package: objects, events, agents.

Entities are built with metsrw's ``premisrw`` (tuple data -> lxml), the PREMIS writer of
Archivematica; this module only decides what to say. Every file object carries the
SHA-256, size, format name and PRONOM key that METS states for the same ID, and every
event links to the agents (the agency, LuuTru, the tool) and objects it concerns.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from metsrw.plugins import premisrw

from archive.package.content import PackageEvent
from archive.package.layout import PREMIS_NS, PackageFile, iso

PREMIS_META = {"version": "3.0"}
OBJID_TYPE = "OBJID"
DOSSIER_CODE_TYPE = "dossier code"
LOCAL_TYPE = "local"
PREDECESSOR = ("derivation", "has predecessor")
SOURCE = ("derivation", "has source")


@dataclass(frozen=True)
class Agent:
    type: str          # "organization" | "software"
    id_type: str
    id_value: str
    name: str
    version: str | None = None


@dataclass
class EventRecord:
    id: str
    event: PackageEvent
    agents: list[Agent]
    object_ids: list[str]


def software_agent(name: str, version: str | None) -> Agent:
    label = f"{name} {version}" if version else name
    return Agent("software", "software", label, name, version)


def agency_agent(organ_id: str, name: str) -> Agent:
    return Agent("organization", "OrganId", organ_id, name)


def new_event(event: PackageEvent, agents: list[Agent], object_ids: list[str]) -> EventRecord:
    return EventRecord(str(uuid.uuid4()), event, agents, object_ids)


def _p(tag: str, *children):
    return (tag, *children)


def _file_object(f: PackageFile, package_id: str) -> tuple:
    fmt = [_p("format_designation", _p("format_name", f.format_name or f.mime))]
    if f.puid:
        fmt.append(_p("format_registry", _p("format_registry_name", "PRONOM"), _p("format_registry_key", f.puid),
                      _p("format_registry_role", "specification")))
    characteristics = [
        _p("composition_level", "0"),
        _p("fixity", _p("message_digest_algorithm", "SHA-256"), _p("message_digest", f.sha256),
           _p("message_digest_originator", "LuuTru")),
        _p("size", str(f.size)),
        _p("format", *fmt),
    ]
    if f.creating_tool:
        characteristics.append(_p("creating_application", _p("creating_application_name", f.creating_tool[0]),
                                  _p("creating_application_version", f.creating_tool[1])))
    obj = [
        "object", {"xsi:type": "premis:file"},
        _p("object_identifier", _p("object_identifier_type", LOCAL_TYPE), _p("object_identifier_value", f.id)),
        _p("object_characteristics", *characteristics),
    ]
    if f.original_name:
        obj.append(_p("original_name", f.original_name))
    obj.append(_p("storage", _p("content_location", _p("content_location_type", "relative path"),
                                _p("content_location_value", f.path))))
    if f.derived_from:
        obj.append(_relationship(SOURCE, LOCAL_TYPE, f.derived_from))
    obj.append(_p("relationship", _p("relationship_type", "structural"), _p("relationship_sub_type", "is part of"),
                  _p("related_object_identifier", _p("related_object_identifier_type", OBJID_TYPE),
                     _p("related_object_identifier_value", package_id))))
    obj += [_p("linking_event_identifier", _p("linking_event_identifier_type", "UUID"),
               _p("linking_event_identifier_value", e)) for e in f.event_ids]
    return tuple(obj)


def _relationship(kind: tuple[str, str], id_type: str, id_value: str) -> tuple:
    return _p("relationship", _p("relationship_type", kind[0]), _p("relationship_sub_type", kind[1]),
              _p("related_object_identifier", _p("related_object_identifier_type", id_type),
                 _p("related_object_identifier_value", id_value)))


def _entity_object(package_id: str, dossier_code: str, previous_package_id: str | None) -> tuple:
    obj = ["object", {"xsi:type": "premis:intellectualEntity"},
           _p("object_identifier", _p("object_identifier_type", OBJID_TYPE), _p("object_identifier_value", package_id)),
           _p("object_identifier", _p("object_identifier_type", DOSSIER_CODE_TYPE),
              _p("object_identifier_value", dossier_code))]
    if previous_package_id:
        obj.append(_relationship(PREDECESSOR, OBJID_TYPE, previous_package_id))
    return tuple(obj)


def _event(rec: EventRecord) -> tuple:
    e = rec.event
    detail = "; ".join(p for p in (
        f"{e.tool_name} {e.tool_version or ''}".strip() if e.tool_name else None, e.detail) if p)
    ev = ["event",
          _p("event_identifier", _p("event_identifier_type", "UUID"), _p("event_identifier_value", rec.id)),
          _p("event_type", e.type),
          _p("event_date_time", iso(e.datetime))]
    if detail:
        ev.append(_p("event_detail_information", _p("event_detail", detail)))
    outcome = [_p("event_outcome", e.outcome)]
    if e.outcome_detail:
        outcome.append(_p("event_outcome_detail", _p("event_outcome_detail_note", e.outcome_detail)))
    ev.append(_p("event_outcome_information", *outcome))
    for agent in rec.agents:
        role = "executing program" if agent.type == "software" else "implementer"
        ev.append(_p("linking_agent_identifier", _p("linking_agent_identifier_type", agent.id_type),
                     _p("linking_agent_identifier_value", agent.id_value), _p("linking_agent_role", role)))
    for oid in rec.object_ids:
        ev.append(_p("linking_object_identifier", _p("linking_object_identifier_type", LOCAL_TYPE),
                     _p("linking_object_identifier_value", oid)))
    return tuple(ev)


def _agent(a: Agent) -> tuple:
    ag = ["agent",
          _p("agent_identifier", _p("agent_identifier_type", a.id_type), _p("agent_identifier_value", a.id_value)),
          _p("agent_name", a.name),
          _p("agent_type", a.type)]
    if a.version:
        ag.append(_p("agent_version", a.version))
    return tuple(ag)


def premis_document(*, package_id: str, dossier_code: str, previous_package_id: str | None,
                    files: list[PackageFile], events: list[EventRecord], schema_location: str) -> etree._Element:
    nsmap = premisrw.PREMIS_3_0_NAMESPACES
    root = etree.Element(f"{{{PREMIS_NS}}}premis", nsmap={"premis": PREMIS_NS, "xsi": nsmap["xsi"]},
                         version="3.0")
    root.set(f"{{{nsmap['xsi']}}}schemaLocation", schema_location)
    entities = [_entity_object(package_id, dossier_code, previous_package_id)]
    entities += [_file_object(f, package_id) for f in files]
    entities += [_event(r) for r in events]
    agents = {a.id_value: a for r in events for a in r.agents}
    entities += [_agent(a) for a in agents.values()]
    for data in entities:
        root.append(premisrw.data_to_premis(data, premis_version="3.0"))
    # premisrw declares tool namespaces (fits, MediaInfo, xlink) on every entity; drop unused ones.
    etree.cleanup_namespaces(root, top_nsmap={"premis": PREMIS_NS, "xsi": nsmap["xsi"]})
    return root


# -- reading ----------------------------------------------------------------------------

_NS = {"premis": PREMIS_NS}


def _t(el: etree._Element, path: str) -> str | None:
    found = el.find(path, _NS)
    return found.text if found is not None else None


@dataclass
class PremisEvent:
    id: str
    type: str
    datetime: datetime
    outcome: str | None
    detail: str | None
    outcome_detail: str | None
    agents: list[str]
    object_ids: list[str]


def read_previous_package_id(root: etree._Element) -> str | None:
    for rel in root.iterfind("premis:object/premis:relationship", _NS):
        if (_t(rel, "premis:relationshipType"), _t(rel, "premis:relationshipSubType")) == PREDECESSOR:
            return _t(rel, "premis:relatedObjectIdentifier/premis:relatedObjectIdentifierValue")
    return None


def read_events(root: etree._Element) -> list[PremisEvent]:
    out = []
    for ev in root.iterfind("premis:event", _NS):
        out.append(PremisEvent(
            id=_t(ev, "premis:eventIdentifier/premis:eventIdentifierValue"),
            type=_t(ev, "premis:eventType"),
            datetime=datetime.fromisoformat(_t(ev, "premis:eventDateTime")),
            outcome=_t(ev, "premis:eventOutcomeInformation/premis:eventOutcome"),
            detail=_t(ev, "premis:eventDetailInformation/premis:eventDetail"),
            outcome_detail=_t(ev, "premis:eventOutcomeInformation/premis:eventOutcomeDetail/"
                                  "premis:eventOutcomeDetailNote"),
            agents=[a.text for a in ev.iterfind("premis:linkingAgentIdentifier/premis:linkingAgentIdentifierValue",
                                                 _NS)],
            object_ids=[o.text for o in ev.iterfind(
                "premis:linkingObjectIdentifier/premis:linkingObjectIdentifierValue", _NS)],
        ))
    return out


def read_file_objects(root: etree._Element) -> dict[str, dict]:
    """object identifier -> {sha256, size, format_name, puid, original_name, path, derived_from}"""
    out = {}
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    for obj in root.iterfind("premis:object", _NS):
        if not (obj.get(xsi_type) or "").endswith("file"):
            continue
        oc = "premis:objectCharacteristics/"
        derived = None
        for rel in obj.iterfind("premis:relationship", _NS):
            if (_t(rel, "premis:relationshipType"), _t(rel, "premis:relationshipSubType")) == SOURCE:
                derived = _t(rel, "premis:relatedObjectIdentifier/premis:relatedObjectIdentifierValue")
        out[_t(obj, "premis:objectIdentifier/premis:objectIdentifierValue")] = {
            "sha256": _t(obj, oc + "premis:fixity/premis:messageDigest"),
            "size": int(_t(obj, oc + "premis:size")),
            "format_name": _t(obj, oc + "premis:format/premis:formatDesignation/premis:formatName"),
            "puid": _t(obj, oc + "premis:format/premis:formatRegistry/premis:formatRegistryKey"),
            "original_name": _t(obj, "premis:originalName"),
            "path": _t(obj, "premis:storage/premis:contentLocation/premis:contentLocationValue"),
            "derived_from": derived,
        }
    return out
