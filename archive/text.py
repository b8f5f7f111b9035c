"""Vietnamese text normalisation shared by every backend, the highlighter and the tests.

Two forms of each searchable text are indexed: *exact* (NFC, lower case: ``bạn`` stays
``bạn``) and *folded* (no diacritics, ``đ`` → ``d``: ``bạn`` and ``bán`` both become
``ban``). A query matches on the folded form and scores higher where the exact form also
matches, so ``bạn`` ranks above ``bán`` while ``ban`` still finds both.
"""
from __future__ import annotations

import re
import unicodedata

# Combining marks left by NFD. đ/Đ (and the look-alike Ð often typed for Đ) are letters of
# their own, not decomposed by NFD: replaced apart.
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
WORD = re.compile(r"[^\W_]+")  # letters and digits, as the index tokenizers split


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def exact(text: str) -> str:
    """NFC and lower case: what the exact field holds."""
    return nfc(text).lower()


def fold(text: str) -> str:
    """Lower case without diacritics: ``Đơn vị lưu trữ`` → ``don vi luu tru``."""
    # whole-string C operations: this runs over every indexed full text
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower().replace("đ", "d").replace("ð", "d")


def words(text: str) -> list[str]:
    """Exact-form words of a text, in order (the tokenizer every backend agrees with)."""
    return WORD.findall(exact(text))


def key(value: str) -> str:
    """Lookup key of a number-and-notation or a code: folded, case- and spacing-insensitive.

    ``04/2021/QĐ-UBND``, ``04/2021/qd-ubnd`` and ``04 / 2021 / QD-UBND`` share one key.
    """
    return re.sub(r"\s+", "", fold(nfc(value)))
