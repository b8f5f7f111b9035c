"""Manifests: one dossier record, written as hoso.xml (namespace urn:luutru:dossier:1) or hoso.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from sample_dossiers.documents import ORGANS, Doc
from sample_dossiers.render import EXTENSIONS, RENDERERS, page_count
from sample_dossiers.signing import TrustMaterial, sign_pdf

NS = "urn:luutru:dossier:1"
DOSSIER_ORDER = ("FileCode", "Title", "Maintenance", "Rights", "Creator", "Language", "StartDate", "EndDate",
                 "DocTotal", "PageTotal", "Description", "Documents")
# Decree order of fields 1–11, then the outgoing and incoming fields merged in decree order.
DOCUMENT_ORDER = ("DocOrdinal", "TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject",
                  "Language", "PageAmount", "Description", "ArrivalDate", "ArrivalNumber", "SignerInfo", "To",
                  "Priority", "IssuedAmount", "ToPlaces", "TraceHeaderList", "DueDate")


@dataclass
class Dossier:
    folder: str
    organ: str
    catalog: int
    notation: str
    title: str
    maintenance: str
    rights: str
    creator: str
    documents: list[Doc]
    description: str = ""
    manifest: str = "xml"          # xml | json
    zipped: bool = False
    start: date | None = None
    end: date | None = None

    def __post_init__(self):
        dates = [d.issued for d in self.documents] + [d.meta["ArrivalDate"] for d in self.documents
                                                      if "ArrivalDate" in d.meta]
        self.start = self.start or min(dates)
        self.end = self.end or max(dates)


def document_record(doc: Doc, ordinal: int, files: list[tuple[str, str]], pages: int | None) -> dict:
    org = ORGANS[doc.organ]
    rec = {"direction": doc.direction, "files": [{"path": p, "role": r} for p, r in files],
           "DocOrdinal": ordinal, "TypeName": doc.type_name, "CodeNumber": doc.number,
           "CodeNotation": doc.notation, "IssuedDate": doc.issued, "OrganName": org.name,
           "Subject": doc.subject, "Language": "vie", "PageAmount": pages}
    if doc.direction != "internal":
        if doc.signer:
            # "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH" signs as "Phó chủ tịch"
            position = doc.signer[1].split(" - ")[-1].capitalize()
            rec["SignerInfo"] = {"Position": position, "FullName": doc.signer[2]}
        rec["Priority"] = 0
    if doc.direction == "outgoing":
        rec["To"] = [{"OrganName": t} for t in doc.to]
    rec.update(doc.meta)
    return {k: v for k, v in rec.items() if v not in (None, [], "")}


def dossier_record(d: Dossier, documents: list[dict]) -> dict:
    org = ORGANS[d.organ]
    pages = [doc.get("PageAmount") for doc in documents]
    rec = {"FileCode": {"OrganId": org.organ_id, "FileCatalog": d.catalog, "FileNotation": d.notation},
           "Title": d.title, "Maintenance": d.maintenance, "Rights": d.rights, "Creator": d.creator,
           "Language": "vie", "StartDate": d.start, "EndDate": d.end, "DocTotal": len(documents),
           # PageTotal only where every page count is known here (office files are counted by the archive)
           "PageTotal": sum(pages) if all(pages) else None, "Description": d.description, "Documents": documents}
    return {k: v for k, v in rec.items() if v not in (None, "")}


def to_json(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2, default=lambda v: v.isoformat()) + "\n").encode()


def to_xml(record: dict) -> etree._Element:
    def q(tag):
        return f"{{{NS}}}{tag}"

    def add(parent, tag, value):
        if isinstance(value, dict):
            el = etree.SubElement(parent, q(tag))
            for k, v in value.items():
                add(el, k, v)
        elif isinstance(value, list):
            for v in value:
                add(parent, tag, v)
        else:
            etree.SubElement(parent, q(tag)).text = value.isoformat() if isinstance(value, date) else str(value)

    root = etree.Element(q("Dossier"), nsmap={None: NS})
    for key in DOSSIER_ORDER:
        if key == "Documents" and key in record:
            docs = etree.SubElement(root, q("Documents"))
            for doc in record["Documents"]:
                el = etree.SubElement(docs, q("Document"), direction=doc["direction"])
                files = doc["files"]
                if len(files) == 1 and files[0]["role"] == "main":
                    el.set("file", files[0]["path"])
                else:
                    for f in files:
                        etree.SubElement(el, q("File"), path=f["path"], role=f["role"])
                for k in DOCUMENT_ORDER:
                    if k in doc:
                        add(el, k, doc[k])
        elif key in record:
            add(root, key, record[key])
    return root


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_dossier(d: Dossier, target: Path, trust: TrustMaterial) -> dict:
    """Render every document's files into ``target/files`` and write the manifest; return it."""
    (target / "files").mkdir(parents=True)
    ordered = sorted(d.documents, key=lambda doc: doc.issued)
    records = []
    for ordinal, doc in enumerate(ordered, 1):
        files = []
        for part, role in [(doc, "main"), *((a, "attachment") for a in doc.attachments)]:
            rel = f"files/{part.stem}.{EXTENSIONS[part.fmt]}"
            RENDERERS[part.fmt](part, target / rel)
            if part.fmt == "signed-pdf":
                sign_pdf(target / rel, trust, part)
            files.append((rel, role))
        records.append(document_record(doc, ordinal, files, page_count(target / files[0][0])))
    record = dossier_record(d, records)
    if d.manifest == "json":
        (target / "hoso.json").write_bytes(to_json(record))
    else:
        (target / "hoso.xml").write_bytes(xml_bytes(to_xml(record)))
    return record
