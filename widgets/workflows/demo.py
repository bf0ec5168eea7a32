"""The INTERPOL demo: the demo roster imported, its workbooks generated, codes at hand."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..core.access import ADVISOR, SECRETARIAT, name_key
from ..store import Store
from . import codes, generate, roster

DEMO_COMMITTEE = "interpol"
DEMO_COUNTRY = "Kenya"


@dataclass(frozen=True)
class Demo:
    summary: str
    workbook: Path
    delegate_code: str
    chair_code: str
    secretariat_code: str  # the whole conference
    advisor_code: str  # the advisor of the demo delegate's school
    advisor_school: str
    codes_files: list[Path]


def _known_codes() -> list[dict[str, str]]:
    """Every code in the secretariat's files (they hold all codes)."""
    rows: list[dict[str, str]] = []
    for path in settings.code_files_in(settings.access_dir()):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def prepare(store: Store | None = None) -> Demo:
    """Import the demo roster, generate its workbooks, and find (or issue) demo codes."""
    store = store or Store()
    result = generate.generate(DEMO_COMMITTEE, roster_file=settings.DEMO_ROSTER, progress=False)
    kenya = store.find_delegation(DEMO_COMMITTEE, "KEN")

    def staff(code: str, role: str) -> bool:
        grant = store.staff_grant(code)
        if grant is None or grant.role != role:
            return False
        return role == SECRETARIAT or name_key(grant.school or "") == name_key(kenya.school)

    wanted = {
        "delegate": lambda c: store.check_code(c, "delegate", DEMO_COMMITTEE, kenya.id),
        "chair": lambda c: store.check_code(c, "chair", DEMO_COMMITTEE),
        SECRETARIAT: lambda c: staff(c, SECRETARIAT),
        ADVISOR: lambda c: staff(c, ADVISOR),
    }
    known = _known_codes()
    found = {
        role: next((r["code"] for r in known if r["role"] == role and works(r["code"])), "")
        for role, works in wanted.items()
    }
    # The code files were removed: issue other codes so the demo still opens.
    if not found["delegate"]:
        found["delegate"] = roster.reissue_code(store, kenya.id)[0]
    fresh = []
    for role, scope in (("chair", DEMO_COMMITTEE), (SECRETARIAT, None), (ADVISOR, None)):
        if not found[role]:
            school = kenya.school if role == ADVISOR else None
            found[role] = store.issue_code(role, scope, school=school)
            fresh.append(codes.code_row(role, found[role], scope or "", school=school or ""))
    if fresh:
        roster.write_codes(fresh)
    return Demo(
        summary=result.summary(),
        workbook=generate.workbook_path(DEMO_COMMITTEE, DEMO_COUNTRY),
        delegate_code=found["delegate"],
        chair_code=found["chair"],
        secretariat_code=found[SECRETARIAT],
        advisor_code=found[ADVISOR],
        advisor_school=kenya.school,
        codes_files=settings.code_files_in(settings.access_dir()),
    )
