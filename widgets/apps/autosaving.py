"""The workbook page's save cycle: autosave, merges from other tabs, and held drafts.

A mixin of ``WorkbookApp``: typing schedules a save about a second later; a
save another tab overtook is merged field by field (``DraftSession``); a
draft past a limit is refused as a version but kept aside in the store (a
held draft), so a closed tab or a dead kernel loses none of it, and the next
opening of the page puts it back in the boxes.
"""

from __future__ import annotations

import asyncio
from html import escape
from typing import Any

import ipywidgets as w

from ..core import limits
from ..core.limits import LimitExceeded, Problem
from ..core.merge import Clash
from ..core.words import paper_words
from ..exceptions import StoreError, StoreUnreachable
from ..store import Delegation
from ..store.contract import StoreContract
from ..workflows.autosave import DraftSession
from .html import shows_errors
from .save_status import SaveStatus

SAVE_DELAY = 1.0  # seconds after a change; keeps every keystroke saved within 2 s
RECONNECT_DELAY = 2.0  # seconds between tries while the store does not answer


class Autosaving:
    """Saves the page's content; needs the page's boxes, ``content`` and ``set_content``."""

    store: StoreContract
    delegation: Delegation
    session: DraftSession
    save_status: SaveStatus
    status: w.HTML
    titles: dict[str, str]
    sections: dict[str, w.Textarea]
    notes: dict[str, w.Textarea]
    disclosure: w.Textarea
    refused: list[Problem]
    _pending: asyncio.TimerHandle | None
    _loading: bool
    _held: bool  # the store keeps a held draft of this delegation

    # The page's own (WorkbookApp defines them).
    def content(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_content(self, content: dict[str, Any]) -> None:
        raise NotImplementedError

    def _update_counts(self) -> None:
        raise NotImplementedError

    def _show_submission(self) -> None:
        raise NotImplementedError

    def _changed(self, change: dict | None = None) -> None:
        if self._loading:
            return
        self._update_counts()
        if self.session.conflict:
            return  # the delegate decides first (banner)
        self.save_status.saving()
        if self._pending is None:
            try:
                loop = asyncio.get_event_loop()
                self._pending = loop.call_later(SAVE_DELAY, self._autosave)
            except RuntimeError:
                self.save_now()  # no event loop (a script): save at once

    def _flush(self) -> None:
        """Save pending typing now (before a preview or a submission)."""
        if self._pending is not None:
            self.save_now()

    def _autosave(self) -> None:
        self._pending = None
        self.save_now()

    @shows_errors("status")
    def save_now(self) -> bool:
        """Save the page's content as a new version (the autosave calls this)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        content = self.content()
        try:
            limits.enforce(content, self.titles)  # the session checks too, without the titles
            saved = self.session.save(content)
        except StoreUnreachable:  # the text stays in the boxes; tried again until it is saved
            self.save_status.reconnecting()
            self._retry()
            return False
        except LimitExceeded as exc:  # not a version; every word stays in its box and the store
            self.refused, saved = exc.problems, False
            self._hold(content)
        else:
            self.refused = []
        if saved and self._held:
            self.store.drop_held(self.delegation.id)
            self._held = False
        self._take_merged()
        if self.session.conflict:
            self.save_status.conflict(self.titles, self._put, self._resolved)
        elif saved:
            self.save_status.clear()
            self._show_submission()  # the draft may now differ from what was submitted
        self._show_status()
        return saved

    def _retry(self) -> None:
        """Save again in RECONNECT_DELAY s (typing meanwhile saves sooner)."""
        if self._pending is None:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:  # a script: the caller sees False and decides
                return
            self._pending = loop.call_later(RECONNECT_DELAY, self._autosave)

    def _hold(self, content: dict[str, Any]) -> None:
        """Keep a refused draft aside; past the store's byte floor it lives only in the page."""
        try:
            self.store.hold_draft(
                self.delegation.id, content, self.session.version, words=paper_words(content)
            )
        except StoreError as exc:
            self.save_status.kept = f"Not kept either: {exc}. It stays only in this page."
        else:
            self._held = True
            self.save_status.kept = (
                "Kept aside for you, not in your paper or its preview, until it is shorter."
            )

    def restore_held(self) -> None:
        """Put a held draft back in the boxes (the page opened after one was kept)."""
        held = self.store.held_draft(self.delegation.id)
        if held is None:
            return
        self._held = True
        self.session.follow(held.version)  # merged with newer versions once it is saved
        self.set_content(held.content)
        when = self.save_status.zone.at(held.saved_at, "%a %d %b, %H:%M")
        self.save_status.banner.children = [
            w.HTML(
                "<div class='mb-conflict mb-held' role='status'><b>Your text is back.</b> "
                f"What you wrote until {escape(when)} "
                "was over a limit, so it was kept aside rather than saved in your paper. "
                "Shorten it where marked and it is saved as usual.</div>"
            )
        ]
        self.save_now()

    def _take_merged(self) -> None:
        """Show what another tab's save brought in, and say which parts it was."""
        merged = self.session.take_merged()
        if merged is not None:
            self.set_content(merged[0])
        self.save_status.merged(self.titles, merged[1] if merged else [])

    def _put(self, clash: Clash, text: str | None) -> str:
        """The box of a field both tabs changed: its text, after writing ``text`` if given."""
        boxes = {"sections": self.sections, "notes": self.notes}.get(clash.part, {})
        box = self.disclosure if clash.part == "disclosure" else boxes.get(clash.key)
        if box is None:
            return ""
        if text is not None:
            box.value = text
        return str(box.value)

    def _resolved(self) -> None:
        self.session.resolved()
        self.save_status.clear()
        self.save_now()

    def _show_status(self) -> None:
        self.save_status.show(self.refused)
