"""Snippets: the query's words marked as written, wherever in the text they are."""
from __future__ import annotations

from search.highlight import snippet

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
