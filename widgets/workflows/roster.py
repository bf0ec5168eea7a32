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
from ..core import committees, countries
from ..core.csvsafe import dict_writer
from ..exceptions import MunbookError, RosterError, UnknownCommittee, UnknownCountry
from ..store import Store
from . import codes
from .codes import ensure_staff_codes

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
    updated: list[RosterRow] = field(default_factory=list)  # reassigned rows included
    unchanged: list[RosterRow] = field(default_factory=list)
    reassigned: list[str] = field(default_factory=list)  # one sentence per handover
    codes_file: Path | None = None  # the secretariat's file: every new code
    school_files: dict[str, Path] = field(default_factory=dict)  # school -> its new codes

    def summary(self) -> str:
        text = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        if self.codes_file:
            text += f"; new access codes written to {self.codes_file}"
        if self.school_files:
            text += f"; each school's codes to its own file ({len(self.school_files)} school(s))"
        if self.reassigned:
            text += f"\n{len(self.reassigned)} reassigned:" + "".join(
                f"\n  {line}" for line in self.reassigned
            )
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
    committee = _find(committees.load, committee_name, "committee", line, problems)
    country = _find(countries.lookup, country_name, "country", line, problems)
    if committee and country and not country.is_member(committee.organisation):
        problems.append(f"line {line}: {country.name} is not a member of {committee.acronym}")
    if problems or not (committee and country):
        return None, problems
    return RosterRow(line, committee.key, country.alpha3, country.name, delegate, school), []


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


REASSIGN_HINT = "use `munbook roster import --reassign` to hand it over"


def import_roster(
    path: str | Path, store: Store | None = None, *, reassign: bool = False
) -> ImportResult:
    """Import a roster file into the store; see the module docstring."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MunbookError(f"cannot read roster {path}: {exc.strerror}") from None
    return import_rows(parse(data, str(path)), store, reassign=reassign, source=str(path))


def import_rows(
    rows: list[RosterRow],
    store: Store | None = None,
    *,
    reassign: bool = False,
    source: str = "roster",
    hint: str = REASSIGN_HINT,
) -> ImportResult:
    """Create or update delegations and their codes, all in one transaction.

    A row that hands a delegation to someone else is refused (nothing imported)
    unless ``reassign``; then the old code is revoked and a new one issued, and the
    draft and submissions stay with the delegation.
    """
    store = store or Store()
    result = ImportResult()
    new_codes: list[dict[str, str]] = []
    with store.begin() as conn:
        existing = {(d.committee, d.country): d for d in store.delegations(conn=conn)}
        olds = {row.line: existing.get((row.committee, row.country)) for row in rows}
        handovers = [
            row for row in rows if olds[row.line] and codes.hands_over(olds[row.line], row)
        ]
        if handovers and not reassign:  # raising rolls the transaction back: nothing imported
            raise RosterError(source, [codes.refusal(r, olds[r.line], hint) for r in handovers])
        for row in rows:
            delegation_id = _store_row(store, conn, row, olds[row.line], result, row in handovers)
            if not store.has_code("delegate", row.committee, delegation_id, conn=conn):
                new_codes.append(
                    codes.delegate_code(
                        store,
                        conn,
                        delegation_id,
                        row.committee,
                        row.country_name,
                        row.delegate,
                        row.school,
                    )
                )
        new_codes += codes.ensure_advisor_codes(store, [row.school for row in rows], conn)
        for committee in sorted({row.committee for row in rows}):
            new_codes += ensure_staff_codes(store, committee, conn)
    refiled = codes.refile(store, rows, olds, {(r["committee"], r["country"]) for r in new_codes})
    if new_codes or refiled:
        result.codes_file, result.school_files = write_code_files(new_codes, refiled)
    return result


def _store_row(
    store: Store, conn, row: RosterRow, old, result: ImportResult, handover: bool
) -> int:
    """Insert or update one row's delegation; a handover also revokes the old code."""
    if old is not None and (old.delegate, old.school) == (row.delegate, row.school):
        result.unchanged.append(row)
        return old.id
    delegation_id, _ = store.upsert_delegation(
        row.committee, row.country, row.delegate, row.school, conn=conn
    )
    (result.created if old is None else result.updated).append(row)
    if old is None:
        return delegation_id
    if handover:
        store.revoke_codes("delegate", old.id, conn)
        result.reassigned.append(codes.handed(row, old))
    return old.id


def reissue_code(store: Store, delegation_id: int) -> tuple[str, Path, dict[str, Path]]:
    """Revoke a delegation's code and issue a new one: (code, secretariat file, school files)."""
    delegation = store.delegation(delegation_id)
    country_name = countries.lookup(delegation.country).name
    with store.begin() as conn:
        store.revoke_codes("delegate", delegation.id, conn)
        row = codes.delegate_code(
            store,
            conn,
            delegation.id,
            delegation.committee,
            country_name,
            delegation.delegate,
            delegation.school,
        )
    return (row["code"], *write_code_files([row]))


def write_code_files(
    new_codes: list[dict[str, str]], refiled: list[dict[str, str]] = ()
) -> tuple[Path | None, dict[str, Path]]:
    """The secretariat's file (every new code) and one file per school (its delegations' codes).

    ``refiled`` codes were issued before (they are in the secretariat's files already)
    and go to their school's file only.
    """
    main = write_codes(new_codes) if new_codes else None
    schools = {
        rows[0]["school"]: write_codes(rows, settings.school_access_dir(key))
        for key, rows in codes.by_school([*new_codes, *refiled]).items()
    }
    return main, schools


# The code stays last: readers (and people) take the last column as the code.
CODE_FIELDS = ["role", "committee", "country", "delegate", "school", "link", "workbook", "code"]


def write_codes(
    rows: list[dict[str, str]], folder: Path | None = None, public_url: str | None = None
) -> Path:
    """Write new codes once, with their links, to files only their owner can read.

    ``codes-<time>.csv`` holds every row; ``mail-merge-<time>.csv`` beside it (when
    there are delegate codes) the columns of codes.MAIL_MERGE_FIELDS. Returns the
    codes file's path.
    """
    folder = settings.ensure_dir(folder or settings.access_dir())
    linked = codes.with_links(rows, public_url)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"codes-{stamp}.csv"
    _write_private_csv(path, CODE_FIELDS, linked)
    merge = codes.mail_merge_rows(linked)
    if merge:
        _write_private_csv(folder / f"mail-merge-{stamp}.csv", codes.MAIL_MERGE_FIELDS, merge)
    return path


def _write_private_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with settings.private_file(path, text=True, exclusive=True) as fh:
        writer = dict_writer(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
