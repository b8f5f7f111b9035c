"""The Elasticsearch backend, for when one machine is outgrown.

Vietnamese matching comes from the index mapping shipped beside this module
(es_mapping.json: standard tokenizer, lowercase, ASCII folding that keeps the original
token, plus a ``folded`` subfield; ASCII folding maps đ to d). Texts are NFC-normalised
here before they are sent, so no ICU plugin is needed.

Request bodies and response parsing are pure functions (tested against recorded server
responses); ``ElasticsearchIndex`` only moves them over the wire.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.errors import SearchUnavailable
from archive.access import OPEN_RIGHTS_KEY, Principal, can_read
from search.base import FACETS, FacetCount, Hit, SearchIndex, SearchResults
from search.query import Clause, Lookup, Phrase, SearchQuery
from search.records import Record
from archive.text import fold, key

MAPPING_PATH = Path(__file__).with_name("es_mapping.json")
KEYWORDS = ("kind", "organ_id", "type_name", "maintenance", "rights", "direction")
METADATA = (("metadata", 2.0),)
CONTENT = METADATA + (("text", 1.0),)
EXACT_BOOST = 1.5
OWN_KEY_BOOST, DOSSIER_KEY_BOOST = 20.0, 5.0
SNIPPET_CHARS = 240
HIDDEN_SOURCE = ["text", "metadata", "keys"]
DELETE_BATCH = 1_000
REQUEST_TIMEOUT = 120


def mapping() -> dict:
    return json.loads(MAPPING_PATH.read_text("utf-8"))


# --- documents

def document_body(record: Record) -> dict:
    """The indexed document: the record plus what matching, filtering and sorting need."""
    body = record.model_dump(mode="json")
    body.update(
        metadata=record.metadata_text(), year=record.year,
        sort_date=record.sort_date.isoformat() if record.sort_date else None,
        keys={**{f: key(v) for f in KEYWORDS if (v := getattr(record, f))},
              "own": record.own_keys(), "dossier": record.dossier_keys()},
    )
    return body


def bulk_actions(index_name: str, records: Iterable[Record]) -> Iterator[dict]:
    for r in records:
        yield {"_op_type": "index", "_index": index_name, "_id": r.id, "_source": document_body(r)}


def stale_records_query(dossier_code: str, kept_ids: list[str]) -> dict:
    """The dossier's records that its new version no longer has."""
    return {"bool": {"filter": [{"term": {"dossier_code": dossier_code}}],
                     "must_not": [{"ids": {"values": kept_ids}}]}}


# --- queries

def _should(queries: list[dict]) -> dict:
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _phrase(phrase: Phrase, fields) -> dict:
    kind = "match" if len(phrase.words) == 1 else "match_phrase"
    text = " ".join(phrase.words)
    alternatives = []
    for field, weight in fields:
        alternatives.append({kind: {field: {"query": text, "boost": weight * EXACT_BOOST}}})
        alternatives.append({kind: {f"{field}.folded": {"query": fold(text), "boost": weight}}})
    return _should(alternatives)


def _clause(clause: Clause, fields) -> dict:
    if isinstance(clause, Lookup):
        return _should([
            {"term": {"keys.own": {"value": clause.key, "boost": OWN_KEY_BOOST}}},
            {"term": {"keys.dossier": {"value": clause.key, "boost": DOSSIER_KEY_BOOST}}},
            _phrase(clause.phrase, fields),
        ])
    return _phrase(clause, fields)


def matching(clauses: list[Clause], fields) -> dict:
    if not clauses:
        return {"match_all": {}}
    return {"bool": {"must": [_clause(c, fields) for c in clauses]}}


def readable(principal: Principal) -> dict:
    """Records whose content the principal may read (archive.access.can_read)."""
    allowed: list[dict] = [{"term": {"keys.rights": OPEN_RIGHTS_KEY}}]
    if principal.granted:
        allowed.append({"terms": {"dossier_code": sorted(principal.granted)}})
    if principal.own_agency:
        allowed.append({"term": {"keys.organ_id": key(principal.own_agency)}})
    return _should(allowed)


def visible(clauses: list[Clause], principal: Principal) -> dict:
    by_content = {"bool": {"must": [matching(clauses, CONTENT)], "filter": [readable(principal)]}}
    if not principal.sees_all_metadata:
        return by_content
    by_metadata = {"bool": {"must": [matching(clauses, METADATA)], "must_not": [readable(principal)]}}
    return _should([by_content, by_metadata])


def filters(query: SearchQuery) -> list[dict]:
    out: list[dict] = [{"term": {f"keys.{f}": v}} for f, v in query.keyword_filters().items()]
    lo, hi = query.date_range()
    if lo or hi:
        out.append({"range": {"sort_date": {k: v.isoformat() for k, v in (("gte", lo), ("lte", hi)) if v}}})
    return out


def search_body(query: SearchQuery, principal: Principal) -> dict:
    """The _search request for a query as seen by a principal."""
    sort = ([{"sort_date": {"order": "desc", "missing": "_last"}}, "_score"] if query.sort == "date"
            else ["_score", {"sort_date": {"order": "desc", "missing": "_last"}}])
    highlight_field = {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1}
    return {
        "query": {"bool": {"must": [visible(query.clauses, principal)], "filter": filters(query)}},
        "from": query.offset, "size": query.per_page, "track_total_hits": True, "sort": sort,
        "_source": {"excludes": HIDDEN_SOURCE},
        "aggs": {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()},
        "highlight": {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
                      "fields": {f"{f}{sub}": highlight_field for f, _ in CONTENT for sub in ("", ".folded")}},
    }


# --- responses

def parse_total(response: dict) -> int:
    total = response["hits"]["total"]
    return total["value"] if isinstance(total, dict) else int(total)


def parse_facets(response: dict) -> dict[str, list[FacetCount]]:
    aggs = response.get("aggregations", {})
    return {name: [FacetCount(value=str(b.get("key_as_string", b["key"])), count=b["doc_count"])
                   for b in aggs[name].get("buckets", [])]
            for name in aggs if "buckets" in aggs[name]}


def parse_hits(response: dict) -> list[tuple[str, float | None, dict, dict[str, list[str]]]]:
    """(id, score, source, highlight fragments by field) per hit, in order."""
    return [(h["_id"], h.get("_score"), h.get("_source", {}), h.get("highlight", {}))
            for h in response["hits"]["hits"]]


def choose_snippet(highlight: dict[str, list[str]], content_visible: bool) -> str:
    """The first fragment from a field the principal may read: the content when readable
    (as the embedded backend does), else the metadata only."""
    for field in ("text", "metadata") if content_visible else ("metadata",):
        for name in (field, f"{field}.folded"):
            if fragments := highlight.get(name):
                return fragments[0]
    return ""


def parse_response(response: dict, query: SearchQuery, principal: Principal) -> SearchResults:
    hits = []
    for _, score, source, highlight in parse_hits(response):
        record = Record.model_validate({k: v for k, v in source.items() if k in Record.model_fields})
        visible_content = can_read(principal, rights=record.rights, organ_id=record.organ_id,
                                   dossier_code=record.dossier_code)
        hits.append(Hit(record=record, score=score if query.sort == "relevance" else None,
                        snippet=choose_snippet(highlight, visible_content), content_visible=visible_content))
    facets = {name: [] for name in FACETS} | parse_facets(response)
    return SearchResults(hits=hits, total=parse_total(response), page=query.page, per_page=query.per_page,
                         facets=facets)


class ElasticsearchIndex(SearchIndex):
    """Readers and writers use ``index_name``, an alias of one concrete index
    (``<index_name>-<random>``): a full rebuild fills a new concrete index and moves the
    alias in one atomic step, so searches never see an empty or half-built index."""

    def __init__(self, url: str, *, index_name: str = "luutru-records", compatible_with: int | None = None,
                 username: str | None = None, password: str | None = None, api_key: str | None = None):
        """``compatible_with=8`` lets a version 9 client talk to an Elasticsearch 8 server
        for requests that honour client-wide headers (elastic/elasticsearch-py#2923); the
        client's major version should match the server's (pyproject pins 8.x).
        A node with security on takes ``username`` and ``password`` (basic auth), an
        ``api_key``, or ``user:password@`` in the URL."""
        from elasticsearch import ApiError, Elasticsearch, TransportError
        self._errors = (ApiError, TransportError)
        self.index_name = index_name
        options = {}
        if api_key:
            options["api_key"] = api_key
        elif username:
            options["basic_auth"] = (username, password or "")
        if compatible_with:
            media = f"application/vnd.elasticsearch+json; compatible-with={compatible_with}"
            options["headers"] = {"accept": media, "content-type": media}
        # a bulk request of thousands of records outlasts the client's 10 s default on a busy
        # node; every request we send can be repeated (index by id, delete by id, search)
        self.client = Elasticsearch(url, request_timeout=REQUEST_TIMEOUT, retry_on_timeout=True, max_retries=3,
                                    **options)
        self._call(self._ensure_index)

    def _call(self, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except self._errors as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    def _new_concrete_index(self, *, aliased: bool) -> str:
        name = f"{self.index_name}-{uuid.uuid4().hex[:12]}"
        body = mapping()
        aliases = {self.index_name: {"is_write_index": True}} if aliased else None
        self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"], aliases=aliases)
        return name

    def _ensure_index(self) -> None:
        # a second process racing to create it fails on the second write index, then finds it
        if not self.client.indices.exists(index=self.index_name):
            self._new_concrete_index(aliased=True)

    def concrete_indices(self) -> list[str]:
        """The concrete index behind the alias (or the index itself, made before aliases)."""
        return sorted(self._call(self.client.indices.get, index=self.index_name, ignore_unavailable=True).keys())

    def _bulk(self, index_name: str, records: Iterable[Record]) -> int:
        from elasticsearch.helpers import bulk
        count, _ = self._call(bulk, self.client, bulk_actions(index_name, records), refresh="wait_for")
        return count

    def index(self, records: Iterable[Record]) -> int:
        return self._bulk(self.index_name, records)

    def rebuild(self, records: Iterable[Record]) -> int:
        """Fill a new concrete index, then swap the alias onto it and drop the old one in one
        ``_aliases`` call. Records written to the old index meanwhile are not carried over:
        run rebuilds when nothing is being ingested (the catalog stays the source of truth)."""
        new = self._call(self._new_concrete_index, aliased=False)
        try:
            count = self._bulk(new, records)
            actions = [{"remove_index": {"index": old}} for old in self.concrete_indices()]
            actions.append({"add": {"index": new, "alias": self.index_name, "is_write_index": True}})
            self._call(self.client.indices.update_aliases, actions=actions)
        except BaseException:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        return count

    def _delete_where(self, query: dict) -> int:
        """Delete matching records in batches of ids (``_delete_by_query`` lives in the
        reindex module, which a node built from Maven Central does not have)."""
        deleted = 0
        while True:
            response = self._call(self.client.search, index=self.index_name, query=query, size=DELETE_BATCH,
                                  source=False, sort=["_doc"])
            hits = response["hits"]["hits"]
            if not hits:
                return deleted
            operations = [{"delete": {"_index": h["_index"], "_id": h["_id"]}} for h in hits]
            self._call(self.client.bulk, operations=operations, refresh=True)
            deleted += len(hits)

    def delete_dossier(self, dossier_code: str) -> int:
        return self._delete_where({"term": {"dossier_code": dossier_code}})

    def replace_dossier(self, dossier_code: str, records: Iterable[Record]) -> int:
        """The new version is indexed first (same ids overwrite), then what it no longer has is
        removed: Elasticsearch has no multi-document transaction, but a search never finds
        the dossier missing in between, only briefly with a record too many."""
        records = list(records)
        count = self.index(records)
        self._delete_where(stale_records_query(dossier_code, [r.id for r in records]))
        return count

    def clear(self) -> None:
        self._delete_where({"match_all": {}})

    def drop(self) -> None:
        """Delete the alias and its index (tests, and a deliberate fresh start)."""
        for name in self.concrete_indices():
            self._call(self.client.indices.delete, index=name, ignore_unavailable=True)

    def search(self, query: SearchQuery, principal: Principal) -> SearchResults:
        response = self._call(self.client.search, index=self.index_name, body=search_body(query, principal))
        return parse_response(dict(response), query, principal)

    def close(self) -> None:
        self.client.close()
