"""The comments a delegate sees: beside the passages in the Write tab, listed in Feedback.

Advisors' comments show at once; chairs' once the chairs released them
(``chairs_released``: the feedback release time has passed; or, for the
comments on one submission, a chair marked that submission "changes requested"). A passage is marked where it is in the text as it
is now (``core.comment_view.placed``: re-anchored from the version it was made
on); one that was edited or is gone is said so. The
delegate replies to each comment; a reply is checked in the kernel against the
comments this page shows, so a comment not yet released cannot be answered.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from ..core import comment_limits as cl
from ..core.comment_view import numbered, placed, visible
from ..core.committees import Committee
from ..core.review_status import CHANGES_REQUESTED
from ..core.times import now
from ..exceptions import MunbookError
from ..store import Delegation
from ..store.comment_records import Comment
from ..workflows.paper_sections import version_texts
from .comment_html import card_html, marked_html

if TYPE_CHECKING:
    from ..store.contract import StoreContract


class CommentThread(w.VBox):
    """One comment with its replies, a reply box and a Reply button."""

    def __init__(self, card: str, comment_id: int, reply: Callable[[int, str], str]):
        self.comment_id, self._reply = comment_id, reply
        self.card = w.HTML(card)
        self.box = w.Textarea(
            placeholder=f"Reply (up to {cl.REPLY_CHARS:,} characters)",
            rows=2,
            layout=w.Layout(width="97%"),
        )
        self.button = w.Button(description="Reply")
        self.button.on_click(lambda _: self.send())
        self.message = w.HTML()
        super().__init__([self.card, self.box, self.button, self.message])
        self.add_class("mb-thread")

    def send(self) -> bool:
        problem = self._reply(self.comment_id, self.box.value)
        if problem:
            self.message.value = f"<p class='mb-over'>{escape(problem)}</p>"
            return False
        return True  # the page is drawn again with the reply in it


class DelegateComments:
    """Fills the Write tab's slots (by section) and the Feedback tab's list from the store."""

    def __init__(
        self,
        store: StoreContract,
        delegation: Delegation,
        committee: Committee,
        slots: dict[str, w.Box],
        listing: w.Box,
        titles: dict[str, str],
    ):
        self.store, self.delegation, self.committee = store, delegation, committee
        self.slots, self.listing, self.titles = slots, listing, titles
        self.shown: list[Comment] | None = None  # None: never drawn
        self.texts: dict[str, str] = {}
        self.places: dict[int, tuple[int, int, str] | None] = {}

    def chairs_released(self) -> bool:
        """Chairs' comments show once feedback is released or changes were requested."""
        release = self.store.feedback_release(self.committee.key)
        return (release is not None and now() >= release) or bool(self._requested())

    def _requested(self) -> set[int]:
        """The submissions a chair marked "changes requested": their comments are the request."""
        marks = self.store.status_marks(self.delegation.id)
        return {m.submission_id for m in marks if m.status == CHANGES_REQUESTED}

    def refresh(self, texts: dict[str, str]) -> None:
        """Read the comments again and draw them against the sections' ``texts`` now."""
        release = self.store.feedback_release(self.committee.key)
        released = release is not None and now() >= release
        asked = self._requested()
        found = self.store.comments(self.delegation.id)
        shown = [c for c in found if visible(c, "delegate", released or c.submission_id in asked)]
        commented = {c.section for c in shown}
        if shown == self.shown and all(texts.get(k) == self.texts.get(k) for k in commented if k):
            return  # nothing new: a reply being typed is not drawn away
        self.texts, self.shown = dict(texts), shown
        old = version_texts(self.store, self.committee, self.delegation.id, shown)
        self.places = {
            c.id: placed(c, (old[c.id] or {}).get(c.section or "") if old[c.id] else None,
                         self.texts.get(c.section or "", ""))
            for c in shown
        }  # fmt: skip
        numbers = numbered(self.shown)
        for key, slot in self.slots.items():
            here = [c for c in self.shown if c.section == key]
            slot.children = self._beside(key, here, numbers) if here else []
        self.listing.children = self._list(numbers)

    def _card(self, comment: Comment, number: int) -> str:
        place = self.places.get(comment.id)
        moved = "" if not comment.quote else "gone" if place is None else place[2]
        return card_html(comment, number, self.titles, moved)

    def _beside(self, key: str, here: list[Comment], numbers: dict[int, int]) -> list[w.Widget]:
        text = w.HTML(
            "<div class='mb-guidance'>Your comments on this section, beside the passages "
            "they point at:</div>"
            + marked_html(
                self.texts.get(key, ""), {c.id: self.places.get(c.id) for c in here}, numbers
            )
        )
        text.add_class("mb-beside-text")
        threads = w.VBox([self._thread(c, numbers[c.id]) for c in here])
        threads.add_class("mb-beside-notes")
        row = w.Box([text, threads])
        row.add_class("mb-beside")
        return [row]

    def _list(self, numbers: dict[int, int]) -> list[w.Widget]:
        if not self.shown:
            return [w.HTML("<p class='mb-guidance'>No comments on your paper yet.</p>")]
        head = w.HTML(
            "<h2 class='mb-title'>Comments on your paper</h2>"
            f"<p class='mb-guidance'>{len(self.shown)} comments. {escape(cl.REPLY_TEXT)} "
            "Advisors' comments show at once, chairs' when they release them.</p>"
        )
        return [head, *(self._thread(c, numbers[c.id]) for c in self.shown)]

    def _thread(self, comment: Comment, number: int) -> CommentThread:
        return CommentThread(self._card(comment, number), comment.id, self.reply)

    def reply(self, comment_id: int, body: str) -> str:
        """Save a reply to a comment shown on this page; "" when saved, else why not."""
        if comment_id not in {c.id for c in self.shown or []}:
            return "that comment is not on this page; nothing was saved"
        try:
            self.store.add_reply(comment_id, self.delegation.id, body)
        except MunbookError as exc:
            return str(exc)
        self.shown = None  # draw again, with the reply
        self.refresh(self.texts)
        return ""
