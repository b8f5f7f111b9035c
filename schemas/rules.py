"""Rules of metadata.md that compare fields: dates, auto-fields, ordinals, notation, duplicates,
retention. Each rule is a small function yielding problems; ``check`` runs them all."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from schemas.autofill import Computed
from schemas.codelists import CodeLists, fold
from schemas.models import Dossier
from schemas.problems import Problem, problem

_NOTATION_YEAR = re.compile(r"^\d{4}/")


def _doc_path(i: int, field: str = "") -> str:
    return f"Documents/Document[{i + 1}]" + (f"/{field}" if field else "")


def check_dates(d: Dossier, today: date) -> Iterator[Problem]:
    start, end = d.StartDate, d.EndDate
    if start and end and start > end:
        yield problem("date_order", "StartDate", f"{start} > {end}", "StartDate must not be after EndDate",
                      start=start, end=end)
        start = end = None              # the range is meaningless: do not judge documents against it
    dated = [("StartDate", d.StartDate), ("EndDate", d.EndDate)]
    for i, doc in enumerate(d.Documents):
        for name in ("IssuedDate", "ArrivalDate"):
            value = getattr(doc, name)
            if value is None:
                continue
            dated.append((_doc_path(i, name), value))
            if start and end and not start <= value <= end:
                yield problem("date_outside_dossier", _doc_path(i, name), value,
                              "document dates lie within [StartDate, EndDate]", start=start, end=end)
    for path, value in dated:
        if value and value > today:
            yield problem("date_in_future", path, value, "dates must not be in the future", today=today)


def check_auto_fields(d: Dossier, c: Computed) -> Iterator[Problem]:
    given = d.FileCode
    if c.organ_known and given.OrganId and given.OrganId != c.organ_id:
        yield problem("organ_id_mismatch", "FileCode/OrganId", given.OrganId,
                      "OrganId is the submitting agency's identifier", expected=c.organ_id)
    if given.FileCatalog and c.file_catalog and given.FileCatalog != c.file_catalog:
        yield problem("file_catalog_mismatch", "FileCode/FileCatalog", given.FileCatalog,
                      "FileCatalog is the year of EndDate", expected=c.file_catalog)
    if d.DocTotal is not None and d.DocTotal != c.doc_total:
        yield problem("doc_total_mismatch", "DocTotal", d.DocTotal, "DocTotal is the number of documents",
                      expected=c.doc_total)
    for i, doc in enumerate(d.Documents):
        counted = c.page_amounts[i]
        if doc.PageAmount is not None and counted is not None and doc.PageAmount != counted:
            yield problem("page_amount_mismatch", _doc_path(i, "PageAmount"), doc.PageAmount,
                          "PageAmount is the page count of the main file", expected=counted)
    if d.PageTotal is not None and c.page_total is not None and d.PageTotal != c.page_total:
        yield problem("page_total_mismatch", "PageTotal", d.PageTotal,
                      "PageTotal is the sum of the documents' page counts", expected=c.page_total)


def check_ordinals(d: Dossier) -> Iterator[Problem]:
    given = [doc.DocOrdinal for doc in d.Documents]
    if all(o is None for o in given):
        return                          # computed by the archive
    n = len(given)
    if sorted(o or 0 for o in given) != list(range(1, n + 1)):
        shown = ", ".join("?" if o is None else str(o) for o in given)
        yield problem("doc_ordinal_sequence", "Documents", shown, "DocOrdinal runs 1..n without gaps or repeats",
                      expected=n)
        return
    in_order = sorted(range(n), key=lambda i: given[i])
    for prev, cur in zip(in_order, in_order[1:]):
        a, b = d.Documents[prev].IssuedDate, d.Documents[cur].IssuedDate
        if a and b and b < a:
            yield problem("doc_ordinal_order", _doc_path(cur, "DocOrdinal"), given[cur],
                          "DocOrdinal follows IssuedDate order")


def notation_abbreviation(notation: str) -> str:
    """``2021/QĐ-UBND`` -> ``QĐ``; ``UBND-VP`` -> ``UBND``."""
    return _NOTATION_YEAR.sub("", notation.strip()).split("-")[0].strip()


def check_notation(d: Dossier, cl: CodeLists) -> Iterator[Problem]:
    for i, doc in enumerate(d.Documents):
        if not (doc.TypeName and doc.CodeNotation):
            continue
        expected = cl.abbreviation(doc.TypeName)
        if expected is None:
            continue                    # a type not in Appendix III: nothing to compare
        found = fold(notation_abbreviation(doc.CodeNotation))
        if (expected and found != fold(expected)) or (not expected and found in cl.abbreviations):
            yield problem("notation_type_mismatch", _doc_path(i, "CodeNotation"), doc.CodeNotation,
                          "notation starts with the Appendix III abbreviation of TypeName", severity="warning",
                          type_name=doc.TypeName, expected=expected or "không có (ví dụ 123/UBND-VP)")


def check_duplicates(d: Dossier) -> Iterator[Problem]:
    seen: dict[tuple, int] = {}
    for i, doc in enumerate(d.Documents):
        if not (doc.CodeNumber and doc.CodeNotation and doc.OrganName):
            continue
        key = (fold(doc.CodeNumber).lstrip("0"), fold(doc.CodeNotation), fold(doc.OrganName))
        if key in seen:
            yield problem("duplicate_document", _doc_path(i), doc.number_and_notation,
                          "(CodeNumber, CodeNotation, OrganName) identifies one issued document",
                          severity="warning", other=_doc_path(seen[key]))
        else:
            seen[key] = i


def check_retention(d: Dossier, cl: CodeLists) -> Iterator[Problem]:
    if not (d.Title and d.Maintenance):
        return
    kind = cl.kind_of(d.Title)
    given, default = cl.retention_period(d.Maintenance), cl.retention_period(kind.default) if kind else None
    if not (given and default) or given.event or default.event or given.permanent:
        return
    if default.permanent or given.years < default.years:
        yield problem("retention_shorter_than_default", "Maintenance", d.Maintenance,
                      "retention not shorter than the schedule's default for the dossier's kind",
                      severity="warning", expected=default.value, kind=kind.kind)


def check(d: Dossier, computed: Computed, cl: CodeLists, today: date) -> list[Problem]:
    return [*check_dates(d, today), *check_auto_fields(d, computed), *check_ordinals(d),
            *check_notation(d, cl), *check_duplicates(d), *check_retention(d, cl)]
