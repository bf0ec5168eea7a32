"""Import a roster CSV: one delegation and one access code per row.

The file is read and checked by ``roster_file`` (every bad row reported at
once); nothing is imported until the file is clean, and then all of it in one
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import settings
from ..core import countries
from ..core.csvsafe import dict_writer
from ..exceptions import MunbookError, RosterError
from ..store import Store
from . import codes
from .codes import ensure_staff_codes
from .roster_file import RosterRow, parse


@dataclass
class ImportResult:
    created: list[RosterRow] = field(default_factory=list)
    updated: list[RosterRow] = field(default_factory=list)  # reassigned rows included
    unchanged: list[RosterRow] = field(default_factory=list)
    reassigned: list[str] = field(default_factory=list)  # one sentence per handover
    codes_file: Path | None = None  # the secretariat's file: every new code
    school_files: dict[str, Path] = field(default_factory=dict)  # school -> its new codes
    new_delegate_codes: int = 0  # in codes_file, beside the staff codes
    new_staff_codes: int = 0

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
        handed = [
            (row, old)
            for row in rows
            if (old := olds[row.line]) is not None and codes.hands_over(old, row)
        ]
        handovers = [row for row, _ in handed]
        if handed and not reassign:  # raising rolls the transaction back: nothing imported
            raise RosterError(source, [codes.refusal(r, old, hint) for r, old in handed])
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
    result.new_delegate_codes, result.new_staff_codes = _counted(new_codes)
    if new_codes or refiled:
        result.codes_file, result.school_files = write_code_files(new_codes, refiled)
    return result


def _counted(new_codes: list[dict[str, str]]) -> tuple[int, int]:
    """(delegate codes, staff codes) among ``new_codes``."""
    delegates = sum(row["role"] == "delegate" for row in new_codes)
    return delegates, len(new_codes) - delegates


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
        # Written before the commit: if the file cannot be written, the old code still works.
        main, schools = write_code_files([row], country=country_name)
    if main is None:  # write_code_files writes a secretariat file whenever there is a new code
        raise MunbookError("the new code was not written")
    return row["code"], main, schools


def write_code_files(
    new_codes: list[dict[str, str]],
    refiled: Sequence[dict[str, str]] = (),
    country: str | None = None,
) -> tuple[Path | None, dict[str, Path]]:
    """The secretariat's file (every new code) and one file per school (its delegations' codes).

    ``refiled`` codes were issued before (they are in the secretariat's files already)
    and go to their school's file only. ``country``: the files hold that one
    delegation's new code (named so).
    """
    main = write_codes(new_codes, country=country) if new_codes else None
    schools = {
        rows[0]["school"]: write_codes(rows, settings.school_access_dir(key), country=country)
        for key, rows in codes.by_school([*new_codes, *refiled]).items()
    }
    return main, schools


# The code stays last: readers (and people) take the last column as the code.
CODE_FIELDS = ["role", "committee", "country", "delegate", "school", "link", "workbook", "code"]


def write_codes(
    rows: list[dict[str, str]],
    folder: Path | None = None,
    public_url: str | None = None,
    country: str | None = None,
) -> Path:
    """Write new codes once, with their links, to files only their owner can read.

    ``codes-<committee>-<time>.csv`` (``code-<committee>-<country>-<time>.csv`` for one
    delegation's) holds every row; ``mail-merge-...`` beside it (when there are
    delegate codes) the columns of codes.MAIL_MERGE_FIELDS. Returns the codes file's path.
    """
    folder = settings.ensure_dir(folder or settings.access_dir())
    linked = codes.with_links(rows, public_url)
    merge = codes.mail_merge_rows(linked)
    at, committees = datetime.now(UTC), [row["committee"] for row in rows]
    for n in range(settings.CODE_FILES_PER_MINUTE):
        if settings.code_stamp_taken(folder, at, n):
            continue  # another issue of this minute: the next name
        path, merge_path = settings.code_files(folder, at, committees, country, n)
        try:
            _write_private_csv(path, CODE_FIELDS, linked)
        except FileExistsError:  # written by another kernel between the look and the write
            continue
        if merge:
            _write_private_csv(merge_path, codes.MAIL_MERGE_FIELDS, merge)
        return path
    raise MunbookError(
        f"at most {settings.CODE_FILES_PER_MINUTE} code files a minute in one folder; "
        "wait a minute and try again"
    )


def _write_private_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with settings.private_file(path, text=True, exclusive=True) as fh:
        writer = dict_writer(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
