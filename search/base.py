"""The one search interface every backend implements, and the choice of backend."""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from archive.errors import SearchUnavailable
from archive.settings import Settings
from archive.access import Principal, can_read
from search.highlight import snippet
from search.query import SearchQuery, query_words
from search.records import Record

# facet name → record field; the same names are the CLI's filter options
FACETS = {"agency": "organ_id", "type": "type_name", "year": "year", "retention": "maintenance",
          "rights": "rights", "direction": "direction", "kind": "kind"}


class Hit(BaseModel):
    record: Record            # without its full text: the snippet shows what matched
    score: float | None = None
    snippet: str = ""         # HTML-escaped, matches in <mark>…</mark>
    content_visible: bool     # False: found by metadata only (auditor on a restricted record)


class FacetCount(BaseModel):
    value: str
    count: int


class SearchResults(BaseModel):
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetCount]]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class SearchIndex(ABC):
    """Index and search records; every read is filtered by the principal before scoring."""

    @abstractmethod
    def index(self, records: Iterable[Record]) -> int:
        """Add or replace records (by id); visible to searches when this returns."""

    @abstractmethod
    def delete_dossier(self, dossier_code: str) -> int:
        """Remove a dossier's records at once (destruction); returns how many were removed."""

    def replace_dossier(self, dossier_code: str, records: Iterable[Record]) -> int:
        """Put ``records`` in place of everything the dossier had (a new package version may
        have fewer documents). Backends that can make it one atomic change override this."""
        self.delete_dossier(dossier_code)
        return self.index(records)

    @abstractmethod
    def search(self, query: SearchQuery, principal: Principal) -> SearchResults: ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every record."""

    def rebuild(self, records: Iterable[Record]) -> int:
        """Replace every record by ``records``. Backends that can override this so searches
        see the old content until the new is complete (no window without results)."""
        self.clear()
        return self.index(records)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def make_hit(record: Record, principal: Principal, query: SearchQuery, score: float | None, *,
             highlight: Callable[[str, str], str] | None = None) -> Hit:
    """A hit whose snippet comes only from what the principal may read. ``highlight(field,
    text)`` (field "text" or "meta") lets a backend find the matches its own faster way."""
    readable = can_read(principal, rights=record.rights, organ_id=record.organ_id,
                        dossier_code=record.dossier_code)
    if highlight is None:
        wanted = query_words(query.clauses)
        highlight = lambda _, text: snippet(text, wanted)   # noqa: E731
    text = (readable and highlight("text", record.text)) or highlight("meta", record.metadata_text())
    return Hit(record=record.model_copy(update={"text": ""}), score=score, snippet=text,
               content_visible=readable)


def open_index(settings: Settings, *, recreate: bool = False) -> SearchIndex:
    """The backend the settings name: embedded (default, under data_dir) or Elasticsearch.
    ``recreate`` lets a full reindex replace an embedded index of an older layout."""
    backend = settings.search_backend.strip().lower()
    if backend == "elasticsearch":
        if not settings.elasticsearch_url:
            raise SearchUnavailable("LUUTRU_SEARCH_BACKEND=elasticsearch needs LUUTRU_ELASTICSEARCH_URL")
        from search.backends.elasticsearch import ElasticsearchIndex
        return ElasticsearchIndex(settings.elasticsearch_url, index_name=settings.elasticsearch_index,
                                  compatible_with=settings.elasticsearch_compatible_with,
                                  username=settings.elasticsearch_username, password=settings.elasticsearch_password,
                                  api_key=settings.elasticsearch_api_key)
    if backend == "embedded":
        from search.backends.embedded import EmbeddedIndex
        return EmbeddedIndex(settings.data_dir / "search", recreate=recreate)
    raise SearchUnavailable(f"unknown search backend {settings.search_backend!r} (embedded | elasticsearch)")
