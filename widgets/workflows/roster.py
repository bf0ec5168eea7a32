"""Import a roster CSV: one delegation and one access code per row.

Reads UTF-8 (with or without BOM), Excel's semicolon CSV and Latin-1/CP1252
exports; headers are matched case-insensitively. Every bad row is reported at
once with its line number, and nothing is imported until the file is clean.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import settings
from ..core import access, committees, countries
from ..exceptions import MunbookError, RosterError, UnknownCommittee, UnknownCountry
from ..store import Store
from ..store.schema import delegations

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
class RosterRow:
    line: int
    committee: str
    country: str  # ISO alpha-3
    country_name: str
    delegate: str
    school: str


@dataclass
class ImportResult:
    created: list[RosterRow] = field(default_factory=list)
    updated: list[RosterRow] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)
    codes_file: Path | None = None

    def summary(self) -> str:
        text = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        if self.codes_file:
            text += f"; new access codes written to {self.codes_file}"
        return text


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


def parse(data: bytes, source: str = "roster") -> list[RosterRow]:
    """Validated rows of a roster file; RosterError lists every bad one."""
    text = decode(data)
    if not text.strip():
        raise RosterError(source, ["the file is empty"])
    lines = io.StringIO(text)
    offset = 0  # lines before the header that the csv reader does not count
    first = text.splitlines()[0]
    if first.lower().startswith("sep=") and len(first) == 5:
        # Excel's hint line, e.g. "sep=;": it names the delimiter.
        delimiter = first[4]
        lines.readline()
        offset = 1
    else:
        try:
            delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)
    keys = [_header_key(h) for h in header]
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise RosterError(
            source,
            [
                f"line {1 + offset}: no column for {', '.join(missing)} (found: {', '.join(h.strip() for h in header)})"
            ],
        )
    problems: list[str] = []
    rows: list[RosterRow] = []
    seen: dict[tuple[str, str], int] = {}
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
        row, row_problems = _validate(line, values)
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
        raise RosterError(source, problems)
    if not rows:
        raise RosterError(source, ["no delegations in the file"])
    return rows


def _validate(line: int, values: dict[str, list[str]]) -> tuple[RosterRow | None, list[str]]:
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
    committee = country = None
    try:
        committee = committees.load(committee_name) if committee_name else None
        if committee is None:
            problems.append(f"line {line}: no committee")
    except UnknownCommittee as exc:
        problems.append(f"line {line}: {exc}")
    try:
        country = countries.lookup(country_name) if country_name else None
        if country is None:
            problems.append(f"line {line}: no country")
    except UnknownCountry as exc:
        problems.append(f"line {line}: {exc}")
    if committee and country and not country.is_member(committee.organisation):
        problems.append(f"line {line}: {country.name} is not a member of {committee.acronym}")
    if problems or not (committee and country):
        return None, problems
    return RosterRow(line, committee.key, country.alpha3, country.name, delegate, school), []


def import_roster(path: str | Path, store: Store | None = None) -> ImportResult:
    """Import a roster file into the store; see the module docstring."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MunbookError(f"cannot read roster {path}: {exc.strerror}") from None
    return import_rows(parse(data, str(path)), store)


def import_rows(rows: list[RosterRow], store: Store | None = None) -> ImportResult:
    """Create or update delegations and their codes, all in one transaction."""
    store = store or Store()
    result = ImportResult()
    new_codes: list[dict[str, str]] = []
    with store.begin() as conn:
        for row in rows:
            existing = conn.execute(
                delegations.select().where(
                    delegations.c.committee == row.committee, delegations.c.country == row.country
                )
            ).first()
            if existing is None:
                delegation_id = conn.execute(
                    delegations.insert().values(
                        committee=row.committee,
                        country=row.country,
                        delegate=row.delegate,
                        school=row.school,
                        created_at=datetime.now(UTC),
                    )
                ).inserted_primary_key[0]
                result.created.append(row)
            elif (existing.delegate, existing.school) != (row.delegate, row.school):
                conn.execute(
                    delegations.update()
                    .where(delegations.c.id == existing.id)
                    .values(delegate=row.delegate, school=row.school)
                )
                delegation_id = existing.id
                result.updated.append(row)
            else:
                delegation_id = existing.id
                result.unchanged.append(row)
            if not store.has_code("delegate", row.committee, delegation_id, conn=conn):
                code = access.new_code()
                store.add_code(code, "delegate", row.committee, delegation_id, conn=conn)
                new_codes.append(
                    {
                        "role": "delegate",
                        "committee": row.committee,
                        "country": row.country_name,
                        "delegate": row.delegate,
                        "school": row.school,
                        "code": code,
                    }
                )
        for committee in sorted({row.committee for row in rows}):
            new_codes += ensure_staff_codes(store, committee, conn)
    if new_codes:
        result.codes_file = write_codes(new_codes)
    return result


def ensure_staff_codes(store: Store, committee: str, conn=None) -> list[dict[str, str]]:
    """A chair code for the committee and an advisor code, where none exists yet."""
    made = []
    for role, scope in (("chair", committee), ("advisor", None)):
        if not store.has_code(role, scope, conn=conn):
            code = access.new_code()
            store.add_code(code, role, scope, conn=conn)
            made.append(
                {
                    "role": role,
                    "committee": scope or "",
                    "country": "",
                    "delegate": "",
                    "school": "",
                    "code": code,
                }
            )
    return made


CODE_FIELDS = ["role", "committee", "country", "delegate", "school", "code"]


def write_codes(codes: list[dict[str, str]]) -> Path:
    """Write new codes once, to a file only its owner can read; return its path."""
    folder = settings.ensure_dir(settings.access_dir())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"codes-{stamp}.csv"
    with settings.private_file(path, text=True, exclusive=True) as fh:
        writer = csv.DictWriter(fh, fieldnames=CODE_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(codes)
    return path
