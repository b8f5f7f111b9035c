"""One rule per Appendix VI field: the value read off the page, how sure, and where.

Confidence starts from how unambiguous the printed form was (a ``Số:`` line that parses is
surer than a type name guessed from a notation), is lowered when two readings disagree
(the title says one type, the notation's abbreviation another) and is scaled by the OCR
confidence of the words it came from. Values a rule cannot vouch for stay below 0.9, so
everything at 0.9 or above can be taken as read (``bench/draft_bench.py`` checks that).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingest.draft.layout import Line
from ingest.draft.regions import AUTHORITY_RE, DATE_RE, NUMBER_RE, Regions, fold, is_upper
from schemas.codelists import CodeLists


@dataclass(frozen=True)
class Proposal:
    value: object
    confidence: float
    where: list[dict]

    def as_dict(self) -> dict:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {"value": value, "confidence": round(self.confidence, 2), "where": self.where}


NOTHING = Proposal(None, 0.0, [])


def _read(value, confidence: float, lines: list[Line]) -> Proposal:
    """Scale by the OCR certainty of the weakest line used (1 for a text layer)."""
    ocr = min((ln.confidence for ln in lines), default=1.0)
    if ocr < 1.0:
        confidence *= 0.5 + 0.5 * max(0.0, (ocr - 0.6) / 0.4) if ocr < 0.96 else 0.97
    return Proposal(value, round(min(confidence, 1.0), 3), [ln.where() for ln in lines])


def _digits(text: str) -> str:
    """OCR letters that stand for digits in a number."""
    return text.translate(str.maketrans("OoIlSB", "001158"))


# --- number and notation ---------------------------------------------------------------------

_NOTATION_RE = re.compile(r"^(?P<number>[0-9OoIl]{1,7})\s*/\s*(?P<notation>[0-9A-Za-zĐđƠơƯư\-/. ]+?)\s*[.;,]?$")


def _split_number(regions: Regions) -> tuple[str, str, float] | None:
    line = regions.number
    if line is None:
        return None
    rest = NUMBER_RE.match(line.text).group("rest")
    rest = re.sub(r"\s*([/-])\s*", r"\1", rest).strip()
    m = _NOTATION_RE.match(rest)
    if not m:
        return None
    number, notation = _digits(m.group("number")), m.group("notation").replace(" ", "")
    sure = 0.97 if re.fullmatch(r"(\d{4}/)?[A-ZĐƯƠa-zđ]+(-[A-ZĐƯƠ0-9a-z]+)*", notation) else 0.75
    return number, notation, sure


def code_number(regions: Regions, lists: CodeLists) -> Proposal:
    split = _split_number(regions)
    if split is None:
        return NOTHING
    return _read(split[0], split[2], [regions.number])


def code_notation(regions: Regions, lists: CodeLists) -> Proposal:
    """``04/2021/QĐ-UBND`` → ``2021/QĐ-UBND`` (normative, with the year); ``123/UBND-VP`` as is."""
    split = _split_number(regions)
    if split is None:
        return NOTHING
    return _read(split[1], split[2], [regions.number])


def _abbreviation(notation: str | None) -> str | None:
    """The type abbreviation a notation starts with (after a normative document's year)."""
    if not notation:
        return None
    return re.sub(r"^\d{4}/", "", notation).split("-")[0]


# --- type ------------------------------------------------------------------------------------

def _type_names(lists: CodeLists) -> dict[str, tuple[str, str]]:
    """Folded printed heading → (TypeName, abbreviation)."""
    return {fold(key): (key[:1].upper() + key[1:], abbr) for key, abbr in lists.document_types.items()}


def type_name(regions: Regions, lists: CodeLists) -> Proposal:
    names = _type_names(lists)
    by_abbr = {abbr: name for name, abbr in names.values() if abbr}
    split = _split_number(regions)
    abbr = _abbreviation(split[1]) if split else None
    title = regions.title
    if title is not None and fold(title.text) in names:
        name, expected = names[fold(title.text)]
        agrees = abbr is None or abbr == expected or (not expected and abbr not in by_abbr)
        exact = title.text == name.upper()          # diacritics read as printed
        return _read(name, (0.97 if exact else 0.85) if agrees else 0.6, [title])
    if regions.letter_subject:
        # no type name printed, "V/v" under the number: an official letter (công văn)
        return _read("Công văn", 0.95 if abbr not in by_abbr else 0.6, [ln for ln in (regions.number,) if ln])
    if abbr in by_abbr:
        return _read(by_abbr[abbr], 0.7, [regions.number])
    return NOTHING


# --- date ------------------------------------------------------------------------------------

def issued_date(regions: Regions, lists: CodeLists) -> Proposal:
    """``Khánh Hòa, ngày 8 tháng 6 năm 2024`` or ``ngày 08 tháng 06 …``: leading zeros optional."""
    line = regions.date
    if line is None:
        return NOTHING
    m = DATE_RE.search(line.text)
    try:
        value = date(int(_digits(m["y"])), int(_digits(m["m"])), int(_digits(m["d"])))
    except ValueError:
        return NOTHING
    if value.year < 1945:                     # before the state's first documents: a misread
        return _read(value, 0.4, [line])
    clean = all(m[k].isdigit() for k in "dmy")
    return _read(value, 0.97 if clean else 0.8, [line])


# --- issuing agency --------------------------------------------------------------------------

_LOCALITY_RE = re.compile(r"^(TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN)\s+(.+)$")
_PARENT_RE = re.compile(r"^(UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\b\s*(.*)$")
# Organ words and how they are written in a name; the words after them are a proper name whose
# parts (split at "và", "-", ",") each start with a capital: "Sở Kế hoạch và Đầu tư".
_UNITS = {"SỞ": "Sở", "VĂN PHÒNG": "Văn phòng", "PHÒNG": "Phòng", "BAN": "Ban", "CHI CỤC": "Chi cục",
          "CỤC": "Cục", "TỔNG CỤC": "Tổng cục", "TRUNG TÂM": "Trung tâm", "BỘ": "Bộ", "VỤ": "Vụ",
          "THANH TRA": "Thanh tra", "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân", "ĐÀI": "Đài",
          "BAN QUẢN LÝ": "Ban Quản lý"}
_SELF_NAMED = {"VĂN PHÒNG", "THANH TRA"}        # "Văn phòng Ủy ban nhân dân tỉnh …": named after its parent


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def _proper_name(text: str) -> str:
    """``THÔNG TIN VÀ TRUYỀN THÔNG`` → ``Thông tin và Truyền thông``."""
    parts = re.split(r"(\s+VÀ\s+|\s*-\s*|,\s*)", text)
    out = []
    for part in parts:
        if re.fullmatch(r"\s+VÀ\s+", part):
            out.append(" và ")
        elif re.fullmatch(r"\s*-\s*|,\s*", part):
            out.append(part.lower())
        elif part:
            lower = part.lower()
            out.append(lower[:1].upper() + lower[1:])
    return "".join(out)


def _unit(text: str) -> tuple[str, str] | None:
    for word in sorted(_UNITS, key=len, reverse=True):
        if text == word or text.startswith(word + " "):
            return word, text[len(word):].strip()
    return None


def _locality(text: str) -> str | None:
    m = _LOCALITY_RE.match(text)
    return f"{m[1].lower()} {_title_words(m[2])}" if m else None


def _parent_locality(parent: str) -> tuple[str, str] | None:
    """``UBND TỈNH KHÁNH HÒA`` → (``Ủy ban nhân dân tỉnh Khánh Hòa``, ``tỉnh Khánh Hòa``)."""
    m = _PARENT_RE.match(parent)
    if not m:
        return None
    locality = _locality(m[2]) if m[2] else None
    return (f"Ủy ban nhân dân {locality}", locality) if locality else None


def organ_name(regions: Regions, lists: CodeLists) -> Proposal:
    lines = [ln for ln in regions.organ if ln.text.strip("-_ .")]
    if not lines:
        return NOTHING
    texts = [" ".join(ln.text.upper().replace("UỶ", "ỦY").split()) for ln in lines]
    split = next((i for i in range(1, len(texts)) if _unit(texts[i])), None)
    if split is None:
        whole = " ".join(texts)
        parent = _parent_locality(whole)
        if parent:                                    # the people's committee itself
            return _read(parent[0], 0.95, lines)
        unit = _unit(whole)
        if unit:
            return _read(f"{_UNITS[unit[0]]} {_proper_name(unit[1])}".strip(), 0.75, lines)
        return _read(_proper_name(whole), 0.5, lines)
    parent, organ = " ".join(texts[:split]), " ".join(texts[split:])
    word, rest = _unit(organ)
    within = _parent_locality(parent)
    if word in _SELF_NAMED and not rest and within:
        return _read(f"{_UNITS[word]} {within[0]}", 0.93, lines)
    name = f"{_UNITS[word]} {_proper_name(rest)}".strip()
    if within:
        return _read(f"{name} {within[1]}", 0.93 if word == "SỞ" else 0.85, lines)
    return _read(name, 0.7, lines)


# --- subject ---------------------------------------------------------------------------------

def subject(regions: Regions, lists: CodeLists) -> Proposal:
    lines = regions.subject
    if not lines:
        return NOTHING
    text = " ".join(ln.text for ln in lines)
    if regions.letter_subject:
        text = re.sub(r"^\s*V\s*/\s*v\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
        text = text[:1].upper() + text[1:]
    text = re.sub(r"\s+([,.;:])", r"\1", text).strip()
    return _read(text, 0.93 if len(lines) <= 4 else 0.8, lines)


# --- signer ----------------------------------------------------------------------------------

def _signer_parts(regions: Regions) -> tuple[list[Line], Line | None]:
    """(position lines, name line) of the signature block."""
    block = regions.signer
    names = [i for i, ln in enumerate(block) if not is_upper(ln.text) and _looks_like_name(ln.text)]
    if not names:
        return [], None
    name_at = names[0]
    upper = [ln for ln in block[:name_at] if is_upper(ln.text)]
    if regions.layout.kind in ("pdf", "scan"):
        upper = _unwrapped(upper)
    return upper, block[name_at]


def _unwrapped(lines: list[Line]) -> list[Line]:
    """Rejoin a line the column wrapped ("TM. ỦY BAN NHÂN DÂN KT. CHỦ" / "TỊCH"): a title is never
    one syllable, so a one-word line right under another continues it."""
    out = lines[:1]
    for ln in lines[1:]:
        before = out[-1]
        if len(ln.text.split()) == 1 and ln.box[1] - before.box[3] < before.height:
            out[-1] = Line(f"{before.text} {ln.text}", before.page,
                           (min(before.box[0], ln.box[0]), before.box[1], max(before.box[2], ln.box[2]), ln.box[3]),
                           min(before.confidence, ln.confidence), before.bold)
        else:
            out.append(ln)
    return out


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w[1:].islower() for w in words if w.isalpha()) \
        and all(w.isalpha() for w in words)


def _position_text(lines: list[Line]) -> tuple[str, float] | None:
    """The real position: ``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC`` → ``Phó Giám đốc``;
    ``KT. CHỦ TỊCH - PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``; ``GIÁM ĐỐC`` alone → ``Giám đốc``."""
    # "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH" on one line: the position follows the dash
    own = [ln.text.split(" - ")[-1] if " - " in ln.text else ln.text for ln in lines
           if not AUTHORITY_RE.match(ln.text) or " - " in ln.text]
    sure = 0.93
    if not own:
        if not lines:
            return None
        own, sure = [AUTHORITY_RE.sub("", lines[-1].text)], 0.6   # "TM. …" directly over the name
    text = " ".join(own)
    if " - " in text:
        text = text.split(" - ")[-1]
    text = AUTHORITY_RE.sub("", text).strip()
    words = text.lower().split()
    if not words:
        return None
    words[0] = words[0][:1].upper() + words[0][1:]
    if words[0] == "Phó" and len(words) > 1:
        words[1] = words[1][:1].upper() + words[1][1:]
    position = " ".join(words)
    for organ in ("văn phòng", "ủy ban nhân dân", "hội đồng nhân dân"):
        position = re.sub(rf"(?<=\S ){organ}", organ[:1].upper() + organ[1:], position)
    # a known title read with a mark missing or swapped (OCR: "Chủ tich") is that title
    return _POSITIONS.get(fold(position), position), sure


# Titles of signers in state agencies, as written in a manifest.
_POSITIONS = {fold(p): p for base in ("Chủ tịch", "Giám đốc", "Chánh Văn phòng", "Trưởng phòng", "Trưởng ban",
                                      "Chánh Thanh tra", "Cục trưởng", "Chi cục trưởng", "Bộ trưởng", "Hiệu trưởng",
                                      "Tổng cục trưởng", "Viện trưởng", "Chánh án", "Viện trưởng")
              for p in (base, f"Phó {base[:1].upper()}{base[1:]}")} | {fold(p): p for p in ("Thư ký", "Chủ tọa",
                                                                                            "Thứ trưởng")}


def signer_position(regions: Regions, lists: CodeLists) -> Proposal:
    upper, name = _signer_parts(regions)
    found = _position_text(upper)
    if found is None or name is None:
        return NOTHING
    return _read(found[0], found[1], upper)


def signer_name(regions: Regions, lists: CodeLists) -> Proposal:
    _, name = _signer_parts(regions)
    if name is None:
        return NOTHING
    return _read(" ".join(name.text.split()), 0.95, [name])


# --- pages and language ----------------------------------------------------------------------

def page_amount(regions: Regions, lists: CodeLists) -> Proposal:
    """Pages of a PDF or a scan; an office file is paged by the archive when it renders it."""
    pages = regions.layout.pages
    return Proposal(pages, 1.0, []) if pages else NOTHING


_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]")
_ENGLISH = re.compile(r"\b(the|and|of|to|for|with|this|that|is)\b", re.IGNORECASE)


def language(regions: Regions, lists: CodeLists) -> Proposal:
    text = " ".join(ln.text for ln in regions.layout.lines[:200])
    words = max(1, len(text.split()))
    vietnamese = len(_VIETNAMESE.findall(text)) / words
    english = len(_ENGLISH.findall(text)) / words
    if vietnamese > 0.3:
        return Proposal("vie", 0.97, [])
    if english > 0.08:
        return Proposal("eng", 0.85, [])
    return Proposal("vie", 0.5, []) if text.strip() else NOTHING


RULES = {
    "TypeName": type_name, "CodeNumber": code_number, "CodeNotation": code_notation,
    "IssuedDate": issued_date, "OrganName": organ_name, "Subject": subject,
    "SignerInfo.Position": signer_position, "SignerInfo.FullName": signer_name,
    "PageAmount": page_amount, "Language": language,
}
