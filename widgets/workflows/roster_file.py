"""Read a roster CSV into checked rows: one delegation per row, every bad row reported.

Reads UTF-8 (with or without BOM), Excel's semicolon CSV and Latin-1/CP1252
exports; headers are matched case-insensitively. Every bad row is reported at
once with its line number (RosterError); ``roster`` imports only a clean file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from ..core import committees, countries
from ..exceptions import RosterError, UnknownCommittee, UnknownCountry

# Accepted header names, after lower-casing and folding spaces.
COLUMNS = {
    "delegate": (
        "delegate",
        "delegates",
        "delegate name",
        "delegate names",
        "delegate name(s)",
        "name",
        "names",
        "student",
        "students",
        "student name",
    ),
    "school": ("school", "school name", "institution", "delegation school"),
    "committee": ("committee", "committee name"),
    "country": ("country", "delegation", "member state", "state", "country name"),
}
REQUIRED = ("delegate", "committee", "country")
MAX_FIELD = 500  # longer values are errors, not silently truncated


@dataclass(frozen=True)
class CountryQuestion:
    """A row whose country is not sure: what it says and the countries it may mean."""

    line: int
    written: str
    candidates: tuple[str, ...]  # ISO alpha-3, best first
    message: str  # the problem line, as the CLI prints it
    delegate: str = ""  # who the row is for, to tell the rows apart


# What the person chose for a question: (line, written) -> ISO alpha-3.
Choices = dict[tuple[int, str], str]


@dataclass(frozen=True)
class RosterRow:
    line: int
    committee: str
    country: str  # ISO alpha-3
    country_name: str
    delegate: str
    school: str


def decode(data: bytes) -> str:
    """Text of a CSV export: UTF-8 (BOM or not), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _header_key(name: str) -> str | None:
    folded = " ".join(name.strip().lower().replace("_", " ").split())
    for key, names in COLUMNS.items():
        if folded in names or (key == "delegate" and folded.startswith("delegate")):
            return key
    return None


def parse(data: bytes, source: str = "roster", choices: Choices | None = None) -> list[RosterRow]:
    """Validated rows of a roster file; RosterError lists every bad one.

    A country that is not sure (countries.lookup) is a CountryQuestion in the
    error, unless ``choices`` answers it for that line and that spelling.
    """
    text = decode(data)
    if not text.strip():
        raise RosterError(source, ["the file is empty"])
    reader, offset = _reader(text)
    keys = _header_keys(next(reader), offset, source)
    problems: list[str] = []
    questions: list[CountryQuestion] = []
    rows: list[RosterRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in _records(reader, keys, offset):
        row, row_problems = _validate(line, values, choices or {}, questions)
        problems += row_problems
        if row:
            first = seen.setdefault((row.committee, row.country), line)
            if first != line:
                problems.append(
                    f"line {line}: {row.country_name} is assigned twice in {row.committee} (also line {first})"
                )
            else:
                rows.append(row)
    if problems:
        raise RosterError(source, problems, questions)
    if not rows:
        raise RosterError(source, ["no delegations in the file"])
    return rows


def _reader(text: str) -> tuple[Iterator[list[str]], int]:
    """A CSV reader in the file's own delimiter, and how many lines it skipped (``sep=``)."""
    lines = io.StringIO(text)
    first = text.splitlines()[0]
    if first.lower().startswith("sep=") and len(first) == 5:
        # Excel's hint line, e.g. "sep=;": it names the delimiter.
        lines.readline()
        return csv.reader(lines, delimiter=first[4]), 1
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return csv.reader(lines, delimiter=delimiter), 0


def _header_keys(header: list[str], offset: int, source: str) -> list[str | None]:
    """The field each column holds (None for columns munbook does not read)."""
    keys = [_header_key(h) for h in header]
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise RosterError(
            source,
            [
                f"line {1 + offset}: no column for {', '.join(missing)} (found: {', '.join(h.strip() for h in header)})"
            ],
        )
    return keys


def _records(reader, keys: list[str | None], offset: int) -> Iterator[tuple[int, dict]]:
    """(line, values by field) of every non-blank record after the header."""
    last = reader.line_num
    for record in reader:
        # A quoted field may span lines: a record starts after the previous one.
        line, last = last + 1 + offset, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        values: dict[str, list[str]] = {}
        for key, cell in zip(keys, record, strict=False):  # short rows are fine
            if key:
                values.setdefault(key, []).append(cell.strip())
        yield line, values


def _validate(
    line: int, values: dict[str, list[str]], choices: Choices, questions: list[CountryQuestion]
) -> tuple[RosterRow | None, list[str]]:
    problems = []
    delegate = " & ".join(v for v in values.get("delegate", []) if v)
    school = " ".join(values.get("school", [""])).strip()
    committee_name = (values.get("committee") or [""])[0]
    country_name = (values.get("country") or [""])[0]
    for label, value in (("delegate", delegate), ("school", school), ("country", country_name)):
        if len(value) > MAX_FIELD:
            problems.append(
                f"line {line}: {label} is {len(value)} characters long (at most {MAX_FIELD})"
            )
        if any(ord(ch) < 32 for ch in value):
            problems.append(f"line {line}: {label} contains control characters or line breaks")
    if not delegate:
        problems.append(f"line {line}: no delegate name")
    committee = _find(committees.load, committee_name, "committee", line, problems)
    country = _country(line, country_name, choices, problems, questions, delegate)
    if committee and country and not country.is_member(committee.organisation):
        problems.append(f"line {line}: {country.name} is not a member of {committee.acronym}")
    if problems or not (committee and country):
        return None, problems
    return RosterRow(line, committee.key, country.alpha3, country.name, delegate, school), []


def _country(
    line: int,
    written: str,
    choices: Choices,
    problems: list[str],
    questions: list[CountryQuestion],
    delegate: str,
) -> countries.Country | None:
    """The row's country: as written when sure, as chosen when asked, else a question."""
    if not written:
        problems.append(f"line {line}: no country")
        return None
    try:
        return countries.lookup(choices.get((line, written), written))
    except UnknownCountry as exc:
        problems.append(f"line {line}: {exc}")
        questions.append(
            CountryQuestion(line, written, tuple(exc.codes), problems[-1], delegate[:80])
        )
        return None


def _find(lookup, name: str, label: str, line: int, problems: list[str]):
    """``lookup(name)``, or None with the reason added to ``problems``."""
    try:
        found = lookup(name) if name else None
    except (UnknownCommittee, UnknownCountry) as exc:
        problems.append(f"line {line}: {exc}")
        return None
    if found is None:
        problems.append(f"line {line}: no {label}")
    return found
