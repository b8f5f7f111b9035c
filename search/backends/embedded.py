"""The embedded backend (default): a Tantivy index under ``data_dir/search``, no server.

Why Tantivy and not SQLite FTS5: see docs/search.md (measured on 100,000 documents).
Each searchable text is indexed three ways: exact (lower case) words, folded words (no
diacritics, đ → d: Tantivy's ASCII folding, so indexing runs no Python over the text) and
folded word pairs. A query word matches the folded field while the exact field adds a
boost; a phrase matches the pair field. Pairs because Vietnamese words are mostly two
syllables: a two-word phrase is one term lookup, a longer one reads the positions of
rarer pairs (``ho_so``) rather than of the commonest syllables (``so`` is số, sổ, sơ…).
The folded fields store the text: Tantivy's snippet generator finds where the matches
are, search.highlight marks them as written.
"""
from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import lru_cache
import os
import shutil
import threading
from pathlib import Path
from typing import NamedTuple

import tantivy
from tantivy import Occur, Query

from archive.errors import SearchUnavailable
from archive.access import OPEN_RIGHTS_KEY, Principal
from search.base import FACETS, FacetCount, SearchIndex, SearchResults, make_hit
from search.highlight import snippet
from search.query import Clause, Lookup, Phrase, SearchQuery, query_words
from search.records import Record
from archive.text import key

KEYWORDS = ("kind", "organ_id", "type_name", "maintenance", "rights", "direction")


class Scope(NamedTuple):
    """Where a query's words are looked for: texts as (exact field, folded field, weight),
    and the one pair field its phrases run on (one positional query per phrase, not one per text)."""
    texts: tuple[tuple[str, str, float], ...]
    pairs: str


# A match in the metadata outweighs one in the body. content_pairs holds the metadata's
# pairs then the text's: a phrase found in the metadata also scores on meta_pairs.
METADATA = Scope((("meta_exact", "meta_folded", 2.0),), "meta_pairs")
CONTENT = Scope(METADATA.texts + (("text_exact", "text_folded", 1.0),), "content_pairs")
BREAK = "|"               # between the metadata's pairs and the text's: no phrase spans it
EXACT_BOOST = 1.5          # on top of the folded match: bạn above bán for the query bạn
OWN_KEY_BOOST, DOSSIER_KEY_BOOST = 20.0, 5.0
WRITER_HEAP = 128 * 1024**2
# Tantivy's indexing threads run beside the Python thread that builds documents
WRITER_THREADS = max(1, min(4, len(os.sched_getaffinity(0))))
LAYOUT = "4"               # bump when _schema(), _document() or ANALYZERS change: old indexes must be rebuilt
FOLDED, PAIRS = "luutru_folded", "luutru_pairs"
ANALYZERS = {   # registered on every open: Tantivy does not store them with the index
    FOLDED: lambda: tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build(),
    # pairs arrive folded (_fold), "_" joining their words: split on spaces, nothing else
    PAIRS: lambda: tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build(),
}
_FOLDER = ANALYZERS[FOLDED]()
SNIPPET_CHARS = 240
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
    for exact_field, folded_field, _ in CONTENT.texts:
        sb.add_text_field(exact_field, index_option="freq")   # exact words only boost: no positions
        sb.add_text_field(folded_field, index_option="freq", tokenizer_name=FOLDED, stored=True)
    for pair_field in (METADATA.pairs, CONTENT.pairs):
        sb.add_text_field(pair_field, tokenizer_name=PAIRS)   # phrases run here
    sb.add_text_field("title_folded", tokenizer_name=FOLDED)
    sb.add_bytes_field("source", stored=True, indexed=False)
    return sb.build()


def _pairs(words: list[str]) -> list[str]:
    """``[ho, so, dien, tu]`` → ``[ho_so, so_dien, dien_tu]``: the terms of the pair fields."""
    return list(map("_".join, zip(words, words[1:])))


def _fold(text: str) -> list[str]:
    """The folded words of a text, as the folded fields index them."""
    return _FOLDER.analyze(text)


@lru_cache(maxsize=4096)
def _keyword_key(value: str) -> str:
    return key(value)      # few distinct values (agencies, types, rights…): computed once each


def _document(r: Record) -> tantivy.Document:
    meta = r.metadata_text()      # a Record's texts are NFC already
    meta_pairs = _pairs(_fold(meta))
    doc = tantivy.Document(
        id=r.id, dossier_code=r.dossier_code, year=r.year or 0,
        day=r.sort_date.toordinal() if r.sort_date else 0,
        meta_exact=meta, meta_folded=meta, text_exact=r.text, text_folded=r.text,
        meta_pairs=" ".join(meta_pairs), content_pairs=" ".join([*meta_pairs, BREAK, *_pairs(_fold(r.text))]),
        title_folded=r.title or "", source=r.model_dump_json(exclude={"text"}).encode(),
    )
    for name in KEYWORDS:
        if value := getattr(r, name):
            doc.add_text(name, value)
            doc.add_text(f"k_{name}", _keyword_key(value))
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
        for name, build in ANALYZERS.items():
            self._index.register_tokenizer(name, build())
        if _read(marker) != LAYOUT:
            marker.write_text(LAYOUT)

    # --- writing: a writer per call, so other processes can write in between
    def _write(self, change) -> None:
        with _WRITE_LOCK:           # one writer per index: threads of this process take turns
            try:
                writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
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

    def rebuild(self, records: Iterable[Record]) -> int:
        """One commit: searches see the old index until the new one is complete."""
        count = 0

        def replace_all(writer):
            nonlocal count
            writer.delete_all_documents()
            for r in records:
                writer.add_document(_document(r))
                count += 1
        self._write(replace_all)
        return count

    # --- queries
    def _term(self, field: str, value: str) -> Query:
        return Query.term_query(self.schema, field, value)

    def _count(self, query: Query) -> int:
        return self._index.searcher().search(query, 1, count=True).count

    def _phrase(self, phrase: Phrase, scope: Scope) -> Query:
        """The folded form must match; each word's exact form only adds to the score (exact
        words rather than an exact phrase: a positional query is the costly part)."""
        folded_words = _fold(" ".join(phrase.words)) or ["_"]     # "_" matches nothing
        pairs = _pairs(folded_words)
        if not pairs:
            match = Query.boolean_query([(Occur.Should, Query.boost_query(self._term(folded, folded_words[0]), weight))
                                         for _, folded, weight in scope.texts])
        elif len(pairs) == 1:
            match = self._term(scope.pairs, pairs[0])
        else:   # pairs 0, 2, 4… and the last one cover every word: fewer positions to read
            match = Query.phrase_query(self.schema, scope.pairs,
                                       [(i, pairs[i]) for i in sorted({*range(0, len(pairs), 2), len(pairs) - 1})])
        boosts = [(Occur.Should, Query.boost_query(self._term(exact, w), weight * EXACT_BOOST))
                  for exact, _, weight in scope.texts for w in phrase.words]
        if pairs and scope.pairs != METADATA.pairs:   # the phrase's pairs in the metadata weigh more
            boosts += [(Occur.Should, self._term(METADATA.pairs, p)) for p in pairs]
        return Query.boolean_query([(Occur.Must, match), *boosts])

    def _clause(self, clause: Clause, scope: Scope) -> Query:
        if isinstance(clause, Lookup):
            return Query.boolean_query([
                (Occur.Should, Query.boost_query(self._term("own_key", clause.key), OWN_KEY_BOOST)),
                (Occur.Should, Query.boost_query(self._term("dossier_key", clause.key), DOSSIER_KEY_BOOST)),
                (Occur.Should, self._phrase(clause.phrase, scope)),
            ])
        return self._phrase(clause, scope)

    def _matching(self, clauses: list[Clause], scope: Scope) -> Query:
        if not clauses:
            return Query.all_query()
        return Query.boolean_query([(Occur.Must, self._clause(c, scope)) for c in clauses])

    def _readable(self, principal: Principal) -> Query:
        """Records whose content the principal may read (archive.access.can_read)."""
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
        highlight = self._highlighter(searcher, query)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            record = Record.model_validate_json(doc["source"][0])     # without its text: the hit has none
            hits.append(make_hit(record, principal, query, score if query.sort == "relevance" else None,
                                 highlight=lambda field, _, doc=doc: highlight(field, doc)))
        facets = facets_done.result()
        total = sum(f.count for f in facets["kind"])   # every record has a kind: saves a counting pass
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page, facets=facets)

    def _highlighter(self, searcher, query: SearchQuery):
        """(field, document) → snippet: Tantivy's generator finds the best fragment of the
        field's stored text, search.highlight marks the query words around it as written."""
        wanted = query_words(query.clauses)
        terms = _fold(" ".join(sorted(wanted)))
        if not terms:
            return lambda *_: ""
        generators = {}
        for field, stored in (("text", "text_folded"), ("meta", "meta_folded")):
            q = Query.boolean_query([(Occur.Should, self._term(stored, t)) for t in terms])
            generator = tantivy.SnippetGenerator.create(searcher, q, self.schema, stored)
            generator.set_max_num_chars(SNIPPET_CHARS)
            generators[field] = (stored, generator)

        def highlight(field: str, doc: tantivy.Document) -> str:
            stored, generator = generators[field]
            text = doc.get_first(stored)
            if not text:
                return ""
            found = generator.snippet_from_doc(doc)
            if not found.highlighted():
                return ""
            raw, start = text.encode(), found.fragment_range().start
            first, last = found.highlighted()[0].start + start, found.highlighted()[-1].end + start
            return snippet(text, wanted, max_chars=SNIPPET_CHARS,
                           near=(len(raw[:first].decode()), len(raw[:last].decode())))
        return highlight

    def _facets(self, searcher, q: Query) -> dict[str, list[FacetCount]]:
        aggs = {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()}
        result = searcher.aggregate(q, aggs)
        return {name: [FacetCount(value=str(b["key"]), count=b["doc_count"])
                       for b in result.get(name, {}).get("buckets", []) if b["key"] not in ("", 0)]
                for name in FACETS}
