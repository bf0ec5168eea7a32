"""The chair app: collection, similarity, scoring, feedback release and the binder.

Shown by notebooks/chair.ipynb behind a chair's access code; the code decides
the committee. Blind committees hide delegate and school. Each action is a
method, so tests drive the same code the buttons do.
"""

from __future__ import annotations

import base64
from html import escape

import ipywidgets as w

from ..core import committees, scoring, similarity
from ..core.printable import printable
from ..core.times import parse_local_time
from ..exceptions import MunbookError
from ..store import Store
from ..workflows import binder, review
from ..workflows.blind import chair_pdf
from ..workflows.collect import Row, collection, rows_csv
from . import plots
from .gate import CodeGate
from .html import STATUS_CLASS, TABLE_STYLE

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


def collection_html(rows: list[Row], blind: bool) -> str:
    """One row per delegation: who, when, on time or late, or missing, and the flags."""
    header = [
        "Country",
        *([] if blind else ["Delegate", "School"]),
        "Status",
        "Submitted",
        "Late by",
        "Pages",
        "Words",
        "Rule issues",
        "Similar to",
        "Score",
    ]
    body = []
    for r in rows:
        who = [] if blind else [printable(r.delegate) or "–", printable(r.school) or "–"]
        cells = "".join(f"<td>{escape(c)}</td>" for c in [r.country, *who])
        issues = "<br>".join(escape(v) for v in r.violations) or "–"
        similar = (
            f"<span class='mb-bad'>{escape(r.similar_to)} ({r.similarity:.0%})</span>"
            if r.similar_to
            else "–"
        )
        when = f"{r.submitted_at:%Y-%m-%d %H:%M} UTC" if r.submitted_at else "–"
        body.append(
            f"<tr>{cells}<td class='{STATUS_CLASS.get(r.status, '')}'>{escape(r.status)}"
            f"{' (ingested)' if r.ingested else ''}</td><td>{when}</td>"
            f"<td>{_duration(r.seconds_late) if r.seconds_late else '–'}</td><td>{r.pages or '–'}</td>"
            f"<td>{r.words or '–'}</td><td>{issues}</td><td>{similar}</td>"
            f"<td>{'–' if r.score is None else f'{r.score:g}'}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in header)
    rows_html = "".join(body) or f"<tr><td colspan='{len(header)}'>No delegations yet.</td></tr>"
    return f"{TABLE_STYLE}<table class='mb-table'><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>"


def matches_html(matches: list[similarity.Match]) -> str:
    flagged = [m for m in matches if m.flagged]
    if not flagged:
        return f"<p>No pair of papers shares {similarity.THRESHOLD:.0%} or more of its 5-word runs.</p>"
    parts = []
    for m in flagged:
        other = "the committee's background guide" if m.second == "background" else m.second
        rows = "".join(
            f"<tr><td style='vertical-align:top;width:50%'>{escape(a)}</td>"
            f"<td style='vertical-align:top'>{escape(b)}</td></tr>"
            for a, b in m.passages
        )
        parts.append(
            f"<h4>{escape(m.first)} and {escape(other)}: {m.score:.0%} of 5-word runs shared</h4>"
            f"<table class='mb-table'><tr><th>{escape(m.first)}</th><th>{escape(other)}</th></tr>{rows}</table>"
        )
    return TABLE_STYLE + "".join(parts)


def _link(data: bytes, name: str, label: str, mime: str) -> str:
    return (
        f"<a download='{escape(name)}' href='data:{mime};base64,{base64.b64encode(data).decode()}'>"
        f"{escape(label)}</a>"
    )


class ChairPage(w.VBox):
    """Everything a chair does after opening the app, for one committee."""

    def __init__(self, store: Store, committee: str):
        self.store = store
        self.info = committees.load(committee)
        self.blind = self.info.rules.blind_grading
        h = lambda title: w.HTML(f"<h3 style='font-family:Georgia,serif'>{title}</h3>")  # noqa: E731
        self.sort = w.Dropdown(options=list(SORT_KEYS), value="country", description="Sort by")
        self.sort.observe(lambda _: self.refresh(), names="value")
        refresh = w.Button(description="Refresh", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        self.summary, self.table, self.csv_link = w.HTML(), w.HTML(), w.HTML()
        plot_layout = w.Layout(width="470px")
        self.timeline = w.Image(format="png", layout=plot_layout)
        self.category_plot = w.Image(format="png", layout=plot_layout)
        self.matches = w.HTML()
        self.chair = w.Text(description="Your name", placeholder="e.g. Ximena")
        self.paper = w.Dropdown(description="Paper", layout=w.Layout(width="24em"))
        self.paper.observe(lambda _: self.show_review(), names="value")
        self.paper_link = w.HTML()
        self.scores = {
            c.name: w.BoundedFloatText(
                min=0,
                max=c.max_points,
                step=0.5,
                description=f"{c.name} (/{c.max_points})",
                style={"description_width": "16em"},
                layout=w.Layout(width="24em"),
            )
            for c in self.info.rubric
        }
        self.comments = w.Textarea(
            placeholder="Comments for the delegate", layout=w.Layout(width="100%", height="6em")
        )
        save = w.Button(description="Save scores", button_style="primary")
        save.on_click(
            lambda _: self.save_review(
                self.paper.value, self.chair.value, self._scores(), self.comments.value
            )
        )
        self.review_message, self.ranking = w.HTML(), w.HTML()
        self.release_at = w.Text(description="Release at", placeholder="2027-03-05 09:00")
        release = w.Button(description="Release feedback")
        release.on_click(lambda _: self.release(self.release_at.value))
        self.release_message = w.HTML()
        self.include_all = w.Checkbox(description="include late papers")
        bind = w.Button(description="Build the binder", button_style="success")
        bind.on_click(lambda _: self.build_binder(self.include_all.value))
        self.binder_message = w.HTML()
        super().__init__(
            [
                w.HTML(
                    f"<h2 style='font-family:Georgia,serif'>munbook · chair · {escape(self.info.acronym)}"
                    f"{' · blind grading' if self.blind else ''}</h2>"
                ),
                h("Submissions"),
                w.HBox([self.sort, refresh]),
                self.summary,
                self.table,
                self.csv_link,
                w.HBox([self.timeline, self.category_plot]),
                h("Overlapping text"),
                self.matches,
                h("Scoring"),
                self.chair,
                w.HBox([self.paper, self.paper_link]),
                *self.scores.values(),
                self.comments,
                save,
                self.review_message,
                self.ranking,
                h("Feedback"),
                w.HTML(
                    f"<p>Delegates see their scores and comments from this time "
                    f"({escape(self.info.rules.timezone)}), not before.</p>"
                ),
                w.HBox([self.release_at, release]),
                self.release_message,
                h("Binder"),
                w.HBox([bind, self.include_all]),
                self.binder_message,
            ]
        )
        self.refresh()

    def _scores(self) -> dict[str, float]:
        return {name: box.value for name, box in self.scores.items()}

    def refresh(self) -> None:
        found = collection(self.store, self.info.key, passages=True)
        self.latest = found.latest
        rows = sorted(found.rows, key=SORT_KEYS[self.sort.value])
        self.rows = rows
        counts = {s: sum(r.status == s for r in rows) for s in ("submitted", "late", "missing")}
        self.summary.value = (
            f"<p><b>{counts['submitted']}</b> on time, <b>{counts['late']}</b> late, "
            f"<b>{counts['missing']}</b> missing.</p>"
        )
        self.table.value = collection_html(rows, self.blind)
        self.csv_link.value = _link(
            rows_csv(rows, self.blind).encode(),
            f"{self.info.key}-submissions.csv",
            "Download the table (CSV)",
            "text/csv",
        )
        times = [r.submitted_at for r in rows if r.submitted_at]
        self.timeline.value = plots.submissions_over_time(times, self.info.rules.deadline_utc)
        graded = found.grades
        means: dict[str, float] = {}
        scored = [g for g in graded if g.total is not None]
        for c in self.info.rubric:
            means[c.name] = (
                sum(g.categories.get(c.name, 0) for g in scored) / len(scored) if scored else 0
            )
        self.category_plot.value = plots.scores_by_category(
            means, {c.name: c.max_points for c in self.info.rubric}
        )
        self.matches.value = matches_html(found.matches)
        self.paper.options = [
            (
                r.country if self.blind else f"{r.country} · {printable(r.delegate) or '–'}",
                r.delegation_id,
            )
            for r in sorted(rows, key=lambda r: r.country)
            if r.status != "missing"
        ]
        self.ranking.value = self._ranking_html(graded)

    def _ranking_html(self, graded: list[review.Grade]) -> str:
        rows = "".join(
            f"<tr><td>{g.rank}</td><td>{escape(g.country)}</td><td>{g.total:g}</td><td>{g.chairs}</td></tr>"
            for g in graded
            if g.total is not None
        )
        if not rows:
            return "<p>No paper scored yet.</p>"
        return (
            f"{TABLE_STYLE}<b>Ranking</b> (best position paper candidates first)<table class='mb-table'>"
            f"<tr><th>Rank</th><th>Country</th><th>Total /100</th><th>Chairs</th></tr>{rows}</table>"
        )

    def show_review(self) -> None:
        """Load this chair's earlier scores for the chosen paper, and its PDF link."""
        delegation_id = self.paper.value
        if delegation_id is None:
            return
        mine = next(
            (
                r
                for r in self.store.reviews(delegation_id)
                if r["chair"] == self.chair.value.strip()
            ),
            None,
        )
        for name, box in self.scores.items():
            box.value = float((mine or {}).get("scores", {}).get(name, 0))
        self.comments.value = (mine or {}).get("comments", "")
        latest = self.store.submission(self.latest[delegation_id]["id"])
        country = next(r.country for r in self.rows if r.delegation_id == delegation_id)
        try:  # blind: re-rendered without names (ingested: its text, names withheld)
            pdf = chair_pdf(self.store.delegation(delegation_id), latest, self.blind)
        except MunbookError as exc:
            self.paper_link.value = (
                f"<span class='mb-bad'>The blind copy could not be made: {escape(str(exc))}</span>"
            )
            return
        label = "Open the paper (PDF, names withheld)" if self.blind else "Open the paper (PDF)"
        self.paper_link.value = _link(pdf, f"{country}.pdf", label, "application/pdf")

    def save_review(
        self, delegation_id: int | None, chair: str, scores: dict[str, float], comments: str
    ) -> bool:
        try:
            if delegation_id is None:
                raise MunbookError("choose a paper first")
            if not chair.strip():
                raise MunbookError("enter your name, so that each chair's scores are kept apart")
            self.store.save_review(
                delegation_id, chair.strip(), scoring.validate_scores(scores, self.info), comments
            )
        except MunbookError as exc:
            self.review_message.value = f"<span class='mb-bad'>{escape(str(exc))}</span>"
            return False
        mine = scoring.total(scores, self.info)
        self.review_message.value = f"<span class='mb-ok'>Saved: {mine:g} / 100 from you.</span>"
        self.refresh()
        return True

    def release(self, text: str) -> bool:
        try:
            when = parse_local_time(text, self.info.rules.timezone)
        except MunbookError as exc:
            self.release_message.value = f"<span class='mb-bad'>{escape(str(exc))}</span>"
            return False
        self.store.set_feedback_release(self.info.key, when)
        self.release_message.value = (
            f"<span class='mb-ok'>Delegates will see their feedback from "
            f"{when:%Y-%m-%d %H:%M} ({escape(self.info.rules.timezone)}).</span>"
        )
        return True

    def build_binder(self, include_all: bool = False):
        try:
            result = binder.build_binder(self.store, self.info.key, include_all)
        except MunbookError as exc:
            self.binder_message.value = f"<span class='mb-bad'>{escape(str(exc))}</span>"
            return None
        size = result.path.stat().st_size
        link = (
            _link(
                result.path.read_bytes(), result.path.name, "Download the binder", "application/pdf"
            )
            if size < 15 * 2**20
            else ""
        )
        left = "".join(f"<li>{escape(c)}: {escape(why)}</li>" for c, why in result.left_out)
        self.binder_message.value = (
            f"<p>{result.papers} papers, {result.pages} pages, written to "
            f"<code>{escape(str(result.path))}</code>. {link}</p>"
            + (f"Left out:<ul>{left}</ul>" if left else "")
        )
        return result


def committee_for_chair_code(store: Store, code: str) -> str | None:
    """The committee this chair code opens, if any."""
    return next(
        (key for key in committees.all_committees() if store.check_code(code, "chair", key)), None
    )


def chair_app(store: Store | None = None) -> CodeGate:
    """The chair's page behind a chair access code; a notebook shows it as its output."""
    store = store or Store()
    return CodeGate(
        "munbook · chair",
        check=lambda code: committee_for_chair_code(store, code),
        open_page=lambda committee: ChairPage(store, committee),
        scope="chair",
        store=store,
    )
