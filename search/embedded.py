"""The embedded backend (default): a Tantivy index under ``data_dir/search``, no server.

Why Tantivy and not SQLite FTS5: see docs/search.md (measured on 100,000 documents).
Each searchable text is indexed twice, exact (NFC, lower) and folded (search.text.fold),
and a query term matches the folded field while the exact field adds a boost.
"""
from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
import shutil
import threading
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from archive.errors import SearchUnavailable
from search.access import OPEN_RIGHTS_KEY, Principal
from search.base import FACETS, FacetCount, SearchIndex, SearchResults, make_hit
from search.query import Clause, Lookup, Phrase, SearchQuery
from search.records import Record
from search.text import exact, fold, key

KEYWORDS = ("kind", "organ_id", "type_name", "maintenance", "rights", "direction")
# (exact field, folded field, weight): a match in the metadata outweighs one in the body
METADATA = (("meta_exact", "meta_folded", 2.0),)
CONTENT = METADATA + (("text_exact", "text_folded", 1.0),)
EXACT_BOOST = 1.5          # on top of the folded match: bạn above bán for the query bạn
OWN_KEY_BOOST, DOSSIER_KEY_BOOST = 20.0, 5.0
WRITER_HEAP = 128 * 1024**2
LAYOUT = "2"               # bump when _schema() or _document() change: old indexes must be rebuilt
_WRITE_LOCK = threading.Lock()
_FACET_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="luutru-facets")


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.is_file() else None


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw")
    sb.add_text_field("dossier_code", tokenizer_name="raw")
    for name in KEYWORDS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw")      # facet value as written
        sb.add_text_field(f"k_{name}", tokenizer_name="raw")          # filter key, folded
    sb.add_integer_field("year", fast=True, indexed=True)
    sb.add_integer_field("day", fast=True, indexed=True)               # date.toordinal(); 0: none
    for field in ("own_key", "dossier_key"):
        sb.add_text_field(field, tokenizer_name="raw")
    for exact_field, folded_field, _ in CONTENT:
        sb.add_text_field(exact_field, index_option="freq")   # exact words only boost: no positions
        sb.add_text_field(folded_field)                       # phrases run here
    sb.add_text_field("title_folded")
    sb.add_bytes_field("source", stored=True, indexed=False)
    return sb.build()


def _document(r: Record) -> tantivy.Document:
    meta = r.metadata_text()
    doc = tantivy.Document(
        id=r.id, dossier_code=r.dossier_code, year=r.year or 0,
        day=r.sort_date.toordinal() if r.sort_date else 0,
        meta_exact=exact(meta), meta_folded=fold(meta), text_exact=exact(r.text), text_folded=fold(r.text),
        title_folded=fold(r.title or ""), source=r.model_dump_json().encode(),
    )
    for name in KEYWORDS:
        if value := getattr(r, name):
            doc.add_text(name, value)
            doc.add_text(f"k_{name}", key(value))
    for k in r.own_keys():
        doc.add_text("own_key", k)
    for k in r.dossier_keys():
        doc.add_text("dossier_key", k)
    return doc


class EmbeddedIndex(SearchIndex):
    def __init__(self, path: Path, *, recreate: bool = False):
        """``recreate`` throws away an index of another layout (``luutru reindex --all``
        rebuilds it): the index is derived data, the catalog and packages are the truth."""
        marker = path / "LUUTRU_INDEX_LAYOUT"
        if path.exists() and any(path.iterdir()) and _read(marker) != LAYOUT:
            if not recreate:
                raise SearchUnavailable(f"the search index at {path} has layout {_read(marker)!r}, this version "
                                        f"uses {LAYOUT!r}: run `luutru reindex --all`")
            shutil.rmtree(path)
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        try:
            self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            raise SearchUnavailable(f"cannot open the search index at {path}: {exc}") from exc
        if _read(marker) != LAYOUT:
            marker.write_text(LAYOUT)

    # --- writing: a writer per call, so other processes can write in between
    def _write(self, change) -> None:
        with _WRITE_LOCK:           # one writer per index: threads of this process take turns
            try:
                writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:   # another process holds the index's writer lock
                raise SearchUnavailable(f"the search index is being written by another process: {exc}") from exc
            try:
                change(writer)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._index.reload()

    def index(self, records: Iterable[Record]) -> int:
        count = 0

        def add(writer):
            nonlocal count
            for r in records:
                writer.delete_documents_by_term("id", r.id)
                writer.add_document(_document(r))
                count += 1
        self._write(add)
        return count

    def replace_dossier(self, dossier_code: str, records: Iterable[Record]) -> int:
        """One commit: a search never sees the dossier missing between delete and add."""
        records = list(records)

        def replace(writer):
            writer.delete_documents_by_term("dossier_code", dossier_code)
            for r in records:
                writer.add_document(_document(r))
        self._write(replace)
        return len(records)

    def delete_dossier(self, dossier_code: str) -> int:
        before = self._count(self._term("dossier_code", dossier_code))
        self._write(lambda w: w.delete_documents_by_term("dossier_code", dossier_code))
        return before

    def clear(self) -> None:
        self._write(lambda w: w.delete_all_documents())

    # --- queries
    def _term(self, field: str, value: str) -> Query:
        return Query.term_query(self.schema, field, value)

    def _count(self, query: Query) -> int:
        return self._index.searcher().search(query, 1, count=True).count

    def _phrase(self, phrase: Phrase, fields) -> Query:
        """The folded form must match; each word's exact form only adds to the score (exact
        words rather than an exact phrase: one positional query per field is the costly part)."""
        folded = []
        for _, folded_field, weight in fields:
            q = (self._term(folded_field, phrase.folded[0]) if len(phrase.words) == 1
                 else Query.phrase_query(self.schema, folded_field, list(phrase.folded)))
            folded.append((Occur.Should, Query.boost_query(q, weight)))
        exact_words = [(Occur.Should, Query.boost_query(self._term(exact_field, w), weight * EXACT_BOOST))
                       for exact_field, _, weight in fields for w in phrase.words]
        return Query.boolean_query([(Occur.Must, Query.boolean_query(folded)), *exact_words])

    def _clause(self, clause: Clause, fields) -> Query:
        if isinstance(clause, Lookup):
            return Query.boolean_query([
                (Occur.Should, Query.boost_query(self._term("own_key", clause.key), OWN_KEY_BOOST)),
                (Occur.Should, Query.boost_query(self._term("dossier_key", clause.key), DOSSIER_KEY_BOOST)),
                (Occur.Should, self._phrase(clause.phrase, fields)),
            ])
        return self._phrase(clause, fields)

    def _matching(self, clauses: list[Clause], fields) -> Query:
        if not clauses:
            return Query.all_query()
        return Query.boolean_query([(Occur.Must, self._clause(c, fields)) for c in clauses])

    def _readable(self, principal: Principal) -> Query:
        """Records whose content the principal may read (search.access.can_read)."""
        allowed = [self._term("k_rights", OPEN_RIGHTS_KEY)]
        if principal.granted:
            allowed.append(Query.term_set_query(self.schema, "dossier_code", sorted(principal.granted)))
        if principal.own_agency:
            allowed.append(self._term("k_organ_id", key(principal.own_agency)))
        return Query.boolean_query([(Occur.Should, q) for q in allowed])

    def _filters(self, query: SearchQuery) -> list[Query]:
        filters = [self._term(f"k_{f}", v) for f, v in query.keyword_filters().items()]
        lo, hi = query.date_range()
        if lo or hi:
            filters.append(Query.range_query(self.schema, "day", tantivy.FieldType.Integer,
                                             lo.toordinal() if lo else 1, hi.toordinal() if hi else date.max.toordinal()))
        return [Query.const_score_query(f, 0.0) for f in filters]

    def _visible(self, clauses: list[Clause], principal: Principal) -> Query:
        """The principal's view: content matches where readable, metadata matches elsewhere."""
        readable = Query.const_score_query(self._readable(principal), 0.0)
        by_content = Query.boolean_query([(Occur.Must, self._matching(clauses, CONTENT)), (Occur.Must, readable)])
        if not principal.sees_all_metadata:
            return by_content
        by_metadata = Query.boolean_query([(Occur.Must, self._matching(clauses, METADATA)),
                                           (Occur.MustNot, self._readable(principal))])
        return Query.boolean_query([(Occur.Should, by_content), (Occur.Should, by_metadata)])

    def search(self, query: SearchQuery, principal: Principal) -> SearchResults:
        clauses = query.clauses
        q = Query.boolean_query([(Occur.Must, self._visible(clauses, principal)),
                                 *((Occur.Must, f) for f in self._filters(query))])
        searcher = self._index.searcher()
        order = {"order_by_field": "day", "order": tantivy.Order.Desc} if query.sort == "date" else {}
        # Tantivy releases the GIL: the facet pass runs beside the top-documents pass
        facets_done = _FACET_POOL.submit(self._facets, searcher, q)
        result = searcher.search(q, query.per_page, count=False, offset=query.offset, **order)
        hits = []
        for score, address in result.hits:
            record = Record.model_validate_json(searcher.doc(address)["source"][0])
            hits.append(make_hit(record, principal, query, score if query.sort == "relevance" else None))
        facets = facets_done.result()
        total = sum(f.count for f in facets["kind"])   # every record has a kind: saves a counting pass
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page, facets=facets)

    def _facets(self, searcher, q: Query) -> dict[str, list[FacetCount]]:
        aggs = {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()}
        result = searcher.aggregate(q, aggs)
        return {name: [FacetCount(value=str(b["key"]), count=b["doc_count"])
                       for b in result.get(name, {}).get("buckets", []) if b["key"] not in ("", 0)]
                for name in FACETS}

    def suggest(self, prefix: str, principal: Principal, *, limit: int = 8) -> list[str]:
        words = fold(prefix).split()
        if not words:
            return []
        q = Query.boolean_query([
            (Occur.Must, Query.phrase_prefix_query(self.schema, "title_folded", words)),
            (Occur.Must, self._visible([], principal)),
        ])
        searcher = self._index.searcher()
        titles: list[str] = []
        for _, address in searcher.search(q, limit * 3, count=False).hits:
            title = Record.model_validate_json(searcher.doc(address)["source"][0]).title
            if title and title not in titles:
                titles.append(title)
        return titles[:limit]
