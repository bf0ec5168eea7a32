"""The Grade tab's reader: the paper, the chair's passage comments on it, the review status.

``attach(panel, store)`` puts a ``GradeReader`` in the GradePanel's paper slot,
the review status (``StatusControls``) beside the rubric and the compare part
(``grade_compare.ComparePart``) under the paper; the panel tells them each paper
it shows (Next, Previous, a Submissions row). One reader, not two copies: the
whole paper reads as text; a section chosen shows that section's text to select
a passage in (``PaperComments``). Blind committees: names withheld in both, so
a chair's quotes and offsets are in the text as the chair saw it.
"""

from __future__ import annotations

import ipywidgets as w

from ..core.committees import Committee
from ..core.staff import StaffIdentity
from ..store import Store
from ..workflows import grading
from .grade_compare import ComparePart, shown_for
from .paper_comments import PaperComments
from .paper_text import PaperText
from .paper_versions import paper_comments_for
from .review_status import StatusControls

CHOOSE_SECTION = (
    "To comment on a passage, choose its section: its text shows to select in "
    "(mouse, or the keyboard). “The whole paper” shows the paper to read."
)


class GradeReader(w.VBox):
    """The paper slot of the Grade tab: ``show``/``clear`` as PaperText, ``show_paper`` a paper."""

    def __init__(self, store: Store, identity: StaffIdentity, blind: bool):
        self.store, self.identity, self.blind = store, identity, blind
        self.text = PaperText()
        self.comments: PaperComments | None = None
        self.opened: tuple[int, int] | None = None  # (delegation, submission) shown
        self.guide = w.HTML(f"<p class='mb-guidance'>{CHOOSE_SECTION}</p>")
        super().__init__([self.text])
        self.add_class("mb-grade-comments")

    @property
    def value(self) -> str:
        """The paper's text as HTML (as ``PaperText.value``)."""
        return str(self.text.value)

    @property
    def sections(self) -> list[tuple[str, str]]:
        return self.text.sections

    def show(self, sections: list[tuple[str, str]]) -> None:
        self.text.show(sections)

    def clear(self, note: str = "") -> None:
        self.text.clear(note)
        self.comments, self.opened = None, None
        self.children = [self.text]

    def show_paper(self, paper: grading.Paper) -> None:
        """Comments on the paper's submission shown; the same one again: read them again."""
        here = (paper.row.delegation_id, int(paper.submission["id"]))
        if here == self.opened and self.comments is not None:
            self.comments.refresh()
            return
        comments = paper_comments_for(
            self.store,
            here[0],
            self.identity,
            submission_id=here[1],
            shown=shown_for(paper.row, self.blind),
        )
        parts = list(comments.children)
        parts[parts.index(comments.section) + 1 : parts.index(comments.section) + 1] = [self.text]
        parts.insert(parts.index(comments.section), self.guide)
        comments.children = parts
        comments.section.observe(lambda _: self._whole(), names="value")
        self.comments, self.opened = comments, here
        self.children = [comments]
        self._whole()

    def _whole(self) -> None:
        """The paper's text while "the whole paper" is chosen; else the section's only."""
        assert self.comments is not None
        self.text.layout.display = "none" if self.comments.section.value else ""


class StatusPart(w.VBox):
    """The review status of the paper's latest submission (rebuilt for another one)."""

    def __init__(self, store: Store, info: Committee, identity: StaffIdentity, changed):
        self.store, self.info, self.identity, self._changed = store, info, identity, changed
        self.controls: StatusControls | None = None
        self.seen = ""  # the status the collection last said (a refresh reads no more)
        super().__init__([])
        self.add_class("mb-grade-status")

    def show_paper(self, paper: grading.Paper | None) -> None:
        if paper is None:
            self.controls, self.children = None, []
            return
        submission = int(paper.submission["id"])
        if self.controls is not None and self.controls.submission_id == submission:
            if paper.row.review_status != self.seen:  # set elsewhere: read it again
                self.controls.show()
            self.seen = paper.row.review_status
            return
        self.seen = paper.row.review_status
        self.controls = StatusControls(
            self.store,
            self.info.key,
            submission,
            set_by_key=self.identity.key,
            set_by_name=self.identity.name,
            changed=self._changed,
        )
        self.children = [w.HTML("<h3>Review status</h3>"), self.controls]


def attach(panel, store: Store) -> tuple[GradeReader, StatusPart, ComparePart]:
    """Give a GradePanel the comments reader, the status and the compare part."""
    blind = panel.info.rules.blind_grading
    reader = GradeReader(store, panel.identity, blind)
    status = StatusPart(store, panel.info, panel.identity, panel._saved)
    compare = ComparePart(store, panel.info, blind)
    panel.marking.children = [*panel.marking.children, status]
    panel.reader.children = [*panel.reader.children, compare]
    panel.set_paper_text(reader)

    def opened(paper: grading.Paper | None) -> None:
        if paper is not None:
            reader.show_paper(paper)
        status.show_paper(paper)
        compare.show_paper(paper)

    panel.on_paper.append(opened)
    if panel.current is not None and panel.found is not None:
        opened(grading.paper(panel.found, panel.current))
    return reader, status, compare
