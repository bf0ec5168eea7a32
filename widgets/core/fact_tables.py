"""A committee's own facts: where each country stands on the committee's instruments.

A committee file names its fact tables (``facts:``); each is a CSV in
data/committees/<committee>/ with one row per country and the columns
``country``, one per field the table declares (``signed``, ``ratified``,
``member``: yes, no, unknown or n/a), ``date`` (YYYY-MM-DD or empty),
``source`` (a URL, or empty for the table's own) and ``note``. A country
without a row is unknown: a blank is better than a wrong fact.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import UnknownCountry
from . import countries

MAX_BYTES = 256 * 1024  # a table of ~200 countries is about 15 KB
MAX_ROWS = 400
VALUES = ("yes", "no", "unknown", "n/a")
FIELDS = ("signed", "ratified", "member")
FIELD_LABELS = {"signed": "signed", "ratified": "ratified or acceded", "member": "member"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FactRow:
    """One country's row; ``values`` maps each declared field to yes/no/unknown/n/a."""

    country: str  # alpha-3
    values: dict[str, str]
    date: str = ""
    source: str = ""
    note: str = ""


def unknown_row(alpha3: str, fields: list[str]) -> FactRow:
    return FactRow(alpha3, dict.fromkeys(fields, "unknown"))


def _row(row: dict[str, str], fields: list[str], where: str, problems: list[str]) -> FactRow | None:
    before = len(problems)
    try:
        alpha3 = countries.lookup(row.get("country") or "").alpha3
    except UnknownCountry as exc:
        problems.append(f"{where}: country: {exc}")
        alpha3 = ""
    values = {}
    for name in fields:
        value = (row.get(name) or "").strip().lower()
        if value not in VALUES:
            problems.append(f"{where}: {name}: must be one of {', '.join(VALUES)}, not {value!r}")
        values[name] = value
    date, source = (row.get("date") or "").strip(), (row.get("source") or "").strip()
    if date and not _DATE.match(date):
        problems.append(f"{where}: date: must be a date like 2025-01-31 or empty, not {date!r}")
    if source and not source.startswith(("https://", "http://")):
        problems.append(f"{where}: source: must be a web address (https://...) or empty")
    if len(problems) > before:
        return None
    return FactRow(alpha3, values, date, source, (row.get("note") or "").strip())


def parse_table(text: str, fields: list[str], name: str) -> tuple[dict[str, FactRow], list[str]]:
    """The rows by alpha-3 code, and every problem as ``name line N: field: what``."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text))
    wanted = ["country", *fields, "date", "source", "note"]
    if reader.fieldnames != wanted:
        return {}, [f"{name} line 1: the columns must be {','.join(wanted)}"]
    rows: dict[str, FactRow] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(f"{name}: more than {MAX_ROWS} rows (one per country)")
            break
        row = _row(raw, fields, f"{name} line {number}", problems)
        if row is None:
            continue
        if row.country in rows:
            problems.append(f"{name} line {number}: country: {row.country} has a row already")
        rows[row.country] = row
    return rows, problems


def read_table(path: Path, fields: list[str]) -> tuple[dict[str, FactRow], list[str]]:
    """Read and check one fact table file (at most MAX_BYTES, UTF-8)."""
    name = f"{path.parent.name}/{path.name}"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return {}, [f"{name}: file not found"]
    if size > MAX_BYTES:
        return {}, [f"{name}: {size} bytes; a fact table may have at most {MAX_BYTES} bytes"]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return {}, [f"{name}: not UTF-8 text (byte {exc.start})"]
    return parse_table(text, fields, name)
