"""Scoring on the committee's rubric: totals, ranks, the grades CSV, feedback PDFs.

Each chair's scores are kept per paper under their identity key (store.reviews;
``staff:<id>`` or ``chair-code:<committee>``). A paper's total is the weighted
percentage Σ weight × points / max points; with several chairs, the mean of
their totals (or the median: ``rules.final_grade``), and a spread past
``rules.chair_spread`` flags it (``core.grading``). Feedback becomes visible to
delegates only from the release time the chairs set.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import settings
from ..core import committees, countries, csvsafe
from ..core.grading import ChairScore, chair_score, combined, criterion_spread, total_spread
from ..core.staff import COMMITTEE_CHAIR
from ..exceptions import MunbookError
from ..paper.feedback import render_feedback, weighted_row
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
    categories: dict[str, float]  # mean (or median) points per category
    total: float | None  # the final grade: mean (or median) of the chairs' totals
    rank: int | None
    comments: list[tuple[str, str]]  # (chair's name, comment)
    reviews: tuple[ChairScore, ...] = ()  # each chair's own, in name order
    spread: dict[str, float] = field(default_factory=dict)  # per criterion, points
    total_spread: float = 0.0  # highest chair total minus lowest, of 100
    flagged: bool = False  # total_spread past the committee's chair_spread

    def mine(self, key: str) -> ChairScore | None:
        """The review saved under identity ``key``, if any."""
        return next((r for r in self.reviews if r.key == key), None)


def chair_name(key: str, names: dict[str, str]) -> str:
    """Whom a review key stands for: a staff member, the shared chair code, or a name of before."""
    if key.startswith("chair-code:"):
        return COMMITTEE_CHAIR
    return names.get(key, key)


def _grade(delegation, stored: list[dict], names: dict[str, str], info) -> Grade:
    """One paper's grade from its chairs' stored reviews (not yet ranked)."""
    how = info.rules.final_grade
    reviews = [
        chair_score(
            r["chair"],
            chair_name(r["chair"], names),
            r["scores"],
            r["comments"],
            info,
            r["updated_at"],
        )
        for r in stored
    ]
    reviews.sort(key=lambda r: (r.name.casefold(), r.key))
    categories = (
        {c.name: combined([r.scores[c.name] for r in reviews], how) for c in info.rubric}
        if reviews
        else {}
    )
    spread = total_spread(reviews)
    return Grade(
        delegation.id,
        countries.lookup(delegation.country).name,
        delegation.delegate,
        delegation.school,
        len(reviews),
        categories,
        combined([r.total for r in reviews], how) if reviews else None,
        None,
        [(r.name, r.comments) for r in reviews if r.comments.strip()],
        tuple(reviews),
        criterion_spread(reviews, info) if reviews else {},
        spread,
        len(reviews) > 1 and spread > info.rules.chair_spread,
    )


def grades(store: Store, committee: str) -> list[Grade]:
    """Every delegation's grade, ranked by final total (best first); unscored ones last."""
    info = committees.load(committee)
    rows = []
    every = store.committee_reviews(info.key)
    names = store.staff_names() if every else {}
    for delegation in store.delegations(info.key):
        rows.append(_grade(delegation, every.get(delegation.id, []), names, info))
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
        [
            "rank",
            "country",
            *names,
            *[c.name for c in info.rubric],
            "total",
            "chairs",
            "spread",
            "flagged",
            "comments",
        ]
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
                g.total_spread if g.chairs > 1 else "",
                "yes" if g.flagged else "",
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
    """The feedback PDF of one paper: the score table (points × weight), the total, the
    chairs' comments and the latest submission with numbered notes beside their passages."""
    from .feedback_paper import paper_notes

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
            weighted_row(c.name, c.weight, grade.categories.get(c.name, 0), c.max_points)
            for c in info.rubric
        ],
        "total": f"{grade.total:g} / 100",
        "comments": [
            {"text": text}  # the scoring form's overall comment, signed by the committee
            for _, text in grade.comments
        ],
        "chairs": grade.chairs,
        "lang": info.language.split("_")[0],
        "notes": paper_notes(store, info, delegation_id),
    }
    return render_feedback(data)
