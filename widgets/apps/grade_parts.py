"""Parts of the Grade tab: the rubric form with its live total, and the chairs' spread.

The form shows each criterion's name, weight, maximum and description, and
how the points typed add to the total ("8 of 10 × 15 % = 12") at each
keystroke; the spread table shows every chair's points once this chair has
saved their own, so each chair scores on their own first.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core.committees import Committee
from ..core.grading import weighted_line
from ..workflows.review import Grade
from .html import table


class RubricForm(w.VBox):
    """One number box per criterion; ``lines`` and ``total`` follow the typed points."""

    def __init__(self, info: Committee):
        self.info = info
        self.boxes: dict[str, w.FloatText] = {}
        self.lines: dict[str, w.HTML] = {}
        rows = []
        for c in info.rubric:
            label = w.HTML(
                f"<b>{escape(c.name)}</b> <span class='mb-quiet'>· weight {c.weight:g} % · "
                f"0 to {c.max_points} points</span>"
                + (
                    f"<br><span class='mb-guidance'>{escape(c.description)}</span>"
                    if c.description
                    else ""
                )
            )
            # A FloatText, not a BoundedFloatText: that one turns a 12 into 10 without a word.
            box = w.FloatText(
                step=0.5,
                continuous_update=True,
                description="Points",
                layout=w.Layout(width="11em"),
                style={"description_width": "4em"},
            )
            box.observe(lambda _: self.update(), names="value")
            self.boxes[c.name], self.lines[c.name] = box, w.HTML()
            rows.append(w.VBox([label, w.HBox([box, self.lines[c.name]], layout=_row())]))
        self.total = w.HTML()
        super().__init__([*rows, self.total])
        self.add_class("mb-rubric")
        self.update()

    def values(self) -> dict[str, float]:
        return {name: box.value for name, box in self.boxes.items()}

    def load(self, scores: dict[str, float]) -> None:
        """Show saved points (0 where none), and their total."""
        for name, box in self.boxes.items():
            box.value = float(scores.get(name, 0))
        self.update()

    def update(self) -> None:
        """Each criterion's weighted points and the total, from what is typed now."""
        parts, wrong = [], []
        for c in self.info.rubric:
            points = float(self.boxes[c.name].value or 0)
            if not 0 <= points <= c.max_points:
                self.lines[
                    c.name
                ].value = f"<span class='mb-bad'>{points:g} is outside 0 to {c.max_points}</span>"
                wrong.append(c.name)
                continue
            self.lines[
                c.name
            ].value = f"<span class='mb-quiet'>{escape(weighted_line(points, c.max_points, c.weight))}</span>"
            parts.append(c.weight * points / c.max_points)
        if wrong:
            self.total.value = f"<p class='mb-grade-total mb-bad'>Total: correct {escape(', '.join(wrong))} first.</p>"
            return
        shown = " + ".join(f"{round(p, 2):g}" for p in parts)
        self.total.value = (
            f"<p class='mb-grade-total'>Total: <b>{round(sum(parts), 2):g} / 100</b> "
            f"<span class='mb-quiet'>({shown})</span></p>"
        )


def spread_html(grade: Grade | None, key: str, info: Committee) -> str:
    """Every chair's points per criterion and their spread, once ``key`` has scored."""
    reviews = list(grade.reviews) if grade else []
    if not reviews:
        return "<p class='mb-quiet'>No chair has scored this paper yet.</p>"
    assert grade is not None
    others = [r for r in reviews if r.key != key]
    if grade.mine(key) is None:
        return (
            f"<p class='mb-quiet'>{len(others)} other chair(s) scored this paper. Their scores "
            "show here once you save yours, so that each chair scores on their own.</p>"
        )
    if not others:
        return "<p class='mb-quiet'>Only you have scored this paper so far.</p>"
    names = [f"{r.name} (you)" if r.key == key else r.name for r in reviews]
    rows = [
        f"<tr><td>{escape(c.name)}</td>"
        + "".join(f"<td>{r.scores.get(c.name, 0):g}</td>" for r in reviews)
        + f"<td>{grade.spread.get(c.name, 0):g}</td></tr>"
        for c in info.rubric
    ]
    rows.append(
        "<tr><td><b>Total /100</b></td>"
        + "".join(f"<td><b>{r.total:g}</b></td>" for r in reviews)
        + f"<td><b>{grade.total_spread:g}</b></td></tr>"
    )
    how = info.rules.final_grade
    final = f"<p>Final grade ({how} of {len(reviews)} chairs): <b>{grade.total:g} / 100</b>.</p>"
    limit = info.rules.chair_spread
    flag = (
        f"<p class='mb-bad mb-spread-flag'>The chairs' totals differ by {grade.total_spread:g} "
        f"points, more than {escape(info.acronym)}'s {limit:g}: talk it over before "
        "releasing feedback.</p>"
        if grade.flagged
        else f"<p class='mb-ok'>The chairs' totals are within {limit:g} points.</p>"
    )
    header = ["Criterion", *names, "Spread"]
    return (
        table(header, rows, caption="Each chair's points and the spread (highest minus lowest)")
        + final
        + flag
    )


def _row() -> w.Layout:
    return w.Layout(flex_flow="row wrap", align_items="center")
