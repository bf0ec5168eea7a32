"""The Grade tab's "Compare with the previous submission": the word diff, and comments moved.

When a delegation has sent two or more submissions, the chair compares the
latest with the one before: a ``DiffView`` of their sections, and the chairs'
comments made on the older one found again in the newer
(``core.anchors.reanchor_many``, on the section texts the comments were made
on, names withheld as the chair saw them): "passage unchanged", "passage
changed" (with its words now) or "passage gone".
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core.anchors import Anchor, reanchor_many
from ..core.committees import Committee
from ..store import Store
from ..store.comment_records import Comment
from ..workflows import grading
from ..workflows.blind import redact
from ..workflows.collect import Row
from ..workflows.history import submission_sections as labelled_sections
from ..workflows.paper_sections import submission_sections
from .comment_html import plain
from .diff_view import DiffView
from .html import shows_errors

SAID = {"same": "passage unchanged", "changed": "passage changed", "gone": "passage gone"}


def shown_for(row: Row, blind: bool) -> Callable[[str], str] | None:
    """How a section's text is shown to chairs: names withheld in a blind committee."""
    if not blind:
        return None
    return lambda text: redact(text, row.delegate, row.school, keep=row.country)


class ComparePart(w.VBox):
    """The button (two or more submissions only), the diff and the comments re-anchored."""

    def __init__(self, store: Store, info: Committee, blind: bool):
        self.store, self.info, self.blind = store, info, blind
        self.paper: grading.Paper | None = None
        self.previous: dict | None = None
        self.button = w.Button(
            description="Compare with the previous submission",
            icon="exchange",
            layout=w.Layout(width="auto"),
        )
        self.button.on_click(lambda _: self.compare())
        self.view, self.moved, self.message = DiffView(), w.HTML(), w.HTML()
        super().__init__([self.button, self.message, self.view, self.moved])
        self.add_class("mb-grade-compare")
        self.show_paper(None)

    def show_paper(self, paper: grading.Paper | None) -> None:
        """A new paper shown: the button when it has an earlier submission; nothing compared."""
        if (
            paper is not None
            and self.paper is not None
            and paper.submission == self.paper.submission
        ):
            self.paper = paper  # the same submission again (a refresh): as it was
            return
        self.paper, self.previous = paper, None
        if paper is not None:
            sent = self.store.submissions(paper.row.delegation_id)
            ids = [s["id"] for s in sent]
            at = ids.index(paper.submission["id"]) if paper.submission["id"] in ids else -1
            self.previous = sent[at - 1] if at > 0 else None
        self.layout.display = "" if self.previous is not None else "none"
        self.view.clear()
        self.moved.value = self.message.value = ""

    @shows_errors("message")
    def compare(self) -> bool:
        """Show the diff of the previous submission and this one, and the comments on the older."""
        if self.paper is None or self.previous is None:
            return False
        row, old_id, new_id = self.paper.row, self.previous["id"], self.paper.submission["id"]
        old = {k: self._shown(row, v) for k, v in self._labelled(old_id).items()}
        new = {k: self._shown(row, v) for k, v in self._labelled(new_id).items()}
        sent = [s["id"] for s in self.store.submissions(row.delegation_id)]
        names = (f"submission {sent.index(old_id) + 1}", f"submission {sent.index(new_id) + 1}")
        self.view.show(old, new, *names)
        self.moved.value = self._moved_html(row, old_id, new_id, names)
        return True

    def _labelled(self, submission_id: int) -> dict[str, str]:
        assert self.paper is not None
        return labelled_sections(self.store, self.paper.row.delegation_id, submission_id)

    def _shown(self, row: Row, text: str) -> str:
        shown = shown_for(row, self.blind)
        return shown(text) if shown else text

    def _texts(self, row: Row, submission_id: int) -> dict[str, str]:
        """The section texts comments are made on (key -> text), as the chair saw them."""
        found = next(
            s for s in self.store.submissions(row.delegation_id) if s["id"] == submission_id
        )
        return {
            key: self._shown(row, text)
            for key, _, text in submission_sections(self.info, found.get("notebook"))
        }

    def placed(self, row: Row, old_id: int, new_id: int) -> list[tuple[Comment, Anchor | None]]:
        """The chairs' passage comments on the older submission, each found in the newer."""
        mine = [
            c
            for c in self.store.comments(row.delegation_id, chairs_only=True)
            if c.submission_id == old_id and c.section and c.quote and c.start is not None
        ]
        old, new = self._texts(row, old_id), self._texts(row, new_id)
        found: list[tuple[Comment, Anchor | None]] = []
        for key in dict.fromkeys(c.section for c in mine):
            here = [c for c in mine if c.section == key]
            if key not in new or key not in old:
                found += [(c, None) for c in here]  # the section itself is gone
                continue
            passages = [(c.quote or "", c.start or 0, c.end or 0) for c in here]
            found += list(zip(here, reanchor_many(passages, old[key], new[key]), strict=True))
        return found

    def _moved_html(self, row: Row, old_id: int, new_id: int, names: tuple[str, str]) -> str:
        found = self.placed(row, old_id, new_id)
        if not found:
            return f"<p class='mb-quiet'>No chair commented on a passage of {names[0]}.</p>"
        new = self._texts(row, new_id)
        items = []
        for comment, anchor in found:
            how = (
                "gone" if anchor is None or anchor.gone else "changed" if anchor.changed else "same"
            )
            now = ""
            if how == "changed" and anchor is not None and comment.section:
                words = new[comment.section][anchor.start : anchor.end]
                now = f"<div class='mb-comment-now'>Now: “{plain(words)}”</div>"
            items.append(
                f"<li class='mb-moved mb-moved-{how}'><b>{SAID[how].capitalize()}</b>: "
                f"“{plain(comment.quote or '')}” · {escape(comment.author_name)}: "
                f"{plain(comment.body)}{now}</li>"
            )
        return (
            f"<div class='mb-compare-comments'><h3>Comments on {names[0]}, in {names[1]}</h3>"
            f"<ul>{''.join(items)}</ul></div>"
        )
