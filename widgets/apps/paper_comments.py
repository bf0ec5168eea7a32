"""``PaperComments``: comment on a passage, a section or the whole paper, and read the comments.

For one delegation's paper as one version shows it (a submission, or a saved
draft): pick a section, select a passage in it (``PassagePicker``: mouse or
keyboard), write or insert a comment from the comment bank (the committee
file's defaults, then the author's own saved ones) and add it. The author is a
``CommentAuthor`` (key, role, name: a chair's ``StaffIdentity`` or an advisor's
``Author``); an advisor's comments are never shown to chairs. The caller
decides who may open which delegation (the grant): this widget is bound to one.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core import comment_limits as cl
from ..core.comment_view import anchored, numbered, visible
from ..core.committees import Committee
from ..exceptions import AccessDenied, MunbookError
from ..store import Delegation, Store
from ..store.comment_records import Comment, CommentAuthor
from ..workflows.paper_sections import Sections
from .comment_html import card_html
from .passage_picker import PassagePicker

WHOLE_PAPER = "(the whole paper)"


class PaperComments(w.VBox):
    """Comments on one version of one delegation's paper, by one author."""

    def __init__(
        self,
        store: Store,
        delegation: Delegation,
        sections: Sections,
        author: CommentAuthor,
        committee: Committee,
        submission_id: int | None = None,
        draft_version: int | None = None,
        released: bool = False,
        read_only: bool = False,
    ):
        self.store, self.delegation, self.author = store, delegation, author
        self.committee, self.released, self.read_only = committee, released, read_only
        self.target = {"submission_id": submission_id, "draft_version": draft_version}
        self.texts = {key: text for key, _, text in sections}
        self.titles = {key: title for key, title, _ in sections}
        self._make_parts(sections)
        writing = [
            self.scope,
            w.HTML("<div class='mb-section-title'>Comment bank: one click inserts</div>"),
            self.bank_box,
            self.body,
            w.HBox([self.add_button, self.bank_button]),
        ]
        guidance = "You read this paper only." if read_only else cl.LIMITS_TEXT
        super().__init__(
            [
                w.HTML(f"<p class='mb-guidance'>{escape(guidance)}</p>"),
                self.section,
                self.picker,
                *([] if read_only else writing),
                self.message,
                self.listing,
            ]
        )
        self.add_class("mb-paper-comments")
        self._show_section()
        self.show_bank()
        self.refresh()

    def _make_parts(self, sections: Sections) -> None:
        """The section chooser, the picker, the comment box and bank, and their actions."""
        self.section = w.Dropdown(
            options=[(WHOLE_PAPER, "")] + [(t, k) for k, t, _ in sections],
            description="Section",
            layout=w.Layout(width="100%", max_width="32em"),
        )
        self.picker = PassagePicker()
        self.scope = w.HTML()
        self.body = w.Textarea(
            placeholder="Your comment (plain text)", rows=4, layout=w.Layout(width="97%")
        )
        self.add_button = w.Button(description="Add comment", button_style="primary")
        self.bank_button = w.Button(
            description="Save to my comment bank", layout=w.Layout(width="auto")
        )
        self.message, self.listing = w.HTML(), w.HTML()
        self.bank_box = w.VBox(layout=w.Layout(max_height="14em", overflow="auto"))
        self.bank_texts: list[str] = []
        self.section.observe(lambda _: self._show_section(), names="value")
        self.picker.on_select(lambda _: self._show_scope())
        self.add_button.on_click(lambda _: self.add())
        self.bank_button.on_click(lambda _: self.save_to_bank())

    # ---- what is shown ----------------------------------------------------------------

    def comments(self) -> list[Comment]:
        """The comments this author's role may read, oldest first."""
        chairs = self.author.role == "chair"
        found = self.store.comments(self.delegation.id, chairs_only=chairs)
        return [c for c in found if visible(c, self.author.role, self.released)]

    def refresh(self) -> None:
        found = self.comments()
        numbers = numbered(found)
        self.listing.value = (
            "".join(
                card_html(c, numbers[c.id], self.titles, self._moved(c), replier="The delegate")
                for c in found
            )
            or "<p class='mb-quiet'>No comments yet.</p>"
        )
        key = self.section.value
        text = self.texts.get(key, "")
        marks = []
        for c in found:
            at = anchored(text, c) if key and c.section == key else None
            if at:
                marks.append({"start": at[0], "end": at[1], "n": numbers[c.id]})
        self.picker.marks = marks

    def _moved(self, comment: Comment) -> str:
        text = self.texts.get(comment.section or "")
        gone = bool(comment.quote) and text is not None and anchored(text, comment) is None
        return "gone" if gone else ""

    def _show_section(self) -> None:
        key = self.section.value
        self.picker.layout.display = "" if key else "none"
        self.picker.text = self.texts.get(key, "")
        self.refresh()
        self._show_scope()

    def _show_scope(self) -> None:
        if not self.section.value:
            said = "This comment goes on <b>the whole paper</b>."
        elif self.picker.passage:
            said = f"This comment goes on <b>the selected passage</b> ({len(self.picker.passage[2]):,} characters)."
        else:
            said = ""  # the picker says so under the text (and to a screen reader)
        problem = self.picker.problem
        self.scope.value = (f"<div class='mb-guidance'>{said}</div>" if said else "") + (
            f"<div class='mb-over'>{escape(problem)}</div>" if problem else ""
        )

    def show_bank(self) -> None:
        own = [e.body for e in self.store.bank(self.delegation.committee, self.author.key)]
        self.bank_texts = [*self.committee.comment_bank, *own]
        buttons = []
        for index, text in enumerate(self.bank_texts):
            button = w.Button(
                description=text if len(text) <= 70 else text[:69] + "…",
                tooltip=text,
                layout=w.Layout(width="auto", max_width="100%"),
            )
            button.add_class("mb-bank-entry")
            button.on_click(lambda _, i=index: self.insert_from_bank(i))
            buttons.append(button)
        self.bank_box.children = buttons or [w.HTML("<p class='mb-quiet'>The bank is empty.</p>")]

    # ---- actions (the buttons call these; so do tests) ---------------------------------

    def choose(self, section: str | None, start: int | None = None, end: int | None = None) -> bool:
        """Show ``section`` (None: the whole paper) and select ``text[start:end]`` in it."""
        self.section.value = section or ""
        return self.picker.select(start, end)

    def insert_from_bank(self, index: int) -> bool:
        if not 0 <= index < len(self.bank_texts):
            return False
        before = self.body.value
        self.body.value = (
            before
            + ("\n" if before and not before.endswith("\n") else "")
            + (self.bank_texts[index])
        )
        return True

    def add(self) -> bool:
        """Save the comment in the box on what is selected; the box keeps it if refused."""
        key = self.section.value or None
        passage = self.picker.passage if key else None
        try:
            if self.read_only:
                raise AccessDenied("you read this paper only; comments are for advisors and chairs")
            self.store.add_comment(
                self.delegation.id,
                self.author,
                self.body.value,
                section=key,
                quote=passage[2] if passage else None,
                start=passage[0] if passage else None,
                end=passage[1] if passage else None,
                **self.target,
            )
        except MunbookError as exc:
            self.message.value = f"<p class='mb-over'>{escape(str(exc))}</p>"
            return False
        self.body.value = ""
        self.picker.select(None, None)
        self.message.value = "<p class='mb-ok'>Comment saved.</p>"
        self.refresh()
        return True

    def save_to_bank(self) -> bool:
        """Keep the text in the box in this author's comment bank for the committee."""
        try:
            if self.read_only:
                raise AccessDenied("you read this paper only")
            self.store.add_to_bank(self.delegation.committee, self.author.key, self.body.value)
        except MunbookError as exc:
            self.message.value = f"<p class='mb-over'>{escape(str(exc))}</p>"
            return False
        self.message.value = "<p class='mb-ok'>Saved to your comment bank.</p>"
        self.show_bank()
        return True
