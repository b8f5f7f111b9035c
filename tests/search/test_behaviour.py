"""One behavioural suite for every search backend (embedded always, Elasticsearch when
LUUTRU_ELASTICSEARCH_URL is set): what a user finds, in what order, and what they may see."""
from __future__ import annotations

import unicodedata

import pytest

from archive.access import Principal
from search.query import SearchQuery
from tests.search.corpus import A, B, OPEN_A, OPEN_B, RESTRICTED_A, RESTRICTED_B

ADMIN = Principal("root", "admin")


def find(index, text="", principal=ADMIN, **kw):
    return index.search(SearchQuery(text=text, **kw), principal)


def ids(results):
    return [h.record.id for h in results.hits]


def dossiers_of(results):
    return {h.record.dossier_code for h in results.hits}


def facet(results, name):
    return {f.value: f.count for f in results.facets[name]}


ARCHIVIST_A = Principal("an", "archivist", A)
RESEARCHER = Principal("reader", "researcher")


# --- Vietnamese matching

@pytest.mark.parametrize("query", ["hồ sơ lưu trữ", "ho so luu tru", "HO SO LUU TRU"])
def test_query_with_or_without_diacritics_finds_the_same_records(archive_index, query):
    # the document's text, and its dossier through the list of its documents' subjects
    assert set(ids(find(archive_index, query, RESEARCHER))) == {f"{OPEN_A}.001", OPEN_A}


def test_d_with_stroke_folds_to_d(archive_index):
    with_diacritics = find(archive_index, "điện tử", RESEARCHER)
    assert ids(find(archive_index, "dien tu", RESEARCHER)) == ids(with_diacritics)
    assert f"{OPEN_A}.001" in ids(with_diacritics)


def test_exact_diacritics_rank_above_folded_matches(archive_index):
    results = find(archive_index, "bạn", RESEARCHER)
    ranked = ids(results)
    assert ranked[0] == f"{OPEN_A}.002"                     # "bạn đọc"
    assert {f"{OPEN_B}.001", f"{OPEN_B}.002"} <= set(ranked)  # "bán" folds to the same word
    assert results.hits[0].score > results.hits[1].score


def test_query_without_diacritics_finds_both_spellings(archive_index):
    assert {f"{OPEN_A}.002", f"{OPEN_B}.001"} <= set(ids(find(archive_index, "ban", RESEARCHER)))


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_query_normal_form_does_not_matter(archive_index, form):
    query = unicodedata.normalize(form, "văn bản điện tử")
    assert ids(find(archive_index, query, RESEARCHER)) == ids(find(archive_index, "văn bản điện tử", RESEARCHER))


def test_nfd_text_is_found_like_nfc_text(fresh_index):
    from search.records import Record
    text = unicodedata.normalize("NFD", "Biên bản nghiệm thu công trình thủy lợi")
    fresh_index.index([Record(id="X.001", kind="document", dossier_code="X", organ_id=A, rights="Công khai",
                              title=text, text=text)])
    assert ids(find(fresh_index, "thủy lợi", RESEARCHER)) == ["X.001"]


def test_phrase_query_needs_the_words_in_order(archive_index):
    phrase = find(archive_index, '"văn bản điện tử"', RESEARCHER)
    assert f"{OPEN_A}.001" in ids(phrase)
    assert ids(find(archive_index, '"điện tử văn bản"', RESEARCHER)) == []
    # the same records; their order may differ, since matching diacritics adds to the score
    assert sorted(ids(find(archive_index, '"van ban dien tu"', RESEARCHER))) == sorted(ids(phrase))


def test_long_phrases_match_whole_and_in_order_only(fresh_index):
    from search.records import Record
    fresh_index.index([
        Record(id="X.001", kind="document", dossier_code="X", organ_id=A, rights="Công khai",
               title="Quy chế", text="Quy chế quản lý văn bản đi và đến của cơ quan"),
        Record(id="X.002", kind="document", dossier_code="X", organ_id=A, rights="Công khai",
               title="Quy chế", text="Quy chế quản lý văn thư và bản đi đến"),
    ])
    def found(phrase):
        return [i for i in ids(find(fresh_index, phrase, RESEARCHER)) if i.startswith("X.")]
    assert found('"quản lý văn bản đi"') == ["X.001"]      # five words
    assert found('"quan ly van ban di va den"') == ["X.001"]
    assert found('"quản lý văn bản đến"') == []            # a word in between


def test_a_phrase_never_spans_the_metadata_and_the_text(fresh_index):
    from search.records import Record
    fresh_index.index([Record(id="X.001", kind="document", dossier_code="X", organ_id=A, rights="Công khai",
                              title="Quy chế quản lý văn bản", text="điện tử hóa hồ sơ")])
    assert "X.001" in ids(find(fresh_index, '"quản lý văn bản"', RESEARCHER))
    assert "X.001" in ids(find(fresh_index, '"dien tu hoa"', RESEARCHER))
    assert "X.001" not in ids(find(fresh_index, '"văn bản điện tử"', RESEARCHER, per_page=100))


# --- lookups

@pytest.mark.parametrize("number", ["04/2021/QĐ-UBND", "04/2021/QD-UBND", "04/2021/qđ-ubnd"])
def test_number_and_notation_finds_the_document_first(archive_index, number):
    assert ids(find(archive_index, number, RESEARCHER))[0] == f"{OPEN_A}.001"


def test_official_letter_number_is_looked_up(archive_index):
    assert ids(find(archive_index, "123/UBND-VP", RESEARCHER))[0] == f"{OPEN_A}.002"


def test_dossier_code_finds_the_dossier_first_then_its_documents(archive_index):
    found = ids(find(archive_index, OPEN_B, RESEARCHER))
    assert found[0] == OPEN_B
    assert set(found) == {OPEN_B, f"{OPEN_B}.001", f"{OPEN_B}.002"}


def test_document_archival_code_finds_that_document(archive_index):
    assert ids(find(archive_index, f"{OPEN_A}.002", RESEARCHER))[0] == f"{OPEN_A}.002"


# --- filters, facets, sort, pagination

def test_filters_narrow_by_agency_type_direction_rights_and_retention(archive_index):
    assert dossiers_of(find(archive_index, agency=B)) == {OPEN_B, RESTRICTED_B}
    assert ids(find(archive_index, type_name="Quyết định")) == [f"{OPEN_A}.001"]
    assert ids(find(archive_index, direction="incoming")) == [f"{OPEN_B}.001"]
    assert dossiers_of(find(archive_index, rights="cong khai")) == {OPEN_A, OPEN_B}
    assert dossiers_of(find(archive_index, retention="Vĩnh viễn")) == {OPEN_A}
    assert ids(find(archive_index, kind="dossier", agency=A, retention="10 nam")) == [RESTRICTED_A]


def test_year_and_date_range_filters(archive_index):
    assert dossiers_of(find(archive_index, year=2019)) == {OPEN_B}
    from datetime import date
    within = find(archive_index, kind="document", date_from=date(2021, 3, 16), date_to=date(2022, 12, 31))
    assert set(ids(within)) == {f"{OPEN_A}.002", f"{RESTRICTED_B}.001"}


def test_facets_count_the_whole_result_set(archive_index):
    results = find(archive_index, kind="document")
    assert results.total == 6
    assert facet(results, "agency") == {A: 3, B: 3}
    assert facet(results, "type") == {"Quyết định": 1, "Công văn": 1, "Kế hoạch": 1, "Thông báo": 1, "Báo cáo": 2}
    assert facet(results, "direction") == {"outgoing": 3, "incoming": 1, "internal": 2}
    assert facet(results, "year") == {"2019": 2, "2020": 1, "2021": 2, "2022": 1}
    assert facet(results, "rights") == {"Công khai": 4, "Hạn chế": 2}


def test_sort_by_date_puts_the_newest_first(archive_index):
    dates = [h.record.issued_date for h in find(archive_index, kind="document", sort="date").hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 6


def test_pages_split_the_results_without_overlap(archive_index):
    pages = [find(archive_index, sort="date", per_page=4, page=p) for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [4, 4, 2]
    assert all(p.total == 10 and p.pages == 3 for p in pages)
    seen = [i for p in pages for i in ids(p)]
    assert len(set(seen)) == 10


def test_snippets_mark_the_matched_words_as_written(archive_index):
    hit = find(archive_index, "luu tru dien tu", RESEARCHER).hits[0]
    assert "<mark>lưu</mark> <mark>trữ</mark> <mark>điện</mark> <mark>tử</mark>" in hit.snippet


def test_hits_do_not_carry_full_text(archive_index):
    assert all(h.record.text == "" for h in find(archive_index, "bán").hits)


# --- access: role × agency × rights

LEAK = "đê điều"   # in restricted text of both agencies, in no metadata
MATRIX = [
    (Principal("r", "researcher"), {OPEN_A, OPEN_B}),
    (Principal("r", "researcher", A), {OPEN_A, OPEN_B}),           # an agency id alone grants nothing
    (Principal("r", "researcher", granted={RESTRICTED_B}), {OPEN_A, OPEN_B, RESTRICTED_B}),
    (Principal("a", "archivist", A), {OPEN_A, OPEN_B, RESTRICTED_A}),
    (Principal("a", "archivist", B), {OPEN_A, OPEN_B, RESTRICTED_B}),
    (Principal("c", "council", A), {OPEN_A, OPEN_B, RESTRICTED_A}),
    (Principal("h", "agency_head", B), {OPEN_A, OPEN_B, RESTRICTED_B}),
    (Principal("x", "auditor"), {OPEN_A, OPEN_B, RESTRICTED_A, RESTRICTED_B}),
    (Principal("x", "admin"), {OPEN_A, OPEN_B, RESTRICTED_A, RESTRICTED_B}),
]
READABLE = {  # whose restricted content (not just metadata) each principal may read
    0: set(), 1: set(), 2: {RESTRICTED_B}, 3: {RESTRICTED_A}, 4: {RESTRICTED_B}, 5: {RESTRICTED_A},
    6: {RESTRICTED_B}, 7: set(), 8: set(),
}


@pytest.mark.parametrize("row", range(len(MATRIX)), ids=[f"{p.role}-{p.organ_id}-{sorted(p.granted)}" for p, _ in MATRIX])
def test_access_matrix_totals_and_facets(archive_index, row):
    principal, visible = MATRIX[row]
    everything = find(archive_index, principal=principal, per_page=100)
    assert dossiers_of(everything) == visible
    assert everything.total == len(everything.hits)
    assert sum(facet(everything, "kind").values()) == everything.total
    assert sum(facet(everything, "rights").values()) == everything.total
    hidden_agencies = {A: {OPEN_A, RESTRICTED_A}, B: {OPEN_B, RESTRICTED_B}}
    for agency, codes in hidden_agencies.items():
        assert facet(everything, "agency").get(agency, 0) == sum(
            1 for h in everything.hits if h.record.dossier_code in codes)


@pytest.mark.parametrize("row", range(len(MATRIX)), ids=[f"{p.role}-{p.organ_id}-{sorted(p.granted)}" for p, _ in MATRIX])
def test_restricted_content_never_leaks_through_results_counts_facets_or_snippets(archive_index, row):
    principal, _ = MATRIX[row]
    results = find(archive_index, LEAK, principal, per_page=100)
    assert dossiers_of(results) == READABLE[row]
    assert results.total == len(results.hits)
    assert sum(facet(results, "agency").values()) == results.total
    for hit in results.hits:
        assert "<mark>đê</mark> <mark>điều</mark>" in hit.snippet


def test_auditor_finds_restricted_records_by_metadata_without_their_content(archive_index):
    results = find(archive_index, "thanh tra nội bộ", Principal("x", "auditor"))
    assert dossiers_of(results) == {RESTRICTED_B}
    for hit in results.hits:
        assert not hit.content_visible
        assert "đê" not in hit.snippet and "lụt" not in hit.snippet


# --- lifecycle

def test_destroyed_dossier_disappears_at_once(fresh_index):
    assert fresh_index.delete_dossier(OPEN_B) == 3
    assert find(fresh_index, "bán đấu giá").total == 0
    assert OPEN_B not in dossiers_of(find(fresh_index, per_page=100))
    assert B in facet(find(fresh_index), "agency")            # the other dossier of B is still there
    assert fresh_index.delete_dossier(OPEN_B) == 0


def test_reindexing_a_record_replaces_it(fresh_index):
    from tests.search.conftest import all_records
    fresh_index.index(all_records())
    assert find(fresh_index).total == 10


def test_nfd_metadata_lands_in_the_same_facet_as_nfc(fresh_index):
    from search.records import Record
    nfd = unicodedata.normalize("NFD", "Quyết định")
    fresh_index.index([Record(id="Y.001", kind="document", dossier_code="Y", organ_id=A, rights="Công khai",
                              type_name=nfd, title="Quyết định khen thưởng")])
    assert facet(find(fresh_index, type_name="Quyết định"), "type") == {"Quyết định": 2}
