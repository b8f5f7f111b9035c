"""Snippets: the query's words marked as written, wherever in the text they are."""
from __future__ import annotations

import pytest

from search.highlight import best_window, mark, snippet, window_start

LONG = "Mở đầu. " + "Nội dung khác của văn bản. " * 200 + "Quy định về hồ sơ điện tử và lưu trữ điện tử. " + "Kết thúc. " * 50


def test_marks_the_folded_words_as_written():
    assert snippet("Hồ sơ ĐIỆN TỬ", {"dien", "tu"}) == "Hồ sơ <mark>ĐIỆN</mark> <mark>TỬ</mark>"


def test_a_hint_where_the_matches_are_gives_the_same_snippet():
    words = {"ho", "so", "dien", "tu"}
    at = LONG.index("hồ sơ")
    whole = snippet(LONG, words)
    assert "<mark>hồ</mark> <mark>sơ</mark> <mark>điện</mark> <mark>tử</mark>" in whole
    assert snippet(LONG, words, near=(at, at + 20)) == whole


def test_a_word_cut_by_the_hinted_range_is_not_marked():
    text = "x" * 300 + " khánh hòa " + "y" * 300
    at = text.index("ánh")          # the range starts inside "khánh": "anh" must not match there
    assert "<mark>" not in snippet(text, {"anh"}, near=(at + 240, at + 250))


def test_text_whose_folded_form_is_longer_still_marks_the_right_words():
    # "İ" lower-cases to two characters: positions come from the text itself then
    text = "İstanbul và hồ sơ điện tử"
    assert snippet(text, {"dien"}) == "İstanbul và hồ sơ <mark>điện</mark> tử"


# -- the pure parts of a snippet -------------------------------------------------------------

@pytest.mark.parametrize("spans, max_chars, expected", [
    ([(0, 3, "so")], 50, 0),
    ([(0, 2, "so"), (10, 12, "so"), (100, 102, "chu"), (105, 107, "ky"), (110, 112, "so")], 50, 2),  # distinct first
    ([(0, 2, "so"), (5, 7, "so"), (100, 102, "so")], 50, 0),          # then the most matches
    ([(0, 2, "a"), (100, 102, "b")], 50, 0),                          # a tie: the first
    ([(0, 2, "a"), (60, 62, "b"), (70, 72, "a")], 50, 1),             # a window never exceeds max_chars
    ([(0, 2, "a"), (48, 50, "b")], 50, 0),                            # a match ending on the edge fits
])
def test_best_window_holds_the_most_distinct_words_then_the_most_matches(spans, max_chars, expected):
    assert best_window(spans, max_chars) == expected


@pytest.mark.parametrize("text, first_match, max_chars, expected", [
    ("hồ sơ điện tử", 6, 240, 0),                    # near the start: from the start
    ("aaaa bbbb cccc dddd eeee", 20, 60, 15),        # back max_chars // 6 = 10, then to the next word
    ("a" * 30 + "match", 30, 60, 30),                # no space before it: the match opens the window
])
def test_window_start_opens_a_few_words_before_at_a_word_boundary(text, first_match, max_chars, expected):
    assert window_start(text, first_match, max_chars) == expected


@pytest.mark.parametrize("text, spans, lo, hi, expected", [
    ("a <b> c", [(0, 1, "a"), (6, 7, "c")], 0, 7, "<mark>a</mark> &lt;b&gt; <mark>c</mark>"),
    ("one two three", [(4, 7, "two")], 2, 9, "e <mark>two</mark> t"),
    ("one two three", [(8, 13, "three")], 0, 10, "one two th"),       # a span cut by the window stays unmarked
])
def test_mark_escapes_the_window_and_marks_the_spans_inside_it(text, spans, lo, hi, expected):
    assert mark(text, spans, lo, hi) == expected
