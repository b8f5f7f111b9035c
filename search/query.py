"""What a user asks for, backend-neutral: the query text parsed into clauses, filters,
sort and page. Backends translate it; they never re-parse the text themselves."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from archive.text import fold, key, nfc, words

# A document number and notation (``04/2021/QĐ-UBND``, ``123/UBND-VP``) or a dossier /
# document archival code (``000.00.00.H41.2021.01.VP[.001]``).
_NOTATION = re.compile(r"^\w+(?:/[\w-]+)+$")
_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}(?:\.[\w-]+)*$")
_QUOTED = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in this order (one word: a plain term). Exact (NFC, lower) form."""
    words: tuple[str, ...]

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)


@dataclass(frozen=True)
class Lookup:
    """A number-and-notation or code: finds the record it identifies first, then mentions."""
    key: str
    phrase: Phrase


Clause = Phrase | Lookup


def parse(text: str) -> list[Clause]:
    """``"văn bản điện tử" 04/2021/QĐ-UBND lưu trữ`` → [phrase, lookup, term, term]."""
    clauses: list[Clause] = []
    for quoted, bare in _QUOTED.findall(nfc(text)):
        if quoted:
            if ws := tuple(words(quoted)):
                clauses.append(Phrase(ws))
        elif _NOTATION.match(bare) or _CODE.match(bare):
            clauses.append(Lookup(key(bare), Phrase(tuple(words(bare)))))
        else:
            clauses.extend(Phrase((w,)) for w in words(bare))
    return clauses


def query_words(clauses: list[Clause]) -> set[str]:
    """Folded words to highlight."""
    out: set[str] = set()
    for c in clauses:
        out.update((c.phrase if isinstance(c, Lookup) else c).folded)
    return out


MAX_QUERY_CHARS = 500     # the API, the web search page and the CLI refuse longer queries alike


class SearchQuery(BaseModel):
    text: str = Field("", max_length=MAX_QUERY_CHARS)
    agency: str | None = None            # OrganId
    type_name: str | None = None         # Tên loại văn bản, e.g. Quyết định
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    rights: str | None = None
    retention: str | None = None         # Maintenance, e.g. Vĩnh viễn, 10 năm
    direction: Literal["incoming", "outgoing", "internal"] | None = None
    kind: Literal["document", "dossier"] | None = None
    sort: Literal["relevance", "date"] = "relevance"
    page: int = Field(1, ge=1)
    per_page: int = Field(10, ge=1, le=100)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self

    @property
    def clauses(self) -> list[Clause]:
        return parse(self.text)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def keyword_filters(self) -> dict[str, str]:
        """Filter field → lookup key (folded, so ``cong khai`` filters ``Công khai``)."""
        values = {"organ_id": self.agency, "type_name": self.type_name, "rights": self.rights,
                  "maintenance": self.retention, "direction": self.direction, "kind": self.kind}
        return {f: key(v) for f, v in values.items() if v}

    def date_range(self) -> tuple[date | None, date | None]:
        """The inclusive date range the year and date filters leave (both narrow it)."""
        lo, hi = self.date_from, self.date_to
        if self.year:
            lo = max(lo or date(self.year, 1, 1), date(self.year, 1, 1))
            hi = min(hi or date(self.year, 12, 31), date(self.year, 12, 31))
        return lo, hi


