"""Reading the manifest (hoso.xml or hoso.json) safely into a plain dict of raw values.

The XML parser is hardened: a DOCTYPE (the carrier of entities, external DTDs and the
billion-laughs bomb) is refused before parsing, and lxml runs without entity resolution,
network or DTD loading. Only UTF-8 is accepted. The raw dict keeps values as written
(strings) so the validator can report every wrong value with its path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from schemas.fields import DOCUMENT, DOSSIER, GROUPS
from schemas.problems import Problem, problem

NS = "urn:luutru:dossier:1"
XSD_PATH = Path(__file__).parent / "xsd" / "dossier.xsd"
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
MANIFEST_NAMES = ("hoso.xml", "hoso.json")
REPEATED = ("Document", "To", "File")
_KNOWN = {f.name for specs in (DOSSIER, DOCUMENT, *GROUPS.values()) for f in specs} | {"Documents", "Document", "File"}

_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
         b"\xfe\xff": "UTF-16"}
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# XSD messages about values: the validator's field checks report those with better detail.
_VALUE_ERRORS = ("MAXLENGTH", "MINLENGTH", "DATATYPE", "TOTALDIGITS", "PATTERN", "ENUMERATION", "CVC_TYPE_3",
                 "FACET", "INCLUSIVE", "CVC_ATTRIBUTE_3")


@dataclass
class Manifest:
    format: str                     # "xml" | "json"
    raw: dict[str, Any] | None      # None when the manifest could not be read at all
    problems: list[Problem] = field(default_factory=list)


def read_manifest(path: Path, max_bytes: int) -> Manifest:
    fmt = "json" if path.suffix.lower() == ".json" else "xml"
    if path.stat().st_size > max_bytes:
        return Manifest(fmt, None, [problem("manifest_malformed", path.name, path.stat().st_size,
                                            f"manifest larger than {max_bytes} bytes")])
    data = path.read_bytes()
    return parse_json(data) if fmt == "json" else parse_xml(data)


def _encoding_problem(data: bytes, fmt: str) -> Problem | None:
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return problem("manifest_encoding", "", name, f"manifest encoded in {name}, not UTF-8")
    if fmt == "xml" and (m := _XML_DECL_ENCODING.match(data)):
        declared = m.group(1).decode("ascii")
        if declared.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return problem("manifest_encoding", "", declared, f"declared encoding {declared}, not UTF-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return problem("manifest_encoding", "", f"0x{data[exc.start]:02X}",
                       f"byte 0x{data[exc.start]:02X} at offset {exc.start} is not UTF-8")
    return None


def parse_json(data: bytes) -> Manifest:
    if bad := _encoding_problem(data, "json"):
        return Manifest("json", None, [bad])
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        return Manifest("json", None, [problem("manifest_malformed", "", None, f"JSON not well formed: {exc}")])
    if not isinstance(raw, dict):
        return Manifest("json", None, [problem("manifest_schema", "", type(raw).__name__,
                                               "the manifest must be a JSON object", detail="cần một đối tượng JSON")])
    return Manifest("json", raw)


@lru_cache(maxsize=1)
def xml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH), hardened_parser()))


def hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True, remove_comments=True)


def parse_xml(data: bytes) -> Manifest:
    if bad := _encoding_problem(data, "xml"):
        return Manifest("xml", None, [bad])
    if m := _FORBIDDEN.search(data):
        construct = m.group(0).decode()
        return Manifest("xml", None, [problem("manifest_forbidden_construct", "", construct,
                                              f"{construct} is not accepted")])
    try:
        root = etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError as exc:
        return Manifest("xml", None, [problem("manifest_malformed", "", None, f"XML not well formed: {exc}")])
    if root.getroottree().docinfo.doctype or any(
            isinstance(el.tag, str) and el.tag.startswith(f"{{{XINCLUDE_NS}}}") for el in root.iter()):
        return Manifest("xml", None, [problem("manifest_forbidden_construct", "", "XInclude",
                                              "DOCTYPE and XInclude are not accepted")])
    problems = _schema_problems(root)
    if etree.QName(root).localname != "Dossier":
        return Manifest("xml", None, problems)
    return Manifest("xml", _dossier_raw(root), problems)


def _schema_problems(root: etree._Element) -> list[Problem]:
    schema = xml_schema()
    if schema.validate(root):
        return []
    out = []
    for entry in schema.error_log:
        if any(k in entry.type_name for k in _VALUE_ERRORS) or "Missing child element" in entry.message \
                or _only_misses_required(root, entry):
            continue        # values and required fields are judged by the validator's own checks
        path = _plain_path(root, entry.path)
        message = re.sub(r"\{urn:luutru:dossier:1\}", "", entry.message)
        out.append(problem("manifest_schema", path, None, message, detail=message))
    return out


def _node(root: etree._Element, xpath: str | None) -> etree._Element | None:
    found = root.getroottree().xpath(xpath) if xpath else []
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _only_misses_required(root: etree._Element, entry) -> bool:
    """libxml2 reports a missing required element as the next one being "not expected"."""
    expected = re.search(r"Expected is \( (.*) \)", entry.message)
    node = _node(root, entry.path)
    if not expected or node is None or node.getparent() is None:
        return False
    present = {_local(c) for c in node.getparent() if isinstance(c.tag, str)}
    names = {n.strip().split("}")[-1] for n in expected.group(1).split(",")}
    return not names & present and _local(node) in _KNOWN


def _plain_path(root: etree._Element, xpath: str | None) -> str:
    """The libxml2 node path (``/*/*[2]``) as a field path: ``Documents/Document[2]/Foo``."""
    node = _node(root, xpath)
    if node is None:
        return ""
    steps = []
    for el in [node, *node.iterancestors()][:-1]:
        name = _local(el)
        if name in REPEATED:
            same = [s for s in el.getparent() if isinstance(s.tag, str) and _local(s) == name]
            name = f"{name}[{same.index(el) + 1}]"
        steps.append(name)
    return "/".join(reversed(steps))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def _group_raw(el: etree._Element) -> dict[str, str]:
    return {_local(c): _text(c) for c in el}


def _dossier_raw(root: etree._Element) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for child in root:
        name = _local(child)
        if name == "Documents":
            raw["Documents"] = [_document_raw(d) for d in child if _local(d) == "Document"]
        elif name in GROUPS:
            raw[name] = _group_raw(child)
        else:
            raw[name] = _text(child)
    return raw


def _document_raw(el: etree._Element) -> dict[str, Any]:
    raw: dict[str, Any] = {k: v for k, v in el.attrib.items() if k in ("direction", "file")}
    for child in el:
        name = _local(child)
        if name == "File":
            raw.setdefault("files", []).append({"path": child.get("path", ""), "role": child.get("role", "main")})
        elif name == "To":
            raw.setdefault("To", []).append(_group_raw(child))
        elif name in GROUPS:
            raw[name] = _group_raw(child)
        else:
            raw[name] = _text(child)
    return raw
