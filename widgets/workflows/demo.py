"""The INTERPOL demo: the demo roster imported, its workbooks generated, codes at hand."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..core import access
from ..store import Store
from . import generate, roster

DEMO_COMMITTEE = "interpol"
DEMO_COUNTRY = "Kenya"


@dataclass(frozen=True)
class Demo:
    summary: str
    workbook: Path
    delegate_code: str
    chair_code: str
    advisor_code: str
    codes_files: list[Path]


def _known_codes() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    folder = settings.access_dir()
    for path in sorted(folder.glob("codes-*.csv")) if folder.is_dir() else []:
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def prepare(store: Store | None = None) -> Demo:
    """Import the demo roster, generate its workbooks, and find (or issue) demo codes."""
    store = store or Store()
    result = generate.generate(DEMO_COMMITTEE, roster_file=settings.DEMO_ROSTER, progress=False)
    kenya = store.find_delegation(DEMO_COMMITTEE, "KEN")
    wanted = {
        "delegate": lambda c: store.check_code(c, "delegate", DEMO_COMMITTEE, kenya.id),
        "chair": lambda c: store.check_code(c, "chair", DEMO_COMMITTEE),
        "advisor": lambda c: store.check_code(c, "advisor"),
    }
    found: dict[str, str] = {}
    known = _known_codes()
    for role, works in wanted.items():
        found[role] = next((r["code"] for r in known if r["role"] == role and works(r["code"])), "")
    fresh = []
    for role in (r for r in wanted if not found[r]):
        # The code files were removed: issue another code so the demo still opens.
        found[role] = access.new_code()
        scope = {"delegate": (DEMO_COMMITTEE, kenya.id), "chair": (DEMO_COMMITTEE, None)}.get(
            role, (None, None)
        )
        store.add_code(found[role], role, *scope)
        fresh.append(
            {
                "role": role,
                "committee": scope[0] or "",
                "country": DEMO_COUNTRY if role == "delegate" else "",
                "delegate": "",
                "school": "",
                "code": found[role],
            }
        )
    if fresh:
        roster.write_codes(fresh)
    return Demo(
        summary=result.summary(),
        workbook=generate.workbook_path(DEMO_COMMITTEE, DEMO_COUNTRY),
        delegate_code=found["delegate"],
        chair_code=found["chair"],
        advisor_code=found["advisor"],
        codes_files=sorted(settings.access_dir().glob("codes-*.csv")),
    )
