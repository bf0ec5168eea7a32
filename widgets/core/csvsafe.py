"""CSV writers that neutralise formulas: every CSV munbook writes goes through here.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``), and some read a leading
tab or carriage return the same way. OWASP's rule: prefix such a cell with a
single quote, which the spreadsheet shows as text. Only text cells are
touched: numbers munbook writes stay numbers. Rows end in CRLF (RFC 4180):
the csv module quotes a cell only for the characters of the line ending, so
with CRLF a carriage return inside a cell is quoted instead of splitting the row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading single quote if it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, fh, **options: Any):
        self._writer = csv.writer(fh, **{**options, "lineterminator": "\r\n"})

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose rows (and header) are neutralised cell by cell."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: neutralise(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def writer(fh, **options: Any) -> SafeWriter:
    return SafeWriter(fh, **options)


def dict_writer(fh, fieldnames: list[str], **options: Any) -> SafeDictWriter:
    return SafeDictWriter(fh, fieldnames=fieldnames, **{**options, "lineterminator": "\r\n"})
