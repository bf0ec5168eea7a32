"""The chair page's actions: scoring on the rubric, releasing feedback, building the binder.

Each panel is one job with its own message line; each action is a method (the
button calls it, and so do the tests) and reports errors in that line.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core import scoring
from ..core.committees import Committee
from ..core.printable import printable
from ..core.times import now, parse_local_time
from ..exceptions import MunbookError
from ..store import Store
from ..workflows import binder, review
from ..workflows.blind import chair_pdf
from ..workflows.collect import Collection
from .html import bad, busy, data_link, ok, shows_errors, table

BINDER_LINK_BYTES = 15 * 2**20  # larger binders are only written to disk


def ranking_html(graded: list[review.Grade]) -> str:
    rows = [
        f"<tr><td>{g.rank}</td><td>{escape(g.country)}</td><td>{g.total:g}</td><td>{g.chairs}</td></tr>"
        for g in graded
        if g.total is not None
    ]
    if not rows:
        return "<p>No paper scored yet.</p>"
    header = ["Rank", "Country", "Total /100", "Chairs"]
    return "<b>Ranking</b> (best position paper candidates first)" + table(header, rows)


class ScoringPanel(w.VBox):
    """One chair's scores and comments for one paper, its PDF, and the ranking."""

    def __init__(self, store: Store, info: Committee, saved: Callable[[], None]):
        self.store, self.info, self.blind, self._saved = (
            store,
            info,
            info.rules.blind_grading,
            saved,
        )
        self.latest: dict[int, dict] = {}
        self.countries: dict[int, str] = {}
        self.chair = w.Text(description="Your name", placeholder="e.g. Ximena")
        self.paper = w.Dropdown(description="Paper", layout=w.Layout(width="24em"))
        self.paper.observe(lambda _: self.show_review(), names="value")
        self.paper_link, self.review_message, self.ranking = w.HTML(), w.HTML(), w.HTML()
        self.scores = {
            # A FloatText, not a BoundedFloatText: that one turns a 12 into 10 without a word.
            c.name: w.FloatText(
                step=0.5,
                description=f"{c.name} (/{c.max_points})",
                style={"description_width": "16em"},
                layout=w.Layout(width="24em"),
            )
            for c in info.rubric
        }
        self.comments = w.Textarea(
            placeholder="Comments for the delegate", layout=w.Layout(width="100%", height="6em")
        )
        save = w.Button(description="Save scores", button_style="primary")
        save.on_click(
            lambda _: self.save_review(
                self.paper.value, self.chair.value, self.values(), self.comments.value
            )
        )
        boxes = [*self.scores.values(), self.comments, save, self.review_message, self.ranking]
        super().__init__([self.chair, w.HBox([self.paper, self.paper_link]), *boxes])

    def values(self) -> dict[str, float]:
        return {name: box.value for name, box in self.scores.items()}

    def show(self, found: Collection) -> None:
        self.latest = found.latest
        self.countries = {r.delegation_id: r.country for r in found.rows}
        self.paper.options = [
            (
                r.country if self.blind else f"{r.country} · {printable(r.delegate) or '–'}",
                r.delegation_id,
            )
            for r in sorted(found.rows, key=lambda r: r.country)
            if r.submitted_at is not None
        ]
        self.ranking.value = ranking_html(found.grades)

    @shows_errors("paper_link")
    def show_review(self) -> None:
        """Load this chair's earlier scores for the chosen paper, and its PDF link."""
        delegation_id = self.paper.value
        if delegation_id is None:
            return
        mine: dict[str, Any] = next(
            (
                r
                for r in self.store.reviews(delegation_id)
                if r["chair"] == self.chair.value.strip()
            ),
            {},
        )
        for name, box in self.scores.items():
            box.value = float(mine.get("scores", {}).get(name, 0))
        self.comments.value = mine.get("comments", "")
        latest = self.store.submission(self.latest[delegation_id]["id"])
        try:  # blind: re-rendered without names (ingested: its text, names withheld)
            pdf = chair_pdf(self.store.delegation(delegation_id), latest, self.blind)
        except MunbookError as exc:
            self.paper_link.value = bad(f"The blind copy could not be made: {exc}")
            return
        label = "Open the paper (PDF, names withheld)" if self.blind else "Open the paper (PDF)"
        self.paper_link.value = data_link(pdf, f"{self.countries[delegation_id]}.pdf", label)

    @shows_errors("review_message")
    def save_review(
        self, delegation_id: int | None, chair: str, scores: dict[str, float], comments: str
    ) -> bool:
        if delegation_id is None:
            raise MunbookError("choose a paper first")
        if not chair.strip():
            raise MunbookError("enter your name, so that each chair's scores are kept apart")
        try:
            checked = scoring.validate_scores(scores, self.info)
        except MunbookError as exc:
            raise MunbookError(f"{exc}: correct the score; nothing was saved") from None
        self.store.save_review(delegation_id, chair.strip(), checked, comments)
        mine = scoring.total(scores, self.info)
        self.review_message.value = ok(f"Saved: {mine:g} / 100 from you.")
        self._saved()
        return True


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
