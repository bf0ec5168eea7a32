"""The advisor reads their school's released feedback: scores, comments, the paper and its PDF.

One delegation at a time, chosen among those the grant sees. Nothing shows
before the committee's release time. The grant and the release are checked
again in ``open_feedback`` (a browser can send any id): an advisor opens only
their own school's delegations. The comments are the chairs' (released) and the
advisors' own; the paper is the latest submission's PDF, and the feedback PDF
is the one the delegate downloads.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core import countries
from ..core.access import Grant
from ..core.comment_view import numbered, visible
from ..core.committees import load
from ..exceptions import AccessDenied, MunbookError
from ..store import Store
from ..workflows import review
from ..workflows.paper_sections import titles
from .comment_html import card_html
from .feedback_html import scores_html
from .html import data_link, set_options


class ReleasedFeedback(w.VBox):
    """Pick a delegation; once its committee released feedback, read it."""

    def __init__(self, store: Store, grant: Grant):
        self.store, self.grant = store, grant
        self.delegation = w.Dropdown(
            description="Delegation", layout=w.Layout(width="100%", max_width="34em")
        )
        self.open_button = w.Button(description="Show feedback", icon="star")
        self.open_button.on_click(lambda _: self.open_feedback(self.delegation.value))
        self.message, self.scores, self.comments = w.HTML(), w.HTML(), w.HTML()
        super().__init__(
            [
                w.HTML(
                    "<p class='mb-guidance'>Once the chairs release their feedback: a "
                    "delegation's scores, every comment on its paper (the chairs' and yours) "
                    "with the passage it is on, the submitted paper and the feedback PDF.</p>"
                ),
                self.delegation,
                self.open_button,
                self.message,
                self.scores,
                self.comments,
            ]
        )
        self.add_class("mb-released-feedback")

    def show(self, options: list[tuple[str, int]]) -> None:
        set_options(self.delegation, options)

    def open_feedback(self, delegation_id: int | None) -> bool:
        """Show a delegation's released feedback (this grant's school only); False otherwise."""
        self.scores.value = self.comments.value = ""
        try:
            if delegation_id is None:
                raise AccessDenied("choose a delegation first")
            delegation = self.store.delegation(int(delegation_id))
            if not self.grant.sees(delegation.school):
                raise AccessDenied("that delegation is not of your school: nothing was opened")
            if not review.feedback_released(self.store, delegation.committee):
                raise MunbookError(
                    f"the {delegation.committee.upper()} chairs have not released feedback yet"
                )
            self._show(delegation)
        except MunbookError as exc:
            self.message.value = f"<p class='mb-over'>{escape(str(exc))}</p>"
            return False
        country = countries.lookup(delegation.country).name
        who = f"{country} · {delegation.delegate or 'no name'}"
        self.message.value = f"<p class='mb-ok'>Feedback for {escape(who)}.</p>"
        return True

    def _show(self, delegation) -> None:
        committee = load(delegation.committee)
        grade = next(
            g for g in review.grades(self.store, committee.key) if g.delegation_id == delegation.id
        )
        subs = self.store.submissions(delegation.id)
        paper = (
            data_link(subs[-1]["pdf"], "paper.pdf", "The submitted paper (PDF)")
            if subs
            else "<p class='mb-guidance'>Nothing was submitted.</p>"
        )
        if grade.total is None:
            self.scores.value = f"<p class='mb-guidance'>Not scored.</p>{paper}"
        else:
            pdf = review.feedback_pdf(self.store, delegation.id)
            self.scores.value = (
                "<div class='mb-card mb-feedback'>"
                + scores_html(grade, committee, "The chairs' scores per rubric category")
                + paper
                + " · "
                + data_link(pdf, "feedback.pdf", "The feedback (PDF)")
                + "</div>"
            )
        shown = [
            c for c in self.store.comments(delegation.id) if visible(c, "advisor", released=True)
        ]
        numbers, named = numbered(shown), titles(committee)
        self.comments.value = (
            f"<h3 class='mb-title'>Comments on the paper ({len(shown)})</h3>"
            + "".join(card_html(c, numbers[c.id], named, replier="The delegate") for c in shown)
            if shown
            else "<p class='mb-quiet'>No comments on this paper.</p>"
        )
