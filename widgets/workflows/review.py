"""Scoring on the committee's rubric: totals, ranks, the grades CSV, feedback PDFs.

Each chair's scores are kept per paper (store.reviews). A paper's total is the
weighted percentage Σ weight × points / max points; with several chairs, the
mean of their totals. Feedback becomes visible to delegates only from the
release time the chairs set.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import settings
from ..core import committees, countries, csvsafe
from ..core.scoring import total
from ..exceptions import MunbookError
from ..paper.feedback import render_feedback
from ..store import now

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store import Store
    from ..store.contract import StoreContract


@dataclass(frozen=True)
class Grade:
    delegation_id: int
    country: str
    delegate: str
    school: str
    chairs: int
    categories: dict[str, float]  # mean points per category
    total: float | None
    rank: int | None
    comments: list[tuple[str, str]]  # (chair, comment)


def grades(store: Store, committee: str) -> list[Grade]:
    """Every delegation's grade, ranked by total (best first); unscored ones last."""
    info = committees.load(committee)
    rows = []
    every = store.committee_reviews(info.key)
    for delegation in store.delegations(info.key):
        reviews = every.get(delegation.id, [])
        totals = [total(r["scores"], info) for r in reviews]
        categories = (
            {
                c.name: round(
                    sum(float(r["scores"].get(c.name, 0)) for r in reviews) / len(reviews), 2
                )
                for c in info.rubric
            }
            if reviews
            else {}
        )
        rows.append(
            Grade(
                delegation.id,
                countries.lookup(delegation.country).name,
                delegation.delegate,
                delegation.school,
                len(reviews),
                categories,
                round(sum(totals) / len(totals), 2) if totals else None,
                None,
                [(r["chair"], r["comments"]) for r in reviews if r["comments"].strip()],
            )
        )
    scored = sorted(
        (g for g in rows if g.total is not None), key=lambda g: (-(g.total or 0), g.country)
    )
    ranked, rank, previous = [], 0, None
    for position, grade in enumerate(scored, start=1):
        if grade.total != previous:
            rank, previous = position, grade.total  # ties share a rank
        ranked.append(Grade(**{**grade.__dict__, "rank": rank}))
    return ranked + sorted((g for g in rows if g.total is None), key=lambda g: g.country)


def grades_csv(store: Store, committee: str, blind: bool | None = None) -> str:
    info = committees.load(committee)
    blind = info.rules.blind_grading if blind is None else blind
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    names = [] if blind else ["delegate", "school"]
    writer.writerow(
        ["rank", "country", *names, *[c.name for c in info.rubric], "total", "chairs", "comments"]
    )
    for g in grades(store, committee):
        who = [] if blind else [g.delegate, g.school]
        writer.writerow(
            [
                g.rank or "",
                g.country,
                *who,
                *[g.categories.get(c.name, "") for c in info.rubric],
                "" if g.total is None else g.total,
                g.chairs,
                " | ".join(c for _, c in g.comments),
            ]
        )
    return out.getvalue()


def write_grades(store: Store, committee: str, out: Path | None = None) -> Path:
    """Write the grades CSV (default outputs/grades/<committee>.csv) and return its path."""
    info = committees.load(committee)
    path = Path(out) if out else settings.grades_file(info.key)
    return settings.write_private(path, grades_csv(store, committee))


# ---- feedback ---------------------------------------------------------------------


def feedback_released(store: StoreContract, committee: str, at: datetime | None = None) -> bool:
    release = store.feedback_release(committees.load(committee).key)
    return release is not None and (at or now()) >= release


def feedback_pdf(store: Store, delegation_id: int) -> bytes:
    """The feedback PDF of one paper: rubric points per category, total, comments."""
    delegation = store.delegation(delegation_id)
    info = committees.load(delegation.committee)
    grade = next(g for g in grades(store, info.key) if g.delegation_id == delegation_id)
    if grade.total is None:
        raise MunbookError(f"{grade.country} has not been scored yet")
    data = {
        "country": grade.country,
        "committee": info.acronym,
        "committee_name": info.name,
        "rows": [
            {
                "name": c.name,
                "weight": f"{c.weight:g} %",
                "score": f"{grade.categories.get(c.name, 0):g} / {c.max_points}",
            }
            for c in info.rubric
        ],
        "total": f"{grade.total:g} / 100",
        "comments": [
            {"text": text}  # signed by the committee, not a chair
            for _, text in grade.comments
        ],
    }
    return render_feedback(data)
