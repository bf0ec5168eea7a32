"""A chair's review status of one submission: "Request changes", "Accept", and the history.

``StatusControls`` is one piece of the chair's page (the chair app places it
beside the paper). Who sets the status comes in as an identity key and a
display name (``staff:3``, ``chair-code:interpol``), never typed here. Every
action checks again in the kernel (``workflows.revisions.set_status``): the
submission must be this committee's and the delegation's latest, and changes
may be asked only while the committee takes revisions. "Request changes"
exists only when the committee file has ``rules.revisions_until`` at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

import ipywidgets as w

from ..core import committees
from ..core import review_status as rs
from ..core.times import now
from ..exceptions import AccessDenied
from ..store import Store
from ..workflows.revisions import set_status, standing_of
from ..workflows.status import local_time
from .html import ok, shows_errors


class StatusControls(w.VBox):
    """The review status of ``submission_id`` in ``committee``, set by one chair."""

    def __init__(
        self,
        store: Store,
        committee: str,
        submission_id: int,
        set_by_key: str,
        set_by_name: str,
        clock: Callable[[], datetime] = now,
        changed: Callable[[], object] = lambda: None,
    ):
        self.store, self.info = store, committees.load(committee)
        self.submission_id, self.clock, self._changed = submission_id, clock, changed
        self.set_by_key, self.set_by_name = set_by_key, set_by_name
        self.current, self.history, self.message = w.HTML(), w.HTML(), w.HTML()
        self.message.add_class("mb-status-message")
        self.note = w.Textarea(
            placeholder=f"A note for the delegate (optional; at most {rs.NOTE_CHARS:,} characters)",
            layout=w.Layout(width="100%", height="5em"),
        )
        self.note.add_class("mb-status-note")
        self.accept_button = w.Button(description="Accept", button_style="success")
        self.accept_button.on_click(lambda _: self.accept())
        buttons: list[w.Widget] = [self.accept_button]
        self.request_button: w.Button | None = None
        if self.info.rules.revisions_until is not None:  # the committee takes revisions
            self.request_button = w.Button(description="Request changes", icon="pencil")
            self.request_button.add_class("mb-warn-button")
            self.request_button.on_click(lambda _: self.request_changes())
            buttons.insert(0, self.request_button)
        self.owner = self._owner()
        parts: list[w.Widget] = [self.current, self.message]
        if self.owner is not None:
            parts[1:1] = [self.note, w.HBox(buttons)]
        super().__init__([*parts, self.history])
        self.add_class("mb-status-controls")
        self.show()

    def _owner(self) -> int | None:
        """The delegation of the submission, if it is this committee's (else nothing to set)."""
        owner = self.store.delegation(self.store.submission_owner(self.submission_id))
        if owner.committee != self.info.key:
            self.message.value = f"<p class='mb-over'>Submission {self.submission_id} is not in {escape(self.info.acronym)}.</p>"
            return None
        return owner.id

    def show(self) -> None:
        """The current status, when revisions close, and every status set so far (newest first)."""
        if self.owner is None:
            return
        standing = standing_of(self.store, self.owner)
        until = self.info.rules.revisions_until
        window = (
            f" Revisions are open until {escape(rs.local_until(self.info))}."
            if until is not None and rs.revisions_open(self.info, self.clock())
            else f" Revisions closed on {escape(rs.local_until(self.info))}."
            if until is not None
            else " This committee takes no revisions: accept, or score the paper as it is."
        )
        self.current.value = (
            f"<div class='mb-review-status'><b>Review: {escape(standing.status)}</b>{window}</div>"
        )
        if self.request_button is not None:  # a hint only: set_status checks the window
            self.request_button.disabled = not rs.revisions_open(self.info, self.clock())
        items = "".join(self._item(mark) for mark in reversed(self.store.status_marks(self.owner)))
        self.history.value = (
            f"<div class='mb-status-history'><b>History</b><ul>{items}</ul></div>"
            if items
            else "<div class='mb-status-history mb-quiet'>No status set yet.</div>"
        )

    def _item(self, mark: rs.Mark) -> str:
        note = f": “{escape(mark.note)}”" if mark.note.strip() else ""
        return (
            f"<li>Submission {mark.submission_id} · <b>{escape(mark.words)}</b> by "
            f"{escape(mark.set_by_name or mark.set_by_key)}, "
            f"{escape(local_time(mark.set_at, self.info))}{note}</li>"
        )

    @shows_errors("message")
    def request_changes(self) -> bool:
        """Mark the submission "changes requested" with the note; the delegate sees it."""
        return self._set(rs.CHANGES_REQUESTED)

    @shows_errors("message")
    def accept(self) -> bool:
        """Mark the submission "accepted"."""
        return self._set(rs.ACCEPTED)

    def _set(self, status: str) -> bool:
        if self.owner is None:
            raise AccessDenied(f"submission {self.submission_id} is not in {self.info.acronym}")
        note = self.note.value
        set_status(
            self.store,
            self.info.key,
            self.submission_id,
            status,
            self.set_by_key,
            self.set_by_name,
            note,
            self.clock(),
        )
        self.note.value = ""
        self.message.value = ok(f"Saved: {rs.WORDS[status]}.")
        self.show()
        self._changed()
        return True
