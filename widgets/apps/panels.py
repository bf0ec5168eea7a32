"""The workbook's panels: feedback here; history, the paper and sources beside.

Each panel is a small widget with its own actions; the workbook app composes
them and tells them when the draft changed. ``HistoryPanel`` (history_panel.py),
``PaperPanel`` (paper_panel.py) and ``SourcesPanel`` (sources.py) are
re-exported from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..core.committees import Committee
from ..store import Delegation
from .feedback_html import scores_html
from .history_panel import HistoryPanel
from .html import data_link, shows_errors
from .paper_panel import PaperPanel, checklist_html
from .sources import SourcesPanel

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

__all__ = [
    "FeedbackPanel",
    "HistoryPanel",
    "PaperPanel",
    "SourcesPanel",
    "checklist_html",
]


class FeedbackPanel(w.VBox):
    """The chairs' scores and comments, shown only once the committee released them."""

    def __init__(self, store: StoreContract, delegation: Delegation, committee: Committee):
        self.store, self.delegation, self.committee = store, delegation, committee
        self.html = w.HTML()
        self.comments_box = w.VBox()  # the comments on the paper (apps.delegate_comments)
        super().__init__([self.html, self.comments_box])

    @shows_errors("html")
    def show(self) -> bool:
        from ..workflows import review

        if not review.feedback_released(self.store, self.committee.key):
            self.html.value = "<p class='mb-guidance'>Your chairs' feedback will appear here once they release it.</p>"
            return False
        grade = next(
            (
                g
                for g in review.grades(self.store.full_store(), self.committee.key)
                if g.delegation_id == self.delegation.id
            ),
            None,
        )
        if grade is None or grade.total is None:
            self.html.value = "<p class='mb-guidance'>Your paper has not been scored.</p>"
            return False
        pdf = review.feedback_pdf(self.store.full_store(), self.delegation.id)
        self.html.value = (
            "<div class='mb-card mb-feedback'><h2>Feedback</h2>"
            + scores_html(grade, self.committee, "Your chairs' scores per rubric category")
            + data_link(pdf, "feedback.pdf", "Download the feedback (PDF)")
            + "<p class='mb-guidance'>The PDF prints your paper with the chairs' comments beside "
            "their passages, numbered in reading order. Every comment is listed below, with the "
            "passage it is on.</p>" + "</div>"
        )
        return True
