"""Dossier metadata as XML in the project's own namespace (``urn:luutru:dossier:1``).

The element order is read from ``schemas/xsd/dossier.xsd`` itself, so what this module
writes always validates against the schema shipped in the package, and a field added to
the schema is written without touching this code. Reading back gives the same
``schemas.models.Dossier`` (the round trip the catalog rebuild depends on).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from lxml import etree

from schemas.models import Document, Dossier

NS = "urn:luutru:dossier:1"
XSD_PATH = Path(__file__).resolve().parents[2] / "schemas" / "xsd" / "dossier.xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"
# XSD element name -> model attribute, where they differ.
_LIST_FIELDS = {"Documents": "Documents", "File": "files", "To": "To"}


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


@lru_cache
def _sequences(xsd_path: Path = XSD_PATH) -> dict[str, list[tuple[str, str | None]]]:
    """complexType name -> [(element name, element type local name)] in schema order."""
    root = etree.parse(str(xsd_path)).getroot()
    out = {}
    for ctype in root.iter(f"{_XS}complexType"):
        elements = [(el.get("name"), (el.get("type") or "").split(":")[-1] or None)
                    for el in ctype.iter(f"{_XS}element")]
        out[ctype.get("name")] = elements
    return out


def _text(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _fill(parent: etree._Element, model, type_name: str) -> None:
    sequences = _sequences()
    for name, type_ in sequences[type_name]:
        if name == "File":
            for f in model.files:
                etree.SubElement(parent, q("File"), path=f.path, role=f.role)
            continue
        value = getattr(model, name, None)
        if value is None or value == []:
            continue
        if name == "Documents":
            docs = etree.SubElement(parent, q("Documents"))
            for doc in value:
                docs.append(document_element(doc))
        elif isinstance(value, list):
            for item in value:
                _fill(etree.SubElement(parent, q(name)), item, type_)
        elif type_ in sequences:
            _fill(etree.SubElement(parent, q(name)), value, type_)
        else:
            etree.SubElement(parent, q(name)).text = _text(value)


def document_element(doc: Document) -> etree._Element:
    el = etree.Element(q("Document"), nsmap={None: NS}, direction=doc.direction)
    _fill(el, doc, "Document")
    return el


def dossier_element(dossier: Dossier, documents: list[Document] | None = None) -> etree._Element:
    """The dossier as a ``<Dossier>`` element; ``documents`` limits which documents it lists
    (a document-level description is a dossier holding just that document)."""
    if documents is not None:
        dossier = dossier.model_copy(update={"Documents": documents})
    el = etree.Element(q("Dossier"), nsmap={None: NS})
    _fill(el, dossier, "Dossier")
    return el


def _read(el: etree._Element, type_name: str) -> dict:
    sequences = _sequences()
    types = dict(sequences[type_name])
    data: dict = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        type_ = types.get(name)
        if name == "Documents":
            data["Documents"] = [read_document(d) for d in child.iterchildren(q("Document"))]
        elif name == "File":
            data.setdefault("files", []).append({"path": child.get("path"), "role": child.get("role", "main")})
        elif name in _LIST_FIELDS:
            data.setdefault(_LIST_FIELDS[name], []).append(_read(child, type_))
        elif type_ in sequences:
            data[name] = _read(child, type_)
        else:
            data[name] = child.text or ""
    return data


def read_document(el: etree._Element) -> Document:
    data = _read(el, "Document")
    data["direction"] = el.get("direction")
    if el.get("file") and "files" not in data:
        data["files"] = [{"path": el.get("file"), "role": "main"}]
    return Document.model_validate(data)


def read_dossier(el: etree._Element) -> Dossier:
    return Dossier.model_validate(_read(el, "Dossier"))
