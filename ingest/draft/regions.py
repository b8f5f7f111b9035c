"""Where each part of a Decree 30 document is printed (Appendix I), found from the line boxes.

Top left: the issuing agency under its parent, then ``Số: …``. Top right: the Quốc hiệu, the
motto, then ``<place>, ngày … tháng … năm …``. Below, centred: the type name in capitals and
the subject (or ``V/v …`` under the number for an official letter). Bottom right of the last
page: the signer's authority (``KT.``, ``TM.``, ``TL.``…), position, and after the space for
the signature, the name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.draft.layout import Layout, Line

NUMBER_RE = re.compile(r"^\s*S[ốôoóỐÔO]\s*(?:[:;.]|(?=\d))\s*(?P<rest>.*)$")
DATE_RE = re.compile(r"ng[àa]y\s*(?P<d>[0-9OoIl]{1,2})\s*th[áa]ng\s*(?P<m>[0-9OoIl]{1,2})"
                     r"\s*n[ăa]m\s*(?P<y>[0-9OoIl]{4})", re.IGNORECASE)
MOTTO_RE = re.compile(r"C[ỘO]NG\s*H[ÒO]A|[ĐD][ỘO]C\s*L[ẬA]P", re.IGNORECASE)
AUTHORITY_RE = re.compile(r"^\s*(KT|TM|TL|TUQ|Q)\s*[.,:]\s*", re.IGNORECASE)
LEFT_COLUMN = 0.48          # header column split, as a fraction of the page width


def fold(text: str) -> str:
    """Upper case without diacritics (OCR drops and swaps marks): for matching only."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).upper().split())


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


@dataclass
class Regions:
    layout: Layout
    organ: list[Line] = field(default_factory=list)       # top-left lines above the number
    number: Line | None = None
    date: Line | None = None
    title: Line | None = None
    subject: list[Line] = field(default_factory=list)
    letter_subject: bool = False                          # subject printed as "V/v …"
    signer: list[Line] = field(default_factory=list)      # bottom-right block, top to bottom
    body_start: float = 0.0


def _line_step(lines: list[Line]) -> float:
    heights = sorted(ln.height for ln in lines if ln.height > 0)
    return heights[len(heights) // 2] * 1.35 if heights else 0.02


def find_regions(layout: Layout) -> Regions:
    regions = Regions(layout)
    first = sorted(layout.page(1), key=lambda ln: (ln.box[1], ln.box[0]))
    if not first:
        return regions
    top = [ln for ln in first if ln.box[1] < 0.45]
    regions.number = next((ln for ln in top if NUMBER_RE.match(ln.text) and re.search(r"\d", ln.text)), None)
    regions.date = next((ln for ln in top if DATE_RE.search(ln.text)), None)
    header_bottom = max([ln.box[3] for ln in (regions.number, regions.date) if ln] +
                        [ln.box[3] for ln in top if MOTTO_RE.search(ln.text)], default=0.0)
    left_limit = regions.number.box[1] if regions.number else header_bottom
    regions.organ = [ln for ln in top if ln.center < LEFT_COLUMN and ln.box[1] < left_limit - 0.002
                     and not MOTTO_RE.search(ln.text) and not NUMBER_RE.match(ln.text)]
    below = [ln for ln in first if ln.box[1] > header_bottom - 0.002 and ln not in (regions.number, regions.date)]
    _title_and_subject(regions, first, below)
    regions.body_start = max([header_bottom] + [ln.box[3] for ln in regions.subject])
    _signer(regions)
    return regions


def _title_and_subject(regions: Regions, first: list[Line], below: list[Line]) -> None:
    step = _line_step(first)
    # an official letter: "V/v …" under the number (left column) or centred under the header
    start = next((i for i, ln in enumerate(below[:8]) if re.match(r"^\s*V\s*/\s*v\b", ln.text, re.IGNORECASE)), None)
    if start is None:
        title = next((i for i, ln in enumerate(below[:6]) if is_upper(ln.text) and len(ln.text) <= 40
                      and not MOTTO_RE.search(ln.text)), None)
        if title is None:
            return
        regions.title = below[title]
        start = title + 1
        # a title wrapped on two lines ("QUYẾT ĐỊNH" never does, "BẢN THỎA THUẬN …" may): keep the first
        while start < len(below) and is_upper(below[start].text) and len(below[start].text) <= 12:
            start += 1
    else:
        regions.letter_subject = True
    if start >= len(below):
        return
    column = below[start]
    subject = [column]
    for ln in below[start + 1:]:
        gap = ln.box[1] - subject[-1].box[3]
        same_column = abs(ln.center - column.center) < 0.08 or (regions.letter_subject and ln.center < LEFT_COLUMN
                                                                and column.center < LEFT_COLUMN)
        if gap > step * 0.9 or not same_column or not _centred(ln, first, regions.letter_subject):
            # the right header column can sit beside a letter's V/v line: skip it, keep looking
            if regions.letter_subject and ln.center >= LEFT_COLUMN and column.center < LEFT_COLUMN and gap < step:
                continue
            break
        subject.append(ln)
    regions.subject = subject


def _centred(line: Line, page: list[Line], left_column: bool) -> bool:
    """Centred text (a title, a subject) rather than a justified body line."""
    if left_column:
        return line.center < LEFT_COLUMN
    left = min(ln.box[0] for ln in page)
    right = max(ln.box[2] for ln in page)
    gap_left, gap_right = line.box[0] - left, right - line.box[2]
    return gap_left > 0.03 and gap_right > 0.03 and abs(gap_left - gap_right) < 0.06


def _signer(regions: Regions) -> None:
    """The signature block: lines in the right half below the body text of the last page that
    has one (the recipients list can run onto a page of its own)."""
    layout = regions.layout
    for number in sorted({ln.page for ln in layout.lines}, reverse=True):
        page = sorted(layout.page(number), key=lambda ln: (ln.box[1], ln.box[0]))
        body_floor = 0.0
        for ln in page:
            if re.match(r"^\s*N[ơo]i\s*nh[ậa]n", ln.text, re.IGNORECASE) and ln.box[1] > body_floor:
                break                         # the recipients list, beside or after the signature
            if ln.box[0] < 0.35 and ln.box[2] > 0.62 and (number > 1 or ln.box[1] > regions.body_start):
                body_floor = ln.box[3]        # the last line across the page: the body ends here
        block = [ln for ln in page if ln.box[1] >= body_floor - 0.001 and ln.box[0] >= 0.40 and ln.center > 0.55]
        anchor = next((i for i, ln in enumerate(block) if AUTHORITY_RE.match(ln.text)), None)
        if anchor is None:
            anchor = next((i for i, ln in enumerate(block) if is_upper(ln.text)), None)
        if anchor is not None:
            regions.signer = block[anchor:anchor + 8]
            return
