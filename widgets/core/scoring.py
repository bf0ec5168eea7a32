"""Rubric arithmetic: one chair's total and the check of their scores.

A paper's total is the weighted percentage Σ weight × points / max points.
"""

from __future__ import annotations

from ..exceptions import MunbookError
from .committees import Committee


def total(scores: dict[str, float], committee: Committee) -> float:
    """Weighted percentage (0-100) of one chair's scores; missing categories count 0."""
    return round(
        sum(c.weight * float(scores.get(c.name, 0)) / c.max_points for c in committee.rubric), 2
    )


def validate_scores(scores: dict[str, float], committee: Committee) -> dict[str, float]:
    """The scores, checked against the rubric's categories and maximum points."""
    known = {c.name: c for c in committee.rubric}
    problems = [f"unknown category {name!r}" for name in scores if name not in known]
    for name, value in scores.items():
        if name in known and not 0 <= float(value) <= known[name].max_points:
            problems.append(f"{name}: {value} is outside 0-{known[name].max_points}")
    if problems:
        raise MunbookError("; ".join(problems))
    return {name: float(value) for name, value in scores.items()}
