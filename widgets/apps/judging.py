"""The chair page's Feedback and binder tab: grades to download, release, the binder.

Each panel is one job with its own message line; each action is a method (the
button calls it, and so do the tests) and reports errors in that line.
"""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core.committees import Committee
from ..core.times import now, parse_local_time
from ..store import Store
from ..workflows import binder, review
from ..workflows.collect import Collection
from .html import bad, busy, data_link, ok, shows_errors, table

BINDER_LINK_BYTES = 15 * 2**20  # larger binders are only written to disk
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ranking_html(graded: list[review.Grade]) -> str:
    rows = [
        f"<tr><td>{g.rank}</td><td>{escape(g.country)}</td><td>{g.total:g}</td><td>{g.chairs}</td>"
        f"<td class='{'mb-bad' if g.flagged else ''}'>"
        f"{f'chairs differ by {g.total_spread:g}' if g.flagged else '–'}</td></tr>"
        for g in graded
        if g.total is not None
    ]
    if not rows:
        return "<p>No paper scored yet.</p>"
    header = ["Rank", "Country", "Final /100", "Chairs", "Spread"]
    return "<b>Ranking</b> (best position paper candidates first)" + table(header, rows)


class GradesPanel(w.VBox):
    """The ranking, and the grades (final and per chair, with comments) to download.

    The files are the tables ``munbook grades`` writes (``workflows.tables``), so the
    page, the CSV and the XLSX show the same figures.
    """

    def __init__(self, store: Store, info: Committee):
        self.store, self.info = store, info
        self.ranking, self.links = w.HTML(), w.HTML()
        button = w.Button(description="Download the grades", icon="download")
        button.on_click(lambda _: self.downloads())
        intro = w.HTML(
            "<p>The final grades (with every chair's comments, the spread and its flag) and "
            "each chair's own scores, as CSV and as an Excel workbook: the tables "
            "<code>munbook grades</code> writes.</p>"
        )
        super().__init__([self.ranking, intro, button, self.links])

    def show(self, found: Collection) -> None:
        self.ranking.value = ranking_html(found.grades)
        self.links.value = ""

    @shows_errors("links")
    def downloads(self) -> str:
        """Links to the grades CSV (final), the per-chair CSV and the XLSX with both sheets."""
        from ..workflows import tables

        key = self.info.key
        per_chair = tables.frame_csv(tables.grades_table(self.store, key, per_chair=True))
        self.links.value = (
            data_link(
                review.grades_csv(self.store, key).encode(),
                f"{key}-grades.csv",
                "Grades (CSV)",
                "text/csv",
            )
            + data_link(
                per_chair.encode(),
                f"{key}-grades-per-chair.csv",
                "Each chair's scores (CSV)",
                "text/csv",
            )
            + data_link(
                tables.grades_xlsx(self.store, key),
                f"{key}-grades.xlsx",
                "Grades and each chair's scores (XLSX)",
                XLSX,
            )
        )
        return self.links.value


class ReleasePanel(w.VBox):
    """When delegates may read their scores and comments.

    A time already past while some submitted papers are unscored is only set
    with "release anyway" ticked: those delegates would see no feedback at once.
    """

    def __init__(self, store: Store, info: Committee):
        self.store, self.info = store, info
        self.release_at = w.Text(description="Release at", placeholder="2027-03-05 09:00")
        self.anyway = w.Checkbox(description="release anyway", indent=False)
        button = w.Button(description="Release feedback")
        button.on_click(lambda _: self.release(self.release_at.value, self.anyway.value))
        self.release_message = w.HTML()
        intro = w.HTML(
            f"<p>Delegates see their scores and comments from this time "
            f"({escape(info.rules.timezone)}), not before.</p>"
        )
        row = w.HBox([self.release_at, button, self.anyway])
        super().__init__([intro, row, self.release_message])

    def unscored(self) -> list[str]:
        """The countries whose latest paper no chair has scored yet."""
        submitted = self.store.latest_submissions(self.info.key, pdf=False)
        return [
            g.country
            for g in review.grades(self.store, self.info.key)
            if g.delegation_id in submitted and g.total is None
        ]

    @shows_errors("release_message")
    def release(self, text: str, anyway: bool = False) -> bool:
        zone = self.info.rules.timezone
        when = parse_local_time(text, zone)
        waiting = self.unscored() if when <= now() else []
        if waiting and not anyway:
            self.release_message.value = bad(
                f"{when.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone}) is already past and "
                f"{len(waiting)} paper(s) are not scored yet ({', '.join(waiting[:5])}"
                f"{', ...' if len(waiting) > 5 else ''}): those delegates would see no "
                "feedback. Choose a later time, or tick “release anyway” and click again. "
                "Nothing was changed."
            )
            return False
        self.store.set_feedback_release(self.info.key, when)
        self.anyway.value = False  # each past release is confirmed on its own
        self.release_message.value = ok(
            f"Delegates will see their feedback from "
            f"{when.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone})."
        )
        return True


class BinderPanel(w.VBox):
    """The committee binder PDF: on-time papers (or all), cover, bookmarks."""

    def __init__(self, store: Store, info: Committee):
        self.store, self.info = store, info
        self.include_all = w.Checkbox(description="include late papers")
        bind = w.Button(description="Build the binder", button_style="success")
        bind.on_click(lambda _: self.build_binder(self.include_all.value))
        self.binder_message = w.HTML()
        super().__init__([w.HBox([bind, self.include_all]), self.binder_message])

    @shows_errors("binder_message")
    def build_binder(self, include_all: bool = False) -> binder.BinderResult | None:
        with busy(self.binder_message, "Building the binder: every paper, a cover and bookmarks…"):
            result = binder.build_binder(self.store, self.info.key, include_all)
        # A chair in a browser cannot open a server path: offer the file itself.
        size = result.path.stat().st_size
        link = (
            data_link(
                result.path.read_bytes(),
                result.path.name,
                f"Download the binder ({result.path.name}, {size / 2**20:.1f} MB)",
            )
            if size < BINDER_LINK_BYTES
            else f"The binder is {size / 2**20:.0f} MB, too large to download here (at most "
            f"{BINDER_LINK_BYTES // 2**20} MB): ask the secretariat for {escape(result.path.name)}."
        )
        left = "".join(f"<li>{escape(c)}: {escape(why)}</li>" for c, why in result.left_out)
        self.binder_message.value = (
            f"<p>{result.papers} papers, {result.pages} pages. {link}</p>"
            + (f"Left out:<ul>{left}</ul>" if left else "")
        )
        return result
