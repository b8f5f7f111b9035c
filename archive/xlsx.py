"""Rows of spreadsheets the archive writes (reports, transfer lists) from user data.

A title such as ``=HYPERLINK("http://…")`` submitted in a manifest must stay the text it is:
openpyxl stores any string starting with ``=`` as a formula, which the auditor's spreadsheet
program would then run. Every string cell is therefore typed as a string explicitly.
"""
from __future__ import annotations

from typing import Any, Iterable


def append_row(sheet, values: Iterable[Any]) -> None:
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
