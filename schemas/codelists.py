"""Code lists (danh mục) of Appendix VI, read from CSV files an administrator can extend.

The defaults live in ``schemas/codelists/``. A file of the same name in the override folder
(``Settings.codelists_dir``, handed in by ``archive.settings.load_codelists``) replaces the default one entirely (copy it, add rows), so an
agency can add a retention period, a language or a document type without touching code.
"""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).with_name("codelists")


def fold(text: str) -> str:
    """Comparison key: NFC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class RetentionPeriod:
    """Thời hạn bảo quản: ``years`` is None for permanent and for event-based periods."""
    value: str
    years: int | None
    event: bool

    @property
    def permanent(self) -> bool:
        return self.years is None and not self.event


@dataclass(frozen=True)
class RetentionKind:
    """A kind of dossier from the retention schedule, recognised by keywords in its Title."""
    kind: str
    keywords: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class CodeLists:
    retention: dict[str, RetentionPeriod]          # folded value -> period
    retention_kinds: tuple[RetentionKind, ...]     # first match wins
    rights: dict[str, str]                         # folded value -> value
    languages: dict[str, str]                      # ISO 639-2 code -> Vietnamese name
    priorities: dict[int, str]                     # code -> Vietnamese name
    document_types: dict[str, str]                 # folded TypeName -> abbreviation ("" for none)
    state_secret: tuple[tuple[str, str], ...]      # (folded marker, exact|contains)

    def retention_period(self, value: str) -> RetentionPeriod | None:
        return self.retention.get(fold(value))

    def kind_of(self, title: str) -> RetentionKind | None:
        key = fold(title)
        return next((k for k in self.retention_kinds if any(w in key for w in k.keywords)), None)

    def abbreviation(self, type_name: str) -> str | None:
        """Appendix III abbreviation; "" for types without one (công văn); None if unknown."""
        return self.document_types.get(fold(type_name))

    @property
    def abbreviations(self) -> set[str]:
        return {fold(a) for a in self.document_types.values() if a}

    def language_code(self, name: str) -> str | None:
        """The code of a language given by its Vietnamese name (to suggest a fix)."""
        key = fold(name)
        return next((c for c, n in self.languages.items() if fold(n) == key), None)

    def state_secret_marker(self, text: str) -> str | None:
        key = fold(text)
        for marker, match in self.state_secret:
            if key == marker or (match == "contains" and marker in key):
                return marker
        return None


def _rows(name: str, override_dir: Path | None) -> list[dict[str, str]]:
    path = override_dir / name if override_dir and (override_dir / name).is_file() else DEFAULT_DIR / name
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@lru_cache(maxsize=8)
def _load(override_dir: Path | None) -> CodeLists:
    def rows(name: str) -> list[dict[str, str]]:
        return _rows(name, override_dir)

    return CodeLists(
        retention={fold(r["value"]): RetentionPeriod(unicodedata.normalize("NFC", r["value"]),
                                                     int(r["years"]) if r["years"] else None,
                                                     r["event"].lower() in ("yes", "true", "1"))
                   for r in rows("retention.csv")},
        retention_kinds=tuple(RetentionKind(r["kind"], tuple(fold(w) for w in r["keywords"].split("|") if w),
                                            r["default"]) for r in rows("retention_kinds.csv")),
        rights={fold(r["value"]): r["value"] for r in rows("rights.csv")},
        languages={r["code"].lower(): r["name_vi"] for r in rows("languages.csv")},
        priorities={int(r["code"]): r["name_vi"] for r in rows("priority.csv")},
        document_types={fold(r["name"]): unicodedata.normalize("NFC", r["abbreviation"])
                        for r in rows("document_types.csv")},
        state_secret=tuple((fold(r["marker"]), r["match"]) for r in rows("state_secret.csv")),
    )


def load(override_dir: Path | None = None) -> CodeLists:
    """The default lists, each replaced by a file of the same name in ``override_dir``."""
    return _load(override_dir.resolve() if override_dir else None)
