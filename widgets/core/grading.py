"""Several chairs, one grade: each chair's scores, their spread and the final grade.

Each chair scores on their own. The final total is the mean of the chairs'
totals, or their median when the committee file says ``final_grade: median``;
a paper whose chairs' totals differ by more than ``rules.chair_spread`` points
(of 100) is flagged, so the chairs talk before the grade stands.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from .committees import Committee
from .scoring import total


@dataclass(frozen=True)
class ChairScore:
    """One chair's review of one paper, under their identity key."""

    key: str  # "staff:3", "chair-code:interpol" (or a name saved before staff had codes)
    name: str
    scores: dict[str, float]
    total: float
    comments: str
    updated_at: datetime | None = None


def combined(values: list[float], how: str) -> float:
    """The mean (or median) of ``values``, to 2 decimals."""
    middle = statistics.median(values) if how == "median" else statistics.fmean(values)
    return round(middle, 2)


def criterion_spread(reviews: list[ChairScore], info: Committee) -> dict[str, float]:
    """Per criterion, the highest points minus the lowest (0 with one chair)."""
    return {
        c.name: max(r.scores.get(c.name, 0) for r in reviews)
        - min(r.scores.get(c.name, 0) for r in reviews)
        for c in info.rubric
    }


def total_spread(reviews: list[ChairScore]) -> float:
    """The highest chair total minus the lowest, of 100 (0 with one chair)."""
    totals = [r.total for r in reviews]
    return round(max(totals) - min(totals), 2) if totals else 0.0


def chair_score(
    key: str, name: str, scores: dict, comments: str, info: Committee, at=None
) -> ChairScore:
    points = {c.name: float(scores.get(c.name, 0)) for c in info.rubric}
    return ChairScore(key, name, points, total(points, info), comments, at)


def weighted_line(points: float, max_points: int, weight: float) -> str:
    """How one criterion adds to the total: "8 of 10 × 15 % = 12"."""
    return f"{points:g} of {max_points} × {weight:g} % = {round(weight * points / max_points, 2):g}"
