"""Legacy Vietnamese encodings, to produce the mojibake the validator must recognise.

Written from the encodings' tables independently of ``schemas.legacy_encoding``, so that the samples
test the validator's tables rather than repeat them."""
from __future__ import annotations

import unicodedata

# TCVN 5712:1993 (TCVN3, "ABC"): one byte per letter; capitals with a tone mark have no code
# point (typists switched to the .VnTimeH capital font), so they are typed as small letters.
_TCVN3_LETTERS = ("àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
                  "ĂÂÊÔƠƯĐ")
_TCVN3_BYTES = bytes([
    0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6, 0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xAE,
    0xCC, 0xCE, 0xCF, 0xD0, 0xD1, 0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE,
    0xDF, 0xE1, 0xE2, 0xE3, 0xE4, 0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE,
    0xEF, 0xF1, 0xF2, 0xF3, 0xF4, 0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE,
    0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7])
TCVN3 = dict(zip(_TCVN3_LETTERS, _TCVN3_BYTES.decode("cp1252")))

# VNI Windows: base letter followed by a byte for the vowel mark and tone (ô = "oâ", ế = "eá").
_TONES = {"": 0, "\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_VNI_PLAIN = ("", "ù", "ø", "û", "õ", "ï")          # a, e, o, u, y and the horned ơ/ư
_VNI_HAT = ("â", "á", "à", "å", "ã", "ä")           # â, ê, ô
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")         # ă
_VNI_I = ("i", "í", "ì", "æ", "ó", "ò")             # i takes a single byte


def _vni_letter(ch: str) -> str:
    base, *marks = unicodedata.normalize("NFD", ch)
    if base.lower() == "đ" or ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    tone = _TONES[next((m for m in marks if m in _TONES), "")]
    upper = base.isupper()
    b = base.lower()
    if "\u0302" in marks:
        out = b + _VNI_HAT[tone]
    elif "\u0306" in marks:
        out = b + _VNI_BREVE[tone]
    elif "\u031b" in marks:
        out = {"o": "ô", "u": "ö"}[b] + _VNI_PLAIN[tone]
    elif b == "i":
        out = _VNI_I[tone]
    elif b == "y" and tone == 5:
        out = "î"
    else:
        out = b + _VNI_PLAIN[tone]
    return out.upper() if upper else out


def to_tcvn3(text: str) -> str:
    """How text typed in TCVN3 reads when its bytes are taken as Windows-1252."""
    return "".join(TCVN3.get(c, TCVN3.get(c.lower(), c)) for c in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """How text typed in VNI Windows reads when its bytes are taken as Windows-1252."""
    return "".join(_vni_letter(c) if not c.isascii() else c for c in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps ă â ê ô ơ ư đ precomposed but writes tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in parts if m in _TONES)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)
