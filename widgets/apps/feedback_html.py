"""A grade as HTML: each criterion's weight, points and points × weight, and the total.

What the delegate's Feedback tab and the advisor's released feedback both show,
the same arithmetic as the feedback PDF (``paper.feedback.weighted_row``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..core.committees import Committee
from .html import table


def scores_html(grade: Any, committee: Committee, caption: str) -> str:
    """The score table of ``grade`` (a ``workflows.review.Grade``) and how its total is made."""
    from ..paper.feedback import weighted_row

    rows = [
        weighted_row(c.name, c.weight, grade.categories.get(c.name, 0), c.max_points)
        for c in committee.rubric
    ]
    body = [
        f"<tr><td>{escape(r['name'])}</td><td>{r['weight']}</td><td>{r['score']}</td>"
        f"<td>{r['weighted']}</td></tr>"
        for r in rows
    ]
    body.append(
        f"<tr><td><b>Total</b></td><td></td><td></td><td><b>{grade.total:g} / 100</b></td></tr>"
    )
    chairs = (
        f" With {grade.chairs} chairs, each category shows the mean of their points."
        if grade.chairs > 1
        else ""
    )
    said = "".join(f"<blockquote>{escape(text)}</blockquote>" for _, text in grade.comments)
    return (
        table(["Category", "Weight", "Points", "Points × weight"], ["".join(body)], caption=caption)
        + "<p class='mb-guidance'>Points × weight: a category's points as a share of its "
        f"maximum, times its weight; the total is their sum, out of 100.{chairs}</p>" + said
    )
