"""Snippets with the matched words marked, from the stored original text.

Matching is on folded words, so ``dien tu`` marks ``điện tử`` in the text as written.
The output is HTML-escaped with ``<mark>`` around matches, the same markup the
Elasticsearch backend asks its highlighter for.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from html import escape

from search.text import WORD, fold, nfc

PRE, POST = "<mark>", "</mark>"
_fold_word = lru_cache(maxsize=100_000)(fold)


def snippet(text: str, folded_words: set[str], *, max_chars: int = 240) -> str:
    """The window of ``text`` with the most matches, or its beginning if nothing matches."""
    text = nfc(text)
    spans = [(m.start(), m.end(), w) for m in WORD.finditer(text)
             if (w := _fold_word(m.group())) in folded_words]
    if not spans:
        return ""
    # best window: most distinct query words first (all of "chữ ký số", not ten times "số")
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
    start = spans[best][0]
    # open the window a few words before the first match, at a word boundary
    lo = max(0, start - max_chars // 6)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else start
    hi = min(len(text), lo + max_chars)
    out, pos = [], lo
    for s, e, _ in spans:
        if s >= lo and e <= hi:
            out += [escape(text[pos:s]), PRE, escape(text[s:e]), POST]
            pos = e
    out.append(escape(text[pos:hi]))
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
