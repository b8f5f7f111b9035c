"""JSON Schema of the JSON manifest (hoso.json), generated from the pydantic models.

The JSON manifest uses the decree's English names as keys, like the XML one; a document's
files are ``"files": [{"path": …, "role": "main"|"attachment"}]`` or, as in XML, the
shorthand ``"file": "files/x.pdf"`` for a single main file.
"""
from __future__ import annotations

import json
from typing import Any

from schemas.manifest import NS
from schemas.models import Dossier


def dossier_json_schema() -> dict[str, Any]:
    schema = Dossier.model_json_schema()
    document = schema["$defs"]["Document"]
    document["properties"]["file"] = {"type": "string", "title": "File",
                                      "description": "Shorthand for one main file (the XML 'file' attribute)."}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{NS}:json",
            **schema, "title": "Hồ sơ (Dossier), Decree 30/2020/NĐ-CP Appendix VI"}


def dossier_json_schema_text() -> str:
    return json.dumps(dossier_json_schema(), ensure_ascii=False, indent=2)
