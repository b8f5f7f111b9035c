"""Snippets with the matched words marked, from the stored original text.

Matching is on folded words, so ``dien tu`` marks ``điện tử`` in the text as written.
The output is HTML-escaped with ``<mark>`` around matches, the same markup the
Elasticsearch backend asks its highlighter for.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape

from search.text import WORD, fold, nfc

PRE, POST = "<mark>", "</mark>"
_fold_word = lru_cache(maxsize=100_000)(fold)


def snippet(text: str, folded_words: set[str], *, max_chars: int = 240) -> str:
    """The window of ``text`` with the most matches, or its beginning if nothing matches."""
    text = nfc(text)
    spans = [(m.start(), m.end()) for m in WORD.finditer(text) if _fold_word(m.group()) in folded_words]
    if not spans:
        return ""
    best, best_count, j = 0, 0, 0
    for i, (start, _) in enumerate(spans):   # two pointers: spans[i:j] fit in one window
        j = max(j, i)
        while j < len(spans) and spans[j][1] - start <= max_chars:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    start = spans[best][0]
    # open the window a few words before the first match, at a word boundary
    lo = max(0, start - max_chars // 6)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else start
    hi = min(len(text), lo + max_chars)
    out, pos = [], lo
    for s, e in spans:
        if s >= lo and e <= hi:
            out += [escape(text[pos:s]), PRE, escape(text[s:e]), POST]
            pos = e
    out.append(escape(text[pos:hi]))
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
