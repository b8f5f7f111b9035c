"""Raw manifest values -> a typed ``Dossier``, with a problem for every field that is wrong.

Each field is judged on its own (presence, type, length, code list, text encoding, state
secret); a wrong value is reported and left out of the model, so the rules that compare
fields (dates, totals, ordinals) still run on everything that is right.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from schemas import legacy_encoding
from schemas.codelists import CodeLists, fold
from schemas.fields import DIRECTIONS, DOCUMENT, DOSSIER, FILE_ROLES, GROUPS, FieldSpec
from schemas.models import Dossier
from schemas.problems import Problem, problem

ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS_RE = re.compile(r"^\d+$")
_LANGUAGE_SPLIT = re.compile(r"[,;]\s*")
_EXPECTED_VI = {"number": "số nguyên không âm", "date": "ngày theo dạng YYYY-MM-DD"}
_DOCUMENT_KEYS = {f.name for f in DOCUMENT} | {"direction", "file", "files", "File"}
_DOSSIER_KEYS = {f.name for f in DOSSIER} | {"Documents"}


def read_dossier(raw: dict[str, Any], codelists: CodeLists) -> tuple[Dossier | None, list[Problem]]:
    reader = _Reader(codelists)
    typed = reader.dossier(raw)
    try:
        return Dossier.model_validate(typed), reader.problems
    except ValueError as exc:   # only when the raw structure defeated the reader; reported, never raised
        reader.problems.append(problem("manifest_schema", "", None, str(exc).splitlines()[0],
                                       detail=str(exc).splitlines()[0]))
        return None, reader.problems


class _Reader:
    def __init__(self, codelists: CodeLists):
        self.cl = codelists
        self.problems: list[Problem] = []

    def _schema(self, path: str, rule: str, detail_vi: str) -> None:
        self.problems.append(problem("manifest_schema", path, None, rule, detail=detail_vi))

    def _unknown_keys(self, raw: dict, allowed: set[str], prefix: str) -> None:
        for key in raw:
            if key not in allowed:
                self._schema(f"{prefix}{key}", f"element or key {key!r} is not in the schema",
                             f"«{key}» không có trong lược đồ")

    def dossier(self, raw: dict[str, Any]) -> dict[str, Any]:
        self._unknown_keys(raw, _DOSSIER_KEYS, "")
        out: dict[str, Any] = {"FileCode": self.group(raw.get("FileCode"), DOSSIER[0], "FileCode", None) or {}}
        out.update(self.fields(raw, DOSSIER[1:], "", None))
        documents = raw.get("Documents", [])
        if not isinstance(documents, list):
            self._schema("Documents", "Documents must be a list of Document", "Documents phải là danh sách văn bản")
            documents = []
        out["Documents"] = [self.document(d, f"Documents/Document[{i}]") for i, d in enumerate(documents, 1)]
        return out

    def document(self, raw: Any, path: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self._schema(path, "a Document must be an element/object", "văn bản phải là một phần tử")
            return {"direction": "internal"}
        self._unknown_keys(raw, _DOCUMENT_KEYS, f"{path}/")
        direction = raw.get("direction")
        if direction is None:
            self.problems.append(problem("field_required", f"{path}/@direction", None, "direction is required",
                                         label="hướng văn bản: incoming, outgoing, internal"))
        elif direction not in DIRECTIONS:
            self._schema(f"{path}/@direction", f"direction must be one of {', '.join(DIRECTIONS)}",
                         f"direction phải là một trong {', '.join(DIRECTIONS)}, không phải «{direction}»")
        known = direction if direction in DIRECTIONS else None
        out = self.fields(raw, DOCUMENT, f"{path}/", known)
        out["direction"] = known or "internal"
        out["files"] = self.files(raw, path)
        return out

    def files(self, raw: dict, path: str) -> list[dict[str, str]]:
        files = []
        if isinstance(raw.get("file"), str):
            files.append({"path": raw["file"], "role": "main"})
        elif raw.get("file") is not None:
            self._schema(f"{path}/@file", "file must be a path", "file phải là đường dẫn tệp")
        listed = raw.get("files", raw.get("File", []))     # "File" as the XML element is named
        for i, f in enumerate(listed if isinstance(listed, list) else [None], 1):
            if not (isinstance(f, dict) and isinstance(f.get("path"), str) and f.get("role", "main") in FILE_ROLES):
                self._schema(f"{path}/File[{i}]", "File needs a path and role main|attachment",
                             "File cần path và role là main hoặc attachment")
                continue
            files.append({"path": f["path"], "role": f.get("role", "main")})
        return files

    def fields(self, raw: dict, specs: tuple[FieldSpec, ...], prefix: str, direction: str | None) -> dict[str, Any]:
        out = {}
        for spec in specs:
            path = prefix + spec.name
            value = raw.get(spec.name)
            if value is not None and value != [] and direction and direction not in spec.directions:
                self.problems.append(problem("field_not_allowed", path, _shown(value),
                                             f"{spec.name} is not used on {direction} documents",
                                             label=spec.label_vi, direction=direction))
                continue
            if spec.kind == "group" and spec.repeatable:
                items = value if isinstance(value, list) else [] if value is None else [value]
                out[spec.name] = [g for i, item in enumerate(items, 1)
                                  if (g := self.group(item, spec, f"{path}[{i}]", direction)) is not None]
            elif spec.kind == "group":
                out[spec.name] = self.group(value, spec, path, direction)
            else:
                out[spec.name] = self.value(value, spec, path)
        return out

    def group(self, raw: Any, spec: FieldSpec, path: str, direction: str | None) -> dict[str, Any] | None:
        if raw is None:
            if spec.required:
                self.problems.append(problem("field_required", path, None, f"{spec.name} is required",
                                             label=spec.label_vi))
            return None
        if not isinstance(raw, dict):
            self._schema(path, f"{spec.name} must contain its sub-fields", f"{spec.name} phải chứa các trường con")
            return None
        self._unknown_keys(raw, {f.name for f in GROUPS[spec.name]}, f"{path}/")
        return self.fields(raw, GROUPS[spec.name], f"{path}/", direction)

    def value(self, value: Any, spec: FieldSpec, path: str) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                self.problems.append(problem("field_required", path, None, f"{spec.name} is required",
                                             label=spec.label_vi))
            return None
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            self._schema(path, f"{spec.name} must be a single value", f"{spec.name} phải là một giá trị đơn")
            return None
        text = str(value).strip()
        if marker := self.cl.state_secret_marker(text):
            self.problems.append(problem("state_secret", path, text, f"state-secret marker {marker!r}: out of scope"))
            return None
        if spec.kind in ("string", "longtext"):
            return self.text(text, spec, path)
        typed = self.typed(value, text, spec, path)
        if typed is not None and spec.name == "Priority" and typed not in self.cl.priorities:
            self._code_list(path, typed, spec, [f"{c} ({n})" for c, n in self.cl.priorities.items()])
            return None
        return typed

    def typed(self, value: Any, text: str, spec: FieldSpec, path: str) -> int | date | None:
        try:
            if spec.kind == "number":
                if not (isinstance(value, int) or _DIGITS_RE.match(text)):
                    raise ValueError
                if spec.max and len(text.lstrip("0") or "0") > spec.max:
                    self.problems.append(problem("field_too_long", path, text, f"at most {spec.max} digits",
                                                 label=spec.label_vi, length=len(text), max=spec.max))
                    return None
                return int(text)
            if not _DATE_RE.match(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.problems.append(problem("field_type", path, text, f"{spec.name} must be a {spec.kind}"
                                         + (" (ISO YYYY-MM-DD)" if spec.kind == "date" else ""),
                                         label=spec.label_vi, expected=_EXPECTED_VI[spec.kind]))
            return None

    def text(self, text: str, spec: FieldSpec, path: str) -> str | None:
        if legacy := legacy_encoding.detect(text):
            self.problems.append(problem("legacy_encoding", path, text,
                                         f"text typed in {legacy.encoding}, not Unicode (TCVN 6909:2001)",
                                         suggestion=legacy.converted, encoding=legacy.encoding))
            return None
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text:
            self.problems.append(problem("text_not_nfc", path, text, "text must be Unicode NFC",
                                         severity="warning", suggestion=nfc))
        if spec.max and len(nfc) > spec.max:
            self.problems.append(problem("field_too_long", path, nfc[:60] + "…", f"at most {spec.max} characters",
                                         label=spec.label_vi, length=len(nfc), max=spec.max))
            return None
        if spec.name == "OrganId" and not ORGAN_ID_RE.match(nfc):
            self.problems.append(problem("organ_id_format", path, nfc, "OrganId is NNN.NN.NN.XNN"))
            return None
        return nfc if self.in_code_list(nfc, spec, path) else None

    def in_code_list(self, text: str, spec: FieldSpec, path: str) -> bool:
        cl = self.cl
        if spec.name == "Maintenance" and cl.retention_period(text) is None:
            return self._code_list(path, text, spec, [p.value for p in cl.retention.values()])
        if spec.name == "Rights" and fold(text) not in cl.rights:
            return self._code_list(path, text, spec, list(cl.rights.values()))
        if spec.name == "Language":
            unknown = [c for c in _LANGUAGE_SPLIT.split(text) if c.lower() not in cl.languages]
            if unknown:
                return self._code_list(path, text, spec, ["mã ISO 639-2 như vie, eng, fra"],
                                       suggestion=cl.language_code(text))
        return True

    def _code_list(self, path: str, value: Any, spec: FieldSpec, allowed: list[str],
                   suggestion: str | None = None) -> bool:
        self.problems.append(problem("code_list", path, value, f"{spec.name} must be a value of its code list",
                                     suggestion=suggestion, label=spec.label_vi, allowed=", ".join(allowed)))
        return False


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
