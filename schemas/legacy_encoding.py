"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC) and VNI, seen as mojibake.

Before Unicode (TCVN 6909:2001) Vietnamese was typed with 8-bit fonts: TCVN3 (.VnTime,
one byte per letter) and VNI (VNI-Times, a base letter followed by a mark byte). When such
text is copied out of an old document it arrives as Latin-1 letters: ``QuyÕt ®Þnh``
(TCVN3) or ``Quyeát ñònh`` (VNI) for ``Quyết định``. ``detect`` recognises both from
characters Vietnamese Unicode text never contains, and ``convert`` gives the real text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# TCVN3 (ABC): the byte of each Vietnamese letter, shown as the Latin-1 character it becomes.
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ "
    "×ì Ýí Øỉ Üĩ Þị ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ ïù óú ñủ òũ ôụ "
    "\u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ ¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
TCVN3 = {p[0]: p[1] for p in _TCVN3_PAIRS.split(" ")}

# Characters that are not letters of Vietnamese (nor of most Latin-script languages) but
# are TCVN3 codes of common Vietnamese letters.
_TCVN3_STRONG = set("µ¶·¸¹¨©ª«¬\u00ad®»¼½¾×Þþ¡¢£¤¥¦§ÆÇËÎÏÐÑ÷")

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)


def _letter(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _vni_table() -> dict[str, str]:
    """VNI-Windows: base letter + mark byte(s) -> Unicode letter, both cases."""
    table: dict[str, str] = {}
    plain_marks = "ùøûõï"                 # sắc huyền hỏi ngã nặng after a, e, o, u, y, ơ, ư
    hat_marks = "áàåãä"                   # the same tones after â, ê, ô (circumflex written â)
    breve_marks = "éèúüë"                 # the same tones after ă (breve written ê)
    for lower in (True, False):
        case = str.lower if lower else str.upper
        for base in "aeouy":
            for mark, tone in zip(plain_marks, _TONES):
                table[case(base) + case(mark)] = case(_letter(base, tone))
        for base in "aeo":
            table[case(base) + case("â")] = case(_letter(base, "\u0302"))
            for mark, tone in zip(hat_marks, _TONES):
                table[case(base) + case(mark)] = case(_letter(base, "\u0302", tone))
        table[case("aê")] = case("ă")
        for mark, tone in zip(breve_marks, _TONES):
            table[case("a") + case(mark)] = case(_letter("ă", tone))
        for vni_base, base in (("ô", "ơ"), ("ö", "ư")):
            table[case(vni_base)] = case(base)
            for mark, tone in zip(plain_marks, _TONES):
                table[case(vni_base) + case(mark)] = case(_letter(base, tone))
        for mark, tone in zip("íìæóò", _TONES):
            table[case(mark)] = case(_letter("i", tone))
        table[case("î")] = case("ỵ")
        table[case("ñ")] = case("đ")
    return table


VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))
# Mark bytes that are not Vietnamese letters, and pairs no Vietnamese Unicode word contains.
_VNI_STRONG_RE = re.compile("[øûïåäëüæöñîØÛÏÅÄËÜÆÖÑÎ]|[aeoAEO][âÂ]|[aA][êÊéÉèÈ]|[eE][áÁàÀãÃ]|[aeiouyAEIOUY][ùÙ]")

# Letters only Unicode Vietnamese has (not Latin-1): their presence means the text is Unicode.
_VIETNAMESE_UNICODE_RE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_WEAK_TCVN3_RE = re.compile("[äåæçëîïñöøûüßÖØÜ]|(?<=[a-z])[ÒÓÔÕÌÝ]")


@dataclass(frozen=True)
class LegacyText:
    encoding: str        # "TCVN3" or "VNI"
    converted: str


def tcvn3_to_unicode(text: str) -> str:
    return "".join(TCVN3.get(c, c) for c in text)


def vni_to_unicode(text: str) -> str:
    return _VNI_RE.sub(lambda m: VNI[m.group(0)], text)


def _changes(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))


def detect(text: str) -> LegacyText | None:
    """The legacy encoding ``text`` was typed in, with its Unicode form; None if it is Unicode."""
    if not text or text.isascii() or _VIETNAMESE_UNICODE_RE.search(text):
        return None
    candidates = []
    tcvn3_strong = sum(c in _TCVN3_STRONG for c in text)
    if tcvn3_strong >= 2 or (tcvn3_strong == 1 and _WEAK_TCVN3_RE.search(text)):
        candidates.append((tcvn3_strong, "TCVN3", tcvn3_to_unicode(text)))
    vni_strong = len(_VNI_STRONG_RE.findall(text))
    if vni_strong:
        converted = vni_to_unicode(text)
        if vni_strong >= 2 or _changes(text, converted) >= 2:
            candidates.append((vni_strong, "VNI", converted))
    if not candidates:
        return None
    _, encoding, converted = max(candidates)
    return LegacyText(encoding, unicodedata.normalize("NFC", converted))
