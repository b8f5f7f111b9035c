"""Writing a manifest (the raw dict ``schemas.manifest`` reads) as hoso.xml or hoso.json.

Elements come out in the order of the field tables (``schemas.fields``), which is the order
the XSD's sequences expect, so what is written here reads back unchanged.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from lxml import etree

from schemas.fields import DOCUMENT, DOSSIER, GROUPS
from schemas.manifest import NS


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _add(parent: etree._Element, name: str, value: Any) -> None:
    if value is None or value == []:
        return                      # "" stays: an empty element shows the archivist what to fill
    if isinstance(value, list):
        for item in value:
            _add(parent, name, item)
    elif isinstance(value, dict):
        group = etree.SubElement(parent, _q(name))
        for spec in GROUPS.get(name, ()):
            _add(group, spec.name, value.get(spec.name))
    else:
        etree.SubElement(parent, _q(name)).text = _text(value)


def to_xml(raw: dict[str, Any]) -> bytes:
    root = etree.Element(_q("Dossier"), nsmap={None: NS})
    for spec in DOSSIER:
        _add(root, spec.name, raw.get(spec.name))
    documents = etree.SubElement(root, _q("Documents"))
    for doc in raw.get("Documents", []):
        el = etree.SubElement(documents, _q("Document"), direction=doc.get("direction", "outgoing"))
        files = doc.get("files") or []
        if doc.get("file"):
            el.set("file", doc["file"])
        for f in files:
            etree.SubElement(el, _q("File"), path=f["path"], role=f.get("role", "main"))
        for spec in DOCUMENT:
            _add(el, spec.name, doc.get(spec.name))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def to_json(raw: dict[str, Any]) -> bytes:
    return (json.dumps(raw, ensure_ascii=False, indent=2, default=_text) + "\n").encode()
