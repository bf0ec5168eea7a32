"""The chair page's views of a committee: the Submissions table and plots, the overlaps.

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
from .html import STATUS_CLASS, data_link, figure_html, frame_html, table
from .row_table import RowTable

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


COLUMNS = {  # the collection table's columns (workflows.tables.collection_table) for people
    "country": "Country",
    "delegate": "Delegate",
    "school": "School",
    "status": "Status",
    "review_status": "Review",
    "submitted_at": "Submitted (UTC)",
    "minutes_late": "Late by",
    "pages": "Pages",
    "words": "Words",
    "violations": "Rule issues",
    "similar": "Similar to",
    "score": "Score",
}
FORMATS = {
    "delegate": lambda name: printable(name) or "–",
    "school": lambda name: printable(name) or "–",
    "submitted_at": lambda t: f"{t:%Y-%m-%d %H:%M}",
    "minutes_late": lambda m: _duration(60 * int(m)) if m else "–",
    "violations": lambda v: v.replace(" | ", "\n") or "–",
    "score": lambda s: f"{s:g}",
}
CLASSES = {
    "status": lambda text: STATUS_CLASS.get(text.split(" (")[0], ""),
    "similar": lambda text: "" if text == "–" else "mb-bad",
}


def collection_html(rows: list[Row], blind: bool, committee: str) -> str:
    """One row per delegation, in the order given: the chair's DataFrame, shown.

    A submitted paper's row carries its delegation id (``row_table`` opens it in Grade).
    """
    from ..workflows.tables import collection_table

    frame = collection_table(None, committee, blind=blind, rows=rows)  # rows given: no reading
    frame["status"] = frame["status"] + frame["ingested"].map({True: " (ingested)", False: ""})
    frame["similar"] = [
        f"{other} ({share:.0%})" if other else None
        for other, share in zip(frame["similar_to"], frame["similarity"], strict=True)
    ]
    labels = {c: label for c, label in COLUMNS.items() if c in frame.columns}
    caption = (
        "Every delegation of the committee, sorted as chosen above; "
        "open a country to grade its paper."
    )
    ids = [r.delegation_id if r.submitted_at is not None else -1 for r in rows]
    html = frame_html(frame, caption, labels, FORMATS, CLASSES, row_ids=ids)
    return html.replace(" data-row='-1'", "")  # nothing to open before a paper is in


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
            f"<h3>{escape(m.first)} and {escape(other)}: {m.score:.0%} of 5-word runs shared</h3>"
            + table(
                [m.first, other],
                [rows],
                caption=f"Passages {m.first} shares with {other}, side by side",
                css="mb-table mb-passages",
            )
        )
    return "".join(parts)


class CollectionPanel(w.VBox):
    """Who submitted, on time or late, who is missing; sortable; the table as CSV."""

    def __init__(self, info: Committee, refresh: w.Button):
        self.info, self.blind = info, info.rules.blind_grading
        self.rows: list[Row] = []
        self.sort = w.Dropdown(options=list(SORT_KEYS), value="country", description="Sort by")
        self.sort.observe(lambda _: self.render(), names="value")
        self.summary, self.csv_link = w.HTML(), w.HTML()
        self.table = RowTable(label="Grade the paper of")
        bar = w.HBox([self.sort, refresh], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([bar, self.summary, self.table, self.csv_link])

    def show(self, found: Collection) -> None:
        self.rows = found.rows
        self.render()

    def render(self) -> None:
        """Sort and show the rows already read (sorting reads nothing again)."""
        self.rows = sorted(self.rows, key=SORT_KEYS[self.sort.value])
        counted = re.sub(r"(\d+)", r"<b>\1</b>", escape(summary(self.rows)))
        self.summary.value = f"<p>{counted}.</p>"
        self.table.ids = [r.delegation_id for r in self.rows if r.submitted_at is not None]
        self.table.value = collection_html(self.rows, self.blind, self.info.key)
        self.csv_link.value = data_link(
            rows_csv(self.rows, self.blind).encode(),
            f"{self.info.key}-submissions.csv",
            "Download the table (CSV)",
            "text/csv",
        )


NO_SUBMISSION = "No paper submitted yet."
NO_SCORE = "No paper scored yet."


class Plot(w.HTML):
    """A plot as an image with its text alternative, and its data as a table beside it."""

    png = b""  # the picture itself (tests read it back)

    def draw(self, png: bytes, alt: str, caption: str, data: str) -> None:
        self.png = png
        self.value = figure_html(png, alt, caption, data)


class PlotsPanel(w.VBox):
    """Submissions over time against the deadline, and mean scores per rubric category.

    A plot with nothing to draw is hidden and a sentence says why: never an empty frame.
    Each plot says in words what it shows and has its figures in a table beside it.
    """

    def __init__(self, info: Committee):
        self.info = info
        self.timeline, self.category_plot = Plot(), Plot()
        self.timeline_note, self.category_note = w.HTML(), w.HTML()
        super().__init__(
            [self.timeline, self.timeline_note, self.category_plot, self.category_note]
        )

    def show(self, found: Collection) -> None:
        times = sorted(r.submitted_at for r in found.rows if r.submitted_at)
        _shown(self.timeline, self.timeline_note, NO_SUBMISSION if not times else "")
        if times:
            deadline = self.info.rules.deadline_utc
            self.timeline.draw(
                plots.submissions_over_time(times, deadline),
                f"Step chart of papers submitted over time: {len(times)} between "
                f"{times[0]:%d %b %H:%M} and {times[-1]:%d %b %H:%M} UTC; the deadline, "
                f"{deadline:%d %b %H:%M} UTC, is a dashed red line.",
                "Papers submitted over time (UTC), against the deadline.",
                _per_day_html(times),
            )
        scored = [g for g in found.grades if g.total is not None]
        _shown(self.category_plot, self.category_note, NO_SCORE if not scored else "")
        if scored:
            means = {
                c.name: sum(g.categories.get(c.name, 0) for g in scored) / len(scored)
                for c in self.info.rubric
            }
            maxima = {c.name: c.max_points for c in self.info.rubric}
            shares = ", ".join(f"{n} {100 * means[n] / maxima[n]:.0f} %" for n in maxima)
            self.category_plot.draw(
                plots.scores_by_category(means, maxima),
                f"Bar chart of the mean score per rubric category, as a share of its maximum, "
                f"over {len(scored)} scored paper(s): {shares}.",
                "Mean score per rubric category (% of the category's maximum).",
                _means_html(means, maxima, len(scored)),
            )


def _per_day_html(times: list) -> str:
    """The submissions plot's figures: papers per day (UTC) and the running total."""
    days: dict = {}
    for t in times:
        days[t.date()] = days.get(t.date(), 0) + 1
    rows, total = [], 0
    for day, count in days.items():
        total += count
        rows.append(f"<tr><td>{day:%Y-%m-%d}</td><td>{count}</td><td>{total}</td></tr>")
    return table(["Day (UTC)", "Papers", "So far"], rows, caption="Submissions per day")


def _means_html(means: dict[str, float], maxima: dict[str, int], papers: int) -> str:
    """The score chart's figures: mean points, maximum and share per category."""
    rows = [
        f"<tr><td>{escape(n)}</td><td>{means[n]:.1f}</td><td>{maxima[n]}</td>"
        f"<td>{100 * means[n] / maxima[n]:.0f} %</td></tr>"
        for n in maxima
    ]
    return table(
        ["Category", "Mean", "Maximum", "Share"], rows, caption=f"Mean of {papers} scored paper(s)"
    )


def _shown(plot: Plot, note: w.HTML, empty: str) -> None:
    """Show the plot, or hide it and say ``empty`` in its place."""
    plot.layout.display = "none" if empty else None
    note.value = f"<p class='mb-empty-plot'>{escape(empty)}</p>" if empty else ""


class OverlapsPanel(w.VBox):
    """Pairs of papers (or a paper and the background guide) that share text."""

    def __init__(self):
        self.matches = w.HTML()
        super().__init__([self.matches])

    def show(self, found: Collection) -> None:
        self.matches.value = matches_html(found.matches)
