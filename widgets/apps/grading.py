"""The chair page's Grade tab: one paper at a time beside the rubric, and a queue.

The queue (``workflows.grading``) is the committee's submitted papers, filtered
(not scored by me, all, flagged); Previous / Next walk it in country order.
The paper is shown as text (``paper_text``, a slot a passage-comment reader
may replace), page images on demand. The rubric shows each criterion's
description and weight and how the points add up, as they are typed. Scores
are saved under the chair's identity key (``StaffIdentity``), never a typed
name: a chair can only ever write their own review. Other chairs' scores and
their spread show once the chair has saved their own.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import scoring
from ..core.committees import Committee
from ..core.printable import printable
from ..core.staff import StaffIdentity
from ..exceptions import AccessDenied, MunbookError
from ..store import Store
from ..workflows import grading
from ..workflows.collect import Collection
from .grade_parts import RubricForm, spread_html
from .html import bad, busy, ok, shows_errors
from .paper_text import PaperText

COMMENT_CHARS = 5_000  # one chair's comment on one paper


class GradePanel(w.VBox):
    """The queue, the paper and the rubric; ``open_paper(id)``, ``next()``, ``save(...)``."""

    def __init__(
        self, store: Store, info: Committee, identity: StaffIdentity, saved: Callable[[], None]
    ):
        self.store, self.info, self.identity, self._saved = store, info, identity, saved
        self.blind = info.rules.blind_grading
        self.found: Collection | None = None
        self.current: int | None = None
        self.ids: list[int] = []
        self.on_paper: list[Callable[[grading.Paper | None], None]] = []  # told each paper shown
        self.filter = w.Dropdown(
            options=[(label, key) for key, label in grading.FILTERS.items()],
            value="mine",
            description="Show",
            layout=w.Layout(width="20em"),
        )
        self.filter.observe(lambda _: self.choose(), names="value")
        self.previous_button = w.Button(description="Previous", icon="arrow-left")
        self.next_button = w.Button(description="Next", icon="arrow-right")
        self.previous_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.position, self.heading, self.message = w.HTML(), w.HTML(), w.HTML()
        self.paper_text = PaperText()  # the slot: a passage-comment reader may take its place
        self.images_button = w.Button(description="Show page images", icon="image")
        self.images_button.on_click(lambda _: self.show_images())
        self.pdf_button = w.Button(description="Get the PDF", icon="file")
        self.pdf_button.on_click(lambda _: self.pdf_link())
        self.images, self.pdf = w.HTML(), w.HTML()
        self.rubric = RubricForm(info)
        self.comments = w.Textarea(
            placeholder=f"Your comments for the delegate (at most {COMMENT_CHARS:,} characters)",
            layout=w.Layout(width="100%", height="7em"),
        )
        self.save_button = w.Button(description="Save my scores", button_style="primary")
        self.save_button.on_click(
            lambda _: self.save(self.current, self.rubric.values(), self.comments.value)
        )
        self.spread = w.HTML()
        bar = w.HBox([self.filter, self.previous_button, self.next_button], layout=_wrap())
        body = w.HBox([self._reader(), self._marking()], layout=_wrap())
        super().__init__([bar, self.position, body])
        self.add_class("mb-grade")

    def _reader(self) -> w.VBox:
        self.reader = w.VBox(
            [
                self.heading,
                w.HBox([self.images_button, self.pdf_button], layout=_wrap()),
                self.pdf,
                self.paper_text,
                self.images,
            ],
            layout=w.Layout(flex="1 1 28em", min_width="0"),
        )
        self.reader.add_class("mb-grade-reader")
        return self.reader

    def _marking(self) -> w.VBox:
        self.marking = marking = w.VBox(
            [self.rubric, self.comments, self.save_button, self.message, self.spread],
            layout=w.Layout(flex="1 1 22em", min_width="0"),
        )
        marking.add_class("mb-grade-rubric")
        return marking

    def set_paper_text(self, reader: w.Widget) -> None:
        """Put another reader in the paper's slot (anything with ``show`` and ``clear``)."""
        children = list(self.reader.children)
        children[children.index(self.paper_text)] = reader
        self.paper_text = reader
        self.reader.children = children
        if self.current is not None:
            self._display(self.current)

    # ---- the queue ---------------------------------------------------------------

    def show(self, found: Collection) -> None:
        """A new reading of the committee: the queue again, the same paper if it is still there."""
        self.found = found
        self.choose(keep=True)

    def choose(self, keep: bool = False) -> None:
        """Apply the filter; open the current paper again (``keep``) or the queue's first."""
        if self.found is None:
            return
        self.ids = grading.queue(self.found, self.info, self.identity.key, self.filter.value)
        if keep and self.current in self.found.latest:
            self._display(self.current)
        elif self.ids:
            self._display(self.ids[0])
        else:
            self.current = None
            self._empty()

    @shows_errors("message")
    def open_paper(self, delegation_id: int) -> bool:
        """Open one paper of this committee (from the Submissions table, say)."""
        if self.found is None or delegation_id not in self.found.latest:
            raise AccessDenied("that is not a submitted paper of this committee")
        if delegation_id not in self.ids:
            self.filter.value = "all"  # shown in its queue, so Next and Previous make sense
        self._display(delegation_id)
        return True

    def next(self) -> bool:
        return self._step(+1)

    def previous(self) -> bool:
        return self._step(-1)

    def _step(self, by: int) -> bool:
        """The queue's next (previous) paper after the current one, in country order."""
        if self.found is None or not self.ids:
            return False
        order = [r.delegation_id for r in self.found.rows]
        here = order.index(self.current) if self.current in order else -1
        ahead = [i for i in self.ids if (order.index(i) - here) * by > 0]
        if not ahead:
            return False
        self._display(ahead[0] if by > 0 else ahead[-1])
        return True

    # ---- one paper -----------------------------------------------------------------

    def _display(self, delegation_id: int) -> None:
        assert self.found is not None
        self.current = delegation_id
        paper = grading.paper(self.found, delegation_id)
        row = paper.row
        who = (
            ""
            if self.blind
            else f" · {printable(row.delegate) or '–'} · {printable(row.school) or '–'}"
        )
        flags = [f for f in _flags(paper, self.info) if f]
        self.heading.value = (
            f"<h2 class='mb-grade-title'>{escape(row.country)}{escape(who)}</h2>"
            f"<p class='mb-quiet'>{escape(row.status)} · {_count(row.pages, 'page')} · "
            f"{_count(row.words, 'word')}{''.join(f' · {escape(f)}' for f in flags)}</p>"
        )
        self.paper_text.show(grading.sections(paper.submission, row, self.blind))
        self.images.value = self.pdf.value = self.message.value = ""
        mine = paper.grade.mine(self.identity.key) if paper.grade else None
        self.rubric.load(mine.scores if mine else {})
        self.comments.value = mine.comments if mine else ""
        self.spread.value = spread_html(paper.grade, self.identity.key, self.info)
        for told in self.on_paper:
            told(paper)
        self._position()  # last: what the browser bench waits for

    def _position(self) -> None:
        assert self.found is not None
        done, submitted = grading.scored_by(self.found, self.identity.key)
        where = (
            f"Paper {self.ids.index(self.current) + 1} of {len(self.ids)} in this list"
            if self.current in self.ids
            else "Not in this list any more"
        )
        self.position.value = (
            f"<p class='mb-grade-position'>{where} · <b>{done} of {submitted}</b> scored by you"
            f" ({escape(self.identity.name)})</p>"
        )
        order = [r.delegation_id for r in self.found.rows]
        here = order.index(self.current) if self.current in order else -1
        self.previous_button.disabled = not any(order.index(i) < here for i in self.ids)
        self.next_button.disabled = not any(order.index(i) > here for i in self.ids)

    def _empty(self) -> None:
        said = {
            "mine": "You have scored every submitted paper.",
            "all": "No paper submitted yet.",
            "changes": "No paper awaits the changes a chair asked for.",
            "revised": "No paper has been revised yet.",
        }.get(self.filter.value, "No paper is flagged so.")
        self.heading.value = self.spread.value = self.images.value = self.pdf.value = ""
        self.paper_text.clear(said)
        self.rubric.load({})
        self.comments.value = ""
        for told in self.on_paper:
            told(None)
        if self.found is not None:
            self._position()
            self.position.value = self.position.value.replace("Not in this list any more", said)

    @shows_errors("message")
    def save(self, delegation_id: int | None, scores: dict[str, float], comments: str) -> bool:
        """Save this chair's scores and comment for one paper (their own row only)."""
        if delegation_id is None:
            raise MunbookError("choose a paper first")
        if self.found is None or delegation_id not in self.found.latest:
            raise AccessDenied("that is not a submitted paper of this committee; nothing was saved")
        if len(comments) > COMMENT_CHARS:
            raise MunbookError(
                f"a comment has at most {COMMENT_CHARS:,} characters; this one has "
                f"{len(comments):,}: shorten it. Nothing was saved"
            )
        try:
            checked = scoring.validate_scores(scores, self.info)
        except MunbookError as exc:
            raise MunbookError(f"{exc}: correct the score; nothing was saved") from None
        self.store.save_review(delegation_id, self.identity.key, checked, comments)
        self._saved()  # the page reads the committee again: every tab shows the new scores
        self.message.value = ok(f"Saved: {scoring.total(checked, self.info):g} / 100 from you.")
        return True

    @shows_errors("images")
    def show_images(self) -> None:
        """The current paper's pages as images (rendered on demand: a second or so)."""
        if self.current is None or self.found is None:
            return
        paper = grading.paper(self.found, self.current)
        delegation = self.store.delegation(self.current)
        with busy(self.images, "Rendering the pages…", self.images_button):
            pngs = grading.page_images(paper.submission, paper.row, delegation, self.blind)
        self.images.value = "".join(
            f"<img class='mb-page-image' alt='Page {n} of {len(pngs)}' "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
            for n, png in enumerate(pngs, start=1)
        )

    @shows_errors("pdf")
    def pdf_link(self) -> None:
        """A link to the current paper's PDF (blind: made again without names)."""
        from ..workflows.blind import chair_pdf
        from .html import data_link

        if self.current is None or self.found is None:
            return
        row = grading.paper(self.found, self.current).row
        submission = self.store.submission(self.found.latest[self.current]["id"])
        try:
            pdf = chair_pdf(self.store.delegation(self.current), submission, self.blind)
        except MunbookError as exc:
            self.pdf.value = bad(f"The blind copy could not be made: {exc}")
            return
        label = "Open the paper (PDF, names withheld)" if self.blind else "Open the paper (PDF)"
        self.pdf.value = data_link(pdf, f"{row.country}.pdf", label)


def _flags(paper: grading.Paper, info: Committee) -> list[str]:
    row = paper.row
    return [
        "late" if row.status == "late" else "",
        "too long" if grading.too_long(row, info) else "",
        f"similar to {row.similar_to} ({row.similarity:.0%})" if row.similar_to else "",
        "chairs differ" if paper.grade and paper.grade.flagged else "",
    ]


def _count(n: int | None, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}" if n is not None else f"– {what}s"


def _wrap() -> w.Layout:
    return w.Layout(flex_flow="row wrap", align_items="flex-start")


__all__ = ["COMMENT_CHARS", "GradePanel"]
