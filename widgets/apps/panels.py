"""The workbook's working panels: history, the paper (preview and submit), feedback.

Each panel is a small widget with its own actions; the workbook app composes
them (and the Sources panel, in ``sources.py``) and tells them when the draft changed.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from .. import settings
from ..core.committees import Committee
from ..core.countries import Country
from ..exceptions import MunbookError
from ..store import Delegation, Store
from .html import data_link, shows_errors


class HistoryPanel(w.VBox):
    """Every stored version; restoring one is the workbook's job (``on_restore``)."""

    def __init__(self, store: Store, delegation_id: int, on_restore: Callable[[int], bool]):
        self.store, self.delegation_id, self._on_restore = store, delegation_id, on_restore
        self.history = w.Dropdown(options=[], layout=w.Layout(width="30em"))
        restore = w.Button(description="Restore this version")
        refresh = w.Button(description="Refresh list", icon="refresh")
        restore.on_click(lambda _: self.restore(self.history.value))
        refresh.on_click(lambda _: self.fill())
        self.message = w.HTML()
        super().__init__(
            [
                w.HTML(
                    "<p class='mb-guidance'>Every save is kept as a version (older ones are thinned to one "
                    "per hour). Restoring saves the old text as a new version: nothing is lost.</p>"
                ),
                w.HBox([self.history, restore, refresh]),
                self.message,
            ]
        )

    def fill(self) -> None:
        entries = self.store.draft_history(self.delegation_id)[:200]
        self.history.options = [
            (f"version {v} · {t:%Y-%m-%d %H:%M:%S} UTC · {n} words", v) for v, t, n in entries
        ]

    @shows_errors("message")
    def restore(self, version: int | None) -> bool:
        if not version or not self._on_restore(version):
            return False
        latest = self.store.draft_history(self.delegation_id)[0][0]
        self.message.value = f"Version {version} restored as version {latest}."
        self.fill()
        return True


def checklist_html(violations: list) -> str:
    """The checklist: blocking problems first, then warnings; a tick when all is well."""
    if not violations:
        return "<div class='mb-status mb-checklist'>✓ The paper meets every rule of the committee.</div>"
    rows = "".join(
        f"<li class='{'mb-over' if v.blocking else ''}'>{'✗ must fix' if v.blocking else '! check'}: "
        f"{escape(v.message)}</li>"
        for v in sorted(violations, key=lambda v: not v.blocking)
    )
    return f"<div class='mb-checklist'><b>Checklist</b><ul>{rows}</ul></div>"


class PaperPanel(w.VBox):
    """The PDF as the chair will read it: checklist, page images, download, submit.

    ``before`` runs first (the workbook saves pending typing), so the paper is
    always the latest saved draft.
    """

    def __init__(
        self,
        store: Store,
        delegation: Delegation,
        committee: Committee,
        country: Country,
        before: Callable[[], object],
    ):
        self.store, self.delegation, self.committee, self.country = (
            store,
            delegation,
            committee,
            country,
        )
        self._before = before
        self.violations: list = []
        self.checklist, self.pages_label, self.download, self.receipt = (
            w.HTML(),
            w.HTML(),
            w.HTML(),
            w.HTML(),
        )
        self.preview = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        refresh = w.Button(description="Refresh preview", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        submit = w.Button(description="Submit my paper", button_style="success")
        submit.on_click(lambda _: self.submit())
        super().__init__(
            [
                w.HTML(
                    "<p class='mb-guidance'>The PDF your chair will read. Fix what the checklist flags, then "
                    "submit. You may resubmit until the deadline; later submissions are marked late.</p>"
                ),
                self.checklist,
                w.HBox([refresh, submit]),
                self.receipt,
                self.pages_label,
                self.download,
                self.preview,
            ]
        )

    @shows_errors("checklist")
    def refresh(self) -> None:
        """Render the latest saved draft: checklist, page images, page count, PDF link."""
        from ..core.checks import check
        from ..paper.export import render
        from ..workflows.papers import latest_paper

        self._before()
        try:
            nb = latest_paper(self.store, self.delegation.id)
            # One compile gives the PDF and the page images (it used to be two compiles).
            pdf = render(nb, images=True, ppi=50)
        except MunbookError as exc:  # a limit, a character, or the sandbox's time or memory
            self.checklist.value = (
                f"<div class='mb-conflict'><b>Cannot make the PDF:</b> {escape(str(exc))}</div>"
            )
            self.preview.children, self.download.value, self.pages_label.value = [], "", ""
            return
        self.violations = check(nb, self.committee, pdf)
        self.checklist.value = checklist_html(self.violations)
        limit = self.committee.rules.max_pages
        allowed = f" of {limit} allowed" if limit else ""
        css = "mb-over" if limit and pdf.body_pages > limit else "mb-status"
        self.pages_label.value = (
            f"<div class='{css}'>{pdf.body_pages} page{'s' * (pdf.body_pages != 1)}{allowed}"
            f" (plus {pdf.pages - pdf.body_pages} for works cited)</div>"
        )
        name = f"{settings.slug(self.country.name)}-{self.committee.key}-position-paper.pdf"
        self.download.value = data_link(pdf.pdf, name, "Download PDF", css="mb-download")
        self.preview.children = [
            w.Image(
                value=png,
                format="png",
                layout=w.Layout(width="380px", margin="4px", border="1px solid #d5dde6"),
            )
            for png in pdf.images
        ]

    @shows_errors("receipt")
    def submit(self):
        """Submit the latest saved draft; show the receipt or what blocks it."""
        from ..workflows.submit import SubmissionBlocked, submit

        self._before()
        try:
            receipt = submit(self.store, self.delegation.id)
        except SubmissionBlocked as exc:
            items = "".join(f"<li>{escape(v.message)}</li>" for v in exc.violations)
            self.receipt.value = f"<div class='mb-conflict'><b>Not submitted.</b> Fix these first:<ul>{items}</ul></div>"
            return None
        except MunbookError as exc:
            self.receipt.value = (
                f"<div class='mb-conflict'><b>Not submitted:</b> {escape(str(exc))}</div>"
            )
            return None
        late = (
            f"<b class='mb-over'>late by {receipt.seconds_late // 60} minutes</b>"
            if receipt.seconds_late
            else "on time"
        )
        pages = f"{receipt.pages} page{'s' * (receipt.pages != 1)}"
        self.receipt.value = (
            f"<div class='mb-card mb-box mb-receipt'><b>Submitted</b> {receipt.submitted_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{late}. {pages}, {receipt.words} words.<br>Receipt (SHA-256 of your PDF): "
            f"<code>{receipt.sha256}</code></div>"
        )
        return receipt


class FeedbackPanel(w.VBox):
    """The chairs' scores and comments, shown only once the committee released them."""

    def __init__(self, store: Store, delegation: Delegation, committee: Committee):
        self.store, self.delegation, self.committee = store, delegation, committee
        self.html = w.HTML()
        super().__init__([self.html])

    @shows_errors("html")
    def show(self) -> bool:
        from ..workflows import review

        if not review.feedback_released(self.store, self.committee.key):
            self.html.value = "<p class='mb-guidance'>Your chairs' feedback will appear here once they release it.</p>"
            return False
        grade = next(
            (
                g
                for g in review.grades(self.store, self.committee.key)
                if g.delegation_id == self.delegation.id
            ),
            None,
        )
        if grade is None or grade.total is None:
            self.html.value = "<p class='mb-guidance'>Your paper has not been scored.</p>"
            return False
        rows = "".join(
            f"<tr><td>{escape(c.name)}</td><td>{c.weight:g} %</td>"
            f"<td>{grade.categories.get(c.name, 0):g} / {c.max_points}</td></tr>"
            for c in self.committee.rubric
        )
        comments = "".join(f"<blockquote>{escape(text)}</blockquote>" for _, text in grade.comments)
        pdf = review.feedback_pdf(self.store, self.delegation.id)
        self.html.value = (
            f"<div class='mb-card mb-feedback'><h2>Feedback</h2><table><tr><th>Category</th><th>Weight</th>"
            f"<th>Score</th></tr>{rows}<tr><td><b>Total</b></td><td></td><td><b>{grade.total:g} / 100</b>"
            f"</td></tr></table>{comments}"
            + data_link(pdf, "feedback.pdf", "Download the feedback (PDF)")
            + "</div>"
        )
        return True
