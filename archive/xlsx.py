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


def finish_table(sheet, header_row: int = 1, max_width: int = 60) -> None:
    """A sheet read as a table: bold header row kept in view, filters on it, columns as wide
    as their text (within ``max_width`` characters)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if sheet.max_row >= header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    for index, column in enumerate(sheet.iter_cols(min_row=header_row), start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max_width, max(10, longest + 2))
