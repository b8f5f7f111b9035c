"""The Elasticsearch backend's wire protocol without a server: the shipped mapping, the
request bodies built for each principal, and parsing of real recorded server responses."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from archive.access import Principal
from search.backends.elasticsearch import (
    choose_snippet, document_body, mapping, parse_facets, parse_hits, parse_response, parse_total, search_body,
    stale_records_query,
)
from search.query import SearchQuery
from tests.search.conftest import all_records
from tests.search.corpus import A, RESTRICTED_B

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text("utf-8"))


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child)


# --- mapping

def test_mapping_folds_while_keeping_the_original_token():
    analysis = mapping()["settings"]["analysis"]
    text = analysis["analyzer"]["vi_text"]
    assert text["tokenizer"] == "standard"
    assert [analysis["filter"].get(f, {"type": f}) for f in text["filter"]] == [
        {"type": "lowercase"}, {"type": "asciifolding", "preserve_original": True}]
    assert analysis["analyzer"]["vi_folded"]["filter"] == ["lowercase", "asciifolding"]


def test_mapping_gives_every_searchable_text_a_folded_subfield():
    props = mapping()["mappings"]["properties"]
    for field in ("title", "metadata", "text"):
        assert props[field]["analyzer"] == "vi_text"
        assert props[field]["fields"]["folded"]["analyzer"] == "vi_folded"
    assert all(props[f]["type"] == "keyword" for f in ("kind", "organ_id", "type_name", "rights", "dossier_code"))


# --- documents

def test_document_body_carries_folded_filter_keys_and_lookup_keys():
    document = next(r for r in all_records() if r.number_notation == "04/2021/QĐ-UBND")
    body = document_body(document)
    assert body["keys"]["rights"] == "congkhai"
    assert body["keys"]["type_name"] == "quyetdinh"
    assert "04/2021/qd-ubnd" in body["keys"]["own"]
    assert body["sort_date"] == "2021-03-15" and body["year"] == 2021
    assert "Ban hành quy định" in body["metadata"]


# --- request bodies

def test_researcher_query_is_filtered_to_readable_records_before_scoring():
    body = search_body(SearchQuery(text="bạn"), Principal("r", "researcher"))
    visible = body["query"]["bool"]["must"][0]
    readable = visible["bool"]["filter"][0]["bool"]["should"]
    assert readable == [{"term": {"keys.rights": "congkhai"}}]
    assert not any("must_not" in n for n in _walk(body["query"]) if isinstance(n, dict))


def test_staff_and_granted_principals_widen_the_readable_filter():
    body = search_body(SearchQuery(), Principal("a", "archivist", A, granted={RESTRICTED_B}))
    readable = body["query"]["bool"]["must"][0]["bool"]["filter"][0]["bool"]["should"]
    assert {"terms": {"dossier_code": [RESTRICTED_B]}} in readable
    assert {"term": {"keys.organ_id": "000.00.00.h41"}} in readable


def test_auditor_matches_unreadable_records_on_metadata_only():
    body = search_body(SearchQuery(text="đê điều"), Principal("x", "auditor"))
    by_content, by_metadata = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert "must_not" in by_metadata["bool"]
    fields = {f for n in _walk(by_metadata) if isinstance(n, dict) for k in ("match",) if k in n for f in n[k]}
    assert fields == {"metadata", "metadata.folded"}
    content_fields = {f for n in _walk(by_content) if isinstance(n, dict) and "match" in n for f in n["match"]}
    assert {"text", "text.folded"} <= content_fields


def test_exact_form_is_boosted_above_the_folded_form():
    body = search_body(SearchQuery(text="bạn"), Principal("r", "researcher"))
    matches = [n["match"] for n in _walk(body["query"]) if isinstance(n, dict) and "match" in n]
    assert {"metadata": {"query": "bạn", "boost": 3.0}} in matches
    assert {"metadata.folded": {"query": "ban", "boost": 2.0}} in matches


def test_phrase_and_lookup_clauses():
    body = search_body(SearchQuery(text='"văn bản điện tử" 04/2021/QĐ-UBND'), Principal("r", "researcher"))
    nodes = [n for n in _walk(body["query"]) if isinstance(n, dict)]
    assert {"match_phrase": {"text.folded": {"query": "van ban dien tu", "boost": 1.0}}} in nodes
    assert {"term": {"keys.own": {"value": "04/2021/qd-ubnd", "boost": 20.0}}} in nodes


def test_filters_sort_pagination_facets_and_highlight():
    query = SearchQuery(agency=A, type_name="Quyết định", retention="Vĩnh viễn", year=2021,
                        date_to=date(2021, 6, 30), sort="date", page=3, per_page=20)
    body = search_body(query, Principal("r", "researcher"))
    assert body["query"]["bool"]["filter"] == [
        {"term": {"keys.organ_id": "000.00.00.h41"}}, {"term": {"keys.type_name": "quyetdinh"}},
        {"term": {"keys.maintenance": "vinhvien"}},
        {"range": {"sort_date": {"gte": "2021-01-01", "lte": "2021-06-30"}}}]
    assert body["sort"][0] == {"sort_date": {"order": "desc", "missing": "_last"}}
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert set(body["aggs"]) == {"agency", "type", "year", "retention", "rights", "direction", "kind"}
    assert body["highlight"]["pre_tags"] == ["<mark>"] and body["highlight"]["encoder"] == "html"
    assert "text" in body["_source"]["excludes"]


# --- recorded responses

def test_recorded_response_with_highlight_and_terms_aggregations():
    response = recorded("highlight_and_terms_aggregations.json")
    assert parse_total(response) == 1
    [(doc_id, score, source, highlight)] = parse_hits(response)
    assert (doc_id, score) == ("tt0111161", 7.637228)
    assert source["title"] == "The Shawshank Redemption"
    assert highlight["title"][0].startswith("The <ais-highlight-0000000000>Shawshank")
    facets = parse_facets(response)
    assert [(f.value, f.count) for f in facets["type"]] == [("movie", 1)]
    assert len(facets["actors"]) == 4 and {f.count for f in facets["actors"]} == {1}


def test_recorded_response_without_hits_has_empty_facets_and_skips_metric_aggregations():
    response = recorded("no_hits_empty_buckets.json")
    assert parse_total(response) == 0 and parse_hits(response) == []
    assert parse_facets(response) == {"actors": [], "imdbrating$_entries": [], "type": []}


def test_recorded_field_sorted_response_has_no_score():
    [(doc_id, score, _, highlight)] = parse_hits(recorded("sorted_by_field.json"))
    assert (doc_id, score, highlight) == ("1", None, {})


def test_snippet_of_an_unreadable_record_never_comes_from_its_content():
    highlight = {"text": ["kinh phí <mark>đê</mark> <mark>điều</mark>"], "metadata": ["Hồ sơ <mark>kế</mark> hoạch"]}
    assert choose_snippet(highlight, content_visible=False) == "Hồ sơ <mark>kế</mark> hoạch"
    assert choose_snippet(highlight, content_visible=True).startswith("kinh phí")
    assert choose_snippet({"text": ["x"]}, content_visible=False) == ""


def test_recorded_envelope_with_a_restricted_record_parses_without_leaking_content():
    response = recorded("highlight_and_terms_aggregations.json")
    record = next(r for r in all_records() if r.dossier_code == RESTRICTED_B and r.kind == "document")
    hit = response["hits"]["hits"][0]
    hit["_source"] = {k: v for k, v in document_body(record).items() if k not in ("text", "metadata", "keys")}
    hit["highlight"] = {"text.folded": ["công trình <mark>đê</mark> <mark>điều</mark>"]}
    results = parse_response(response, SearchQuery(text="de dieu"), Principal("x", "auditor"))
    assert results.total == 1 and results.hits[0].record.id == record.id
    assert not results.hits[0].content_visible and results.hits[0].snippet == ""
    assert results.facets["agency"] == [] and results.facets["type"][0].value == "movie"


def test_a_new_dossier_version_removes_only_the_records_it_no_longer_has():
    query = stale_records_query("X", ["X", "X.001"])
    assert query["bool"]["filter"] == [{"term": {"dossier_code": "X"}}]
    assert query["bool"]["must_not"] == [{"ids": {"values": ["X", "X.001"]}}]
    assert mapping()["mappings"]["properties"]["dossier_code"]["type"] == "keyword"   # term lookups are exact
