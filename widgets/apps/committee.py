"""The chair page's views of a committee: the collection table, the plots, the overlaps.

Each panel shows one part of a ``workflows.collect.Collection`` (computed once
per refresh by the page) and never reads the store itself.
"""

from __future__ import annotations

import re
from html import escape

import ipywidgets as w

from ..core import similarity
from ..core.committees import Committee
from ..core.printable import printable
from ..workflows.collect import Collection, Row, rows_csv, summary
from . import plots
from .html import STATUS_CLASS, data_link, table

SORT_KEYS = {
    "country": lambda r: r.country,
    "status": lambda r: (r.status, r.country),
    "submitted": lambda r: (r.submitted_at is None, r.submitted_at or 0, r.country),
    "pages": lambda r: (-(r.pages or 0), r.country),
    "words": lambda r: (-(r.words or 0), r.country),
    "similarity": lambda r: (-r.similarity, r.country),
    "score": lambda r: (r.score is None, -(r.score or 0), r.country),
}


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min"


def _row_html(r: Row, blind: bool) -> str:
    who = [] if blind else [printable(r.delegate) or "–", printable(r.school) or "–"]
    cells = "".join(f"<td>{escape(c)}</td>" for c in [r.country, *who])
    issues = "<br>".join(escape(v) for v in r.violations) or "–"
    similar = (
        f"<span class='mb-bad'>{escape(r.similar_to)} ({r.similarity:.0%})</span>"
        if r.similar_to
        else "–"
    )
    when = f"{r.submitted_at:%Y-%m-%d %H:%M} UTC" if r.submitted_at else "–"
    return (
        f"<tr>{cells}<td class='{STATUS_CLASS.get(r.status, '')}'>{escape(r.status)}"
        f"{' (ingested)' if r.ingested else ''}</td><td>{when}</td>"
        f"<td>{_duration(r.seconds_late) if r.seconds_late else '–'}</td><td>{r.pages or '–'}</td>"
        f"<td>{r.words or '–'}</td><td>{issues}</td><td>{similar}</td>"
        f"<td>{'–' if r.score is None else f'{r.score:g}'}</td></tr>"
    )


def collection_html(rows: list[Row], blind: bool) -> str:
    """One row per delegation: who, when, on time, late, missing or not yet, and the flags."""
    who = [] if blind else ["Delegate", "School"]
    header = ["Country", *who, "Status", "Submitted", "Late by", "Pages", "Words"]
    header += ["Rule issues", "Similar to", "Score"]
    return table(header, [_row_html(r, blind) for r in rows])


def matches_html(matches: list[similarity.Match]) -> str:
    """Each flagged pair with its shared passages side by side."""
    flagged = [m for m in matches if m.flagged]
    if not flagged:
        return f"<p>No pair of papers shares {similarity.THRESHOLD:.0%} or more of its 5-word runs.</p>"
    parts = []
    for m in flagged:
        other = "the committee's background guide" if m.second == "background" else m.second
        rows = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in m.passages)
        parts.append(
            f"<h4>{escape(m.first)} and {escape(other)}: {m.score:.0%} of 5-word runs shared</h4>"
            f"<table class='mb-table mb-passages'><tr><th>{escape(m.first)}</th>"
            f"<th>{escape(other)}</th></tr>{rows}</table>"
        )
    return "".join(parts)


class CollectionPanel(w.VBox):
    """Who submitted, on time or late, who is missing; sortable; the table as CSV."""

    def __init__(self, info: Committee, refresh: w.Button):
        self.info, self.blind, self.rows = info, info.rules.blind_grading, []
        self.sort = w.Dropdown(options=list(SORT_KEYS), value="country", description="Sort by")
        self.sort.observe(lambda _: self.render(), names="value")
        self.summary, self.table, self.csv_link = w.HTML(), w.HTML(), w.HTML()
        super().__init__([w.HBox([self.sort, refresh]), self.summary, self.table, self.csv_link])

    def show(self, found: Collection) -> None:
        self.rows = found.rows
        self.render()

    def render(self) -> None:
        """Sort and show the rows already read (sorting reads nothing again)."""
        self.rows = sorted(self.rows, key=SORT_KEYS[self.sort.value])
        counted = re.sub(r"(\d+)", r"<b>\1</b>", escape(summary(self.rows)))
        self.summary.value = f"<p>{counted}.</p>"
        self.table.value = collection_html(self.rows, self.blind)
        self.csv_link.value = data_link(
            rows_csv(self.rows, self.blind).encode(),
            f"{self.info.key}-submissions.csv",
            "Download the table (CSV)",
            "text/csv",
        )


NO_SUBMISSION = "No paper submitted yet."
NO_SCORE = "No paper scored yet."


class PlotsPanel(w.HBox):
    """Submissions over time against the deadline, and mean scores per rubric category.

    A plot with nothing to draw is hidden and a sentence says why: never an empty frame.
    """

    def __init__(self, info: Committee):
        self.info = info
        layout = w.Layout(width="470px")
        self.timeline = w.Image(format="png", layout=layout)
        self.category_plot = w.Image(format="png", layout=w.Layout(width="470px"))
        self.timeline_note, self.category_note = w.HTML(), w.HTML()
        super().__init__(
            [
                w.VBox([self.timeline, self.timeline_note]),
                w.VBox([self.category_plot, self.category_note]),
            ]
        )

    def show(self, found: Collection) -> None:
        times = [r.submitted_at for r in found.rows if r.submitted_at]
        _shown(self.timeline, self.timeline_note, NO_SUBMISSION if not times else "")
        if times:
            self.timeline.value = plots.submissions_over_time(times, self.info.rules.deadline_utc)
        scored = [g for g in found.grades if g.total is not None]
        _shown(self.category_plot, self.category_note, NO_SCORE if not scored else "")
        if scored:
            means = {
                c.name: sum(g.categories.get(c.name, 0) for g in scored) / len(scored)
                for c in self.info.rubric
            }
            self.category_plot.value = plots.scores_by_category(
                means, {c.name: c.max_points for c in self.info.rubric}
            )


def _shown(image: w.Image, note: w.HTML, empty: str) -> None:
    """Show the plot, or hide it and say ``empty`` in its place."""
    image.layout.display = "none" if empty else None
    note.value = f"<p class='mb-empty-plot'>{escape(empty)}</p>" if empty else ""


class OverlapsPanel(w.VBox):
    """Pairs of papers (or a paper and the background guide) that share text."""

    def __init__(self):
        self.matches = w.HTML()
        super().__init__([self.matches])

    def show(self, found: Collection) -> None:
        self.matches.value = matches_html(found.matches)
