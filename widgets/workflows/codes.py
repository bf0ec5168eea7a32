"""Access codes: issuing them (delegations, chairs, school advisors, the secretariat), handovers.

What each code file holds (written by ``roster.write_code_files``):

- the secretariat's file, ``access/codes-<time>.csv``: every new code, chair,
  advisor and secretariat codes included;
- a school's file, ``access/schools/<slug>-<hash>/codes-<time>.csv``: the new
  codes of that school's delegations and nothing else.

Each line carries a full link (``settings.public_url``): for a delegate the
entry page with its ``?code=`` (it opens the workbook the code names, from a
pool of preheated kernels) and, in the ``workbook`` column, the delegation's
own page for advisors; the chair or advisor app for staff (staff codes stay
out of URLs: they open more than one page). Beside each file with delegate codes, a
``mail-merge-<time>.csv`` has the columns a mail merge wants.

The store keeps only salted hashes: a lost code is replaced (the old one
revoked), never shown again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from .. import settings
from ..core import committees
from ..core.access import ADVISOR, SECRETARIAT, name_key
from ..store import Delegation, Store

if TYPE_CHECKING:
    from .roster_file import RosterRow


def code_row(
    role: str,
    code: str,
    committee: str = "",
    country: str = "",
    delegate: str = "",
    school: str = "",
) -> dict[str, str]:
    """One line of a code file."""
    return {
        "role": role,
        "committee": committee,
        "country": country,
        "delegate": delegate,
        "school": school,
        "code": code,
    }


def delegate_code(
    store: Store,
    conn: Connection,
    delegation_id: int,
    committee: str,
    country_name: str,
    delegate: str,
    school: str,
) -> dict[str, str]:
    """Issue a fresh code for a delegation (revoke old ones first to replace them)."""
    code = store.issue_code("delegate", committee, delegation_id, conn=conn)
    return code_row("delegate", code, committee, country_name, delegate, school)


def ensure_staff_codes(
    store: Store, committee: str, conn: Connection | None = None
) -> list[dict[str, str]]:
    """A chair code for the committee and the conference's secretariat code, where missing."""
    made = []
    for role, scope in (("chair", committee), (SECRETARIAT, None)):
        if not store.has_code(role, scope, conn=conn):
            code = store.issue_code(role, scope, conn=conn)
            made.append(code_row(role, code, committee=scope or ""))
    return made


def ensure_advisor_codes(
    store: Store, schools: Iterable[str], conn: Connection | None = None
) -> list[dict[str, str]]:
    """One advisor code per school that has none yet (spellings of one school share it)."""
    have = {name_key(school) for school in store.advisor_schools(conn)}
    made = []
    for school in schools:
        key = name_key(school)
        if key and key not in have:
            code = store.issue_code(ADVISOR, conn=conn, school=school)
            made.append(code_row(ADVISOR, code, school=school))
            have.add(key)
    return made


def link_for(row: dict[str, str], base: str | None = None) -> str:
    """The full link a code's holder opens (see the module docstring)."""
    role = row["role"]
    if role == "delegate":
        return settings.page_url(settings.entry_file(), row["code"], base)
    return settings.page_url(
        settings.app_file("chair" if role == "chair" else "advisor"), base=base
    )


def workbook_link(row: dict[str, str], base: str | None = None) -> str:
    """A delegate's own workbook page with its code ('' for staff): for advisors and Lab."""
    if row["role"] != "delegate":
        return ""
    page = settings.workbook_file(row["committee"], row["country"])
    return settings.page_url(page, row["code"], base)


def with_links(rows: list[dict[str, str]], base: str | None = None) -> list[dict[str, str]]:
    """``rows`` with their ``link`` and ``workbook`` columns filled in."""
    base = settings.public_url(base)
    return [
        {**row, "link": link_for(row, base), "workbook": workbook_link(row, base)} for row in rows
    ]


MAIL_MERGE_FIELDS = ["name", "school", "committee", "country", "link", "code"]


def mail_merge_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One line per delegate code, with e-mail-friendly columns (committee by acronym)."""
    return [
        {
            "name": row["delegate"],
            "school": row["school"],
            "committee": committees.load(row["committee"]).acronym,
            "country": row["country"],
            "link": row["link"],
            "code": row["code"],
        }
        for row in rows
        if row["role"] == "delegate"
    ]


def by_school(codes: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """The delegate codes among ``codes``, grouped by school key (no school: left out)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for row in codes:
        key = name_key(row["school"])
        if row["role"] == "delegate" and key:
            groups.setdefault(key, []).append(row)
    return groups


# ---- handing a delegation to someone else ------------------------------------------


def _who(delegate: str, school: str) -> str:
    return (delegate or "an unnamed delegate") + (f" ({school})" if school else "")


def hands_over(old: Delegation, row: RosterRow) -> bool:
    """True when ``row`` gives an existing delegation to another person or school.

    Names are compared by ``access.name_key`` (case, accents, punctuation and spaces
    ignored), so a corrected spelling is an update; filling in a name or school the
    delegation did not have is not a handover either.
    """
    other_person = bool(old.delegate) and name_key(old.delegate) != name_key(row.delegate)
    other_school = bool(old.school) and name_key(old.school) != name_key(row.school)
    return other_person or other_school


def refusal(row: RosterRow, old: Delegation, hint: str) -> str:
    acronym = committees.load(row.committee).acronym
    return (
        f"line {row.line}: {row.country_name} in {acronym} belongs to {_who(old.delegate, old.school)}; "
        f"this row gives it to {_who(row.delegate, row.school)}; {hint}"
    )


def handed(row: RosterRow, old: Delegation) -> str:
    acronym = committees.load(row.committee).acronym
    return (
        f"{row.country_name} in {acronym}: handed from {_who(old.delegate, old.school)} "
        f"to {_who(row.delegate, row.school)}, who inherits the draft and submissions; "
        "the old code no longer works"
    )


def code_on_file(store: Store, delegation_id: int, committee: str) -> str | None:
    """A delegation's live code, read back from the secretariat's files (None if not there).

    Used when a delegation joins a school after its code was issued: the code is
    copied into the school's file so its advisor can hand it out.
    """
    for path in reversed(settings.code_files_in(settings.access_dir())):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                code = row.get("code", "")
                if row.get("role") == "delegate" and store.check_code(
                    code, "delegate", committee, delegation_id
                ):
                    return code
    return None


def refile(store: Store, rows: list[RosterRow], olds: dict, fresh: set) -> list[dict[str, str]]:
    """Codes of delegations that joined a school, copied from the secretariat's files."""
    refiled = []
    for row in rows:
        old = olds[row.line]
        joined = old is not None and not old.school and row.school
        if joined and (row.committee, row.country_name) not in fresh:
            code = code_on_file(store, old.id, row.committee)
            if code:
                refiled.append(
                    code_row(
                        "delegate", code, row.committee, row.country_name, row.delegate, row.school
                    )
                )
    return refiled
