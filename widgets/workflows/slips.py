"""Code slips per school: each delegation's live code, read back from the code files.

The store keeps only hashes, so a slip's code comes from the code files (the
school's own, then the secretariat's), newest first, and is printed only if
the store still accepts it: a replaced or revoked code never reaches paper.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import settings
from ..core import committees, countries
from ..core.access import name_key
from ..exceptions import MunbookError
from ..paper.slips import render_slips
from ..store import Delegation, Store
from . import codes


@dataclass
class SlipsResult:
    path: Path
    count: int
    without_code: list[str] = field(
        default_factory=list
    )  # "Kenya (INTERPOL)": no live code on file

    def summary(self) -> str:
        text = f"{self.count} code slip(s) written to {self.path}"
        if self.without_code:
            text += (
                f"\nno code on file for {len(self.without_code)} delegation(s) (issue a new "
                "code in the advisor app): " + ", ".join(self.without_code)
            )
        return text


def _delegate_rows(folders: list[Path]) -> list[dict[str, str]]:
    """Delegate rows of every code file in ``folders``, newest file first."""
    files = [p for folder in folders for p in settings.code_files_in(folder)]
    rows: list[dict[str, str]] = []
    for path in sorted(files, key=settings.code_file_order, reverse=True):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r.get("role") == "delegate"]
    return rows


def _live_code(store: Store, d: Delegation, name: str, rows: list[dict[str, str]]) -> str | None:
    for row in rows:
        ours = row.get("committee") == d.committee and row.get("country") == name
        if ours and store.check_code(row.get("code", ""), "delegate", d.committee, d.id):
            return row["code"]
    return None


def school_delegations(store: Store, school: str | None) -> list[Delegation]:
    """The delegations of ``school`` (by name_key), or all of them for None."""
    found = store.delegations()
    if school is None:
        return found
    key = name_key(school)
    mine = [d for d in found if d.school and name_key(d.school) == key]
    if not mine:
        known = sorted({d.school for d in found if d.school}, key=name_key)
        raise MunbookError(
            f"no delegations of the school {school!r}; schools: {', '.join(known) or 'none yet'}"
        )
    return mine


def _slip(d: Delegation, name: str, code: str, base: str) -> dict[str, str]:
    row = {"role": "delegate", "committee": d.committee, "country": name, "code": code}
    return {
        "delegate": d.delegate,
        "school": d.school,
        "country": name,
        "committee": committees.load(d.committee).acronym,
        "code": code,
        "link": codes.link_for(row, base),
    }


def collect(
    store: Store, school: str | None = None, public_url: str | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    """(one slip per delegation with a live code on file, delegations without one)."""
    folders = [settings.access_dir()]
    if school is not None:
        folders.insert(0, settings.school_access_dir(name_key(school)))
    rows, base = _delegate_rows(folders), settings.public_url(public_url)
    slips, without = [], []
    for d in school_delegations(store, school):
        name = countries.lookup(d.country).name
        code = _live_code(store, d, name, rows)
        if code is None:
            without.append(f"{name} ({committees.load(d.committee).acronym})")
            continue
        slips.append(_slip(d, name, code, base))
    slips.sort(key=lambda s: (name_key(s["school"]), s["committee"], s["country"]))
    return slips, without


def write_slips(
    store: Store, school: str | None = None, public_url: str | None = None
) -> SlipsResult:
    """Write the slips PDF (0600) in the school's access folder, or access/ for everyone."""
    slips, without = collect(store, school, public_url)
    if not slips:
        raise MunbookError(
            "no live delegate codes on file"
            + (f" for {school}" if school else "")
            + "; import the roster or issue new codes first"
        )
    title = f"Access codes · {school}" if school else "Access codes · every school"
    pdf = render_slips(slips, title)
    folder = settings.school_access_dir(name_key(school)) if school else settings.access_dir()
    folder = settings.ensure_dir(folder)
    path = settings.slips_file(folder, datetime.now(UTC))
    settings.write_private(path, pdf, exclusive=True)
    return SlipsResult(path, len(slips), without)


def write_slip(store: Store, delegation_id: int, code: str, public_url: str | None = None) -> Path:
    """One delegation's slip for a code just issued (checked live), beside its code files."""
    d = store.delegation(delegation_id)
    if not store.check_code(code, "delegate", d.committee, d.id):
        raise MunbookError("that code no longer opens this delegation: issue a new code")
    name = countries.lookup(d.country).name
    slip = _slip(d, name, code, settings.public_url(public_url))
    pdf = render_slips([slip], f"Access code · {name} · {slip['committee']}")
    folder = settings.school_access_dir(name_key(d.school)) if d.school else settings.access_dir()
    path = settings.slips_file(settings.ensure_dir(folder), datetime.now(UTC))
    settings.write_private(path, pdf, exclusive=True)
    return path
