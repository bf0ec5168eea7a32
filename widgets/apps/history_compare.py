"""History's "compare": any two versions or submissions, as a word-level diff of the text.

Part of the History tab (``history_panel.py``). The writing sessions are a
list: picking one compares where the session before it ended with where this
one ended (what was written in it). "From" and "To" pick any two versions or
submissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..core.committees import Committee
from ..core.sessions import SESSION_GAP_MINUTES, Session
from ..core.zones import ReaderZone
from ..workflows.history import Sent, draft_sections, submission_sections
from .diff_view import DiffView

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

SESSIONS_LISTED = 100  # writing sessions in the list (every stored version is in From and To)


def _words(n: int) -> str:
    return f"{n:,} word{'s' * (n != 1)}"


def session_label(session: Session, zone: ReaderZone) -> str:
    """'Mon 07 Dec 14:02–14:48 · 53 versions · 1,204 words (+230)' in the reader's zone."""
    start, end = zone.bare(session.start, "%a %d %b %H:%M"), zone.bare(session.end, "%H:%M")
    if zone.bare(session.start, "%d%m") != zone.bare(session.end, "%d%m"):
        end = zone.bare(session.end, "%a %d %b %H:%M")
    count = len(session.entries)
    change = session.words - session.words_before
    sign = f"+{change:,}" if change > 0 else f"{change:,}" if change else "±0"
    return f"{start}–{end} · {count} version{'s' * (count != 1)} · {_words(session.words)} ({sign})"


class Compare(w.VBox):
    """The sessions list, From and To, and the diff of the two picked."""

    def __init__(self, store: StoreContract, delegation_id: int, committee: Committee):
        self.store, self.delegation_id, self.committee = store, delegation_id, committee
        self.sessions: list[Session] = []
        self.zone = ReaderZone(committee.rules.timezone)  # the panel gives it the page's
        self._quiet = False  # set while the lists are filled: one diff at the end
        self._latest = ""  # the latest version when last filled
        self.session_list = w.Select(
            options=[],
            rows=5,
            description="Sessions",
            layout=w.Layout(width="34em", max_width="100%"),
        )
        self.session_list.add_class("mb-session-list")
        self.older = w.Dropdown(
            options=[], description="From", layout=w.Layout(width="34em", max_width="100%")
        )
        self.newer = w.Dropdown(
            options=[], description="To", layout=w.Layout(width="34em", max_width="100%")
        )
        for box in (self.session_list, self.older, self.newer):
            box.style.description_width = "5em"
            box.add_class("mb-history-pick")
        self.older.add_class("mb-compare-from")
        self.newer.add_class("mb-compare-to")
        self.session_list.observe(lambda c: self.pick_session(c["new"]), names="value")
        self.older.observe(lambda _: self.compare(), names="value")
        self.newer.observe(lambda _: self.compare(), names="value")
        self.view = DiffView()
        super().__init__(
            [
                w.HTML(
                    "<h2 class='mb-section-title mb-h-small'>Writing sessions</h2><p class='mb-guidance'>"
                    f"A new session starts after {SESSION_GAP_MINUTES} minutes without a save. "
                    "Pick one to see what you wrote in it, or pick any two versions or "
                    "submissions in From and To.</p>"
                ),
                self.session_list,
                self.older,
                self.newer,
                self.view,
            ]
        )

    def fill(
        self, sessions: list[Session], options: list[tuple[str, str]], default: tuple[str, str]
    ) -> None:
        """List ``sessions`` and the From/To ``options``; compare ``default`` (from, to)."""
        self.sessions = sessions[:SESSIONS_LISTED]
        self._quiet = True
        try:
            self.session_list.options = [
                (session_label(s, self.zone), i) for i, s in enumerate(self.sessions)
            ]
            self.session_list.value = None
            self.session_list.rows = max(2, min(6, len(self.sessions)))
            values = [v for _, v in options]
            picked = (self.older.value, self.newer.value)
            if picked[1] == self._latest:  # following the latest: it stays the latest
                picked = (picked[0], default[1])
            self.older.options = self.newer.options = options
            keep = all(p in values for p in picked) and picked[0] != picked[1]
            chosen = picked if keep else default
            if not values:
                chosen = (None, None)
            self.older.value, self.newer.value = chosen
            self._latest = default[1]
        finally:
            self._quiet = False
        self.compare()

    def pick_session(self, index: int | None) -> None:
        """Compare the end of the session before ``index`` (or nothing) with its end."""
        if index is None or self._quiet or index >= len(self.sessions):
            return
        session = self.sessions[index]
        values = [v for _, v in self.older.options]
        before = f"v{session.first}"  # the first session: from its first save
        if index + 1 < len(self.sessions):
            before = f"v{self.sessions[index + 1].last}"
        if before not in values or f"v{session.last}" not in values:
            return
        self._quiet = True
        try:
            self.older.value, self.newer.value = before, f"v{session.last}"
        finally:
            self._quiet = False
        self.compare()

    def _unpick_session(self, old: str, new: str) -> None:
        """Picked by hand: the session list no longer says which session is shown."""
        index = self.session_list.value
        if index is None or index >= len(self.sessions):
            return
        session = self.sessions[index]
        before = self.sessions[index + 1].last if index + 1 < len(self.sessions) else session.first
        if (old, new) != (f"v{before}", f"v{session.last}"):
            self._quiet = True
            try:
                self.session_list.value = None
            finally:
                self._quiet = False

    def sections(self, value: str) -> dict[str, str]:
        if value.startswith("s"):
            return submission_sections(self.store, self.delegation_id, int(value[1:]))
        draft = self.store.draft(self.delegation_id, int(value[1:]))
        return draft_sections(draft.content, self.committee) if draft else {}

    def compare(self) -> None:
        """The diff of From and To (older first), or why there is none."""
        if self._quiet:
            return
        old, new = self.older.value, self.newer.value
        if not old or not new:
            self.view.clear("Nothing saved yet: there is nothing to compare.")
            return
        if old == new:
            self.view.clear("From and To are the same: pick two different ones.")
            return
        self._unpick_session(old, new)
        names = dict((v, label.split(" · ")[0]) for label, v in self.older.options)
        self.view.show(self.sections(old), self.sections(new), names[old], names[new])


def submission_option(sub: Sent, zone: ReaderZone) -> tuple[str, str]:
    late = " · late" if sub.seconds_late else ""
    what = f"version {sub.version}" if sub.version else "a PDF"
    return (
        f"submission {sub.number} · {zone.bare(sub.submitted_at, '%a %d %b %H:%M')} · {what}{late}",
        f"s{sub.id}",
    )
