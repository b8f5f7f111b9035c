"""Snippets with the matched words marked, from the stored original text.

Matching is on folded words, so ``dien tu`` marks ``điện tử`` in the text as written.
The output is HTML-escaped with ``<mark>`` around matches, the same markup the
Elasticsearch backend asks its highlighter for.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from html import escape

from archive.text import WORD, fold, nfc

PRE, POST = "<mark>", "</mark>"
_fold_word = lru_cache(maxsize=100_000)(fold)


@lru_cache(maxsize=256)
def _matcher(folded_words: frozenset[str]) -> re.Pattern:
    """The query's words as whole words (a word is what archive.text.WORD matches)."""
    alternatives = "|".join(map(re.escape, sorted(folded_words, key=len, reverse=True)))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _matches(text: str, folded_words: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each query word in ``text``."""
    folded = fold(text)
    if len(folded) == len(text):   # Vietnamese always: one folded character per character
        return [(m.start(), m.end(), m.group()) for m in _matcher(frozenset(folded_words)).finditer(folded)]
    return [(m.start(), m.end(), w) for m in WORD.finditer(text) if (w := _fold_word(m.group())) in folded_words]


Span = tuple[int, int, str]      # start, end, folded word


def snippet(text: str, folded_words: set[str], *, max_chars: int = 240,
            near: tuple[int, int] | None = None) -> str:
    """The window of ``text`` with the most distinct query words marked; "" if nothing matches
    (a hit found by its metadata alone shows no snippet).

    ``near`` (a character range where an index found the best matches) limits the search
    to that part of the text: a long text is then not read through."""
    text = nfc(text)
    spans = _spans(text, folded_words, max_chars, near)
    if not spans:
        return ""
    lo = window_start(text, spans[best_window(spans, max_chars)][0], max_chars)
    hi = min(len(text), lo + max_chars)
    body = " ".join(mark(text, spans, lo, hi).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _spans(text: str, folded_words: set[str], max_chars: int, near: tuple[int, int] | None) -> list[Span]:
    """The query words in ``text``, or only around ``near``: a word the range cuts is left out."""
    lo, hi = (max(0, near[0] - max_chars), near[1] + max_chars) if near else (0, len(text))
    part = text[lo:hi]
    return [(s + lo, e + lo, w) for s, e, w in (_matches(part, folded_words) if folded_words else [])
            if (s or not lo) and (e < len(part) or hi >= len(text))]


def best_window(spans: list[Span], max_chars: int) -> int:
    """Index of the span opening the window of ``max_chars`` that holds the most distinct query
    words, then the most matches (all of "chữ ký số", not ten times "số"); the first on a tie."""
    best, best_score, j, inside = 0, (0, 0), 0, Counter()
    for i, (start, _, _) in enumerate(spans):   # two pointers: spans[i:j] fit in one window
        while j < len(spans) and spans[j][1] - start <= max_chars:
            inside[spans[j][2]] += 1
            j += 1
        score = (len(inside), j - i)
        if score > best_score:
            best, best_score = i, score
        inside[spans[i][2]] -= 1
        if not inside[spans[i][2]]:
            del inside[spans[i][2]]
    return best


def window_start(text: str, first_match: int, max_chars: int) -> int:
    """Open the window a few words before its first match, at a word boundary."""
    lo = max(0, first_match - max_chars // 6)
    if lo > 0:
        space = text.find(" ", lo, first_match)
        lo = space + 1 if space >= 0 else first_match
    return lo


def mark(text: str, spans: list[Span], lo: int, hi: int) -> str:
    """``text[lo:hi]`` HTML-escaped, with the spans wholly inside it marked."""
    out, pos = [], lo
    for s, e, _ in spans:
        if s >= lo and e <= hi:
            out += [escape(text[pos:s]), PRE, escape(text[s:e]), POST]
            pos = e
    out.append(escape(text[pos:hi]))
    return "".join(out)
