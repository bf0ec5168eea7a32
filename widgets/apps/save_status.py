"""The workbook's save line and conflict banner: saved, saving, refused, or changed elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core.limits import Problem
from ..core.merge import Clash
from ..core.zones import ReaderZone
from ..workflows.autosave import DraftSession
from .conflict_box import ConflictBox


class SaveStatus:
    """``line`` says what the last save did; ``banner`` asks what to do after a conflict."""

    def __init__(self, session: DraftSession, zone: ReaderZone):
        self.session, self.zone = session, zone
        self.line, self.banner = w.HTML(), w.VBox()
        self.merged_note = ""  # "with another tab's changes to ...", after a merge
        self.kept = ""  # where refused text is kept (a held draft, or only this page)
        self.offline = False  # the last save found the store unreachable: say so until one works

    # ``mb-unsaved``: the page template asks before the tab closes while a line has it.
    def saving(self) -> None:
        if self.offline:  # typing on while the store is away: still "reconnecting"
            return
        self.line.value = "<span class='mb-status mb-warn mb-unsaved'>Saving…</span>"

    def reconnecting(self) -> None:
        """The store does not answer (a network cut, a server restarting): the page tries again."""
        self.offline = True
        self.line.value = (
            "<span class='mb-status mb-warn mb-unsaved mb-reconnecting' role='status'>"
            "Reconnecting to the store… Your text is kept in this page and saved as soon as "
            "the store answers; keep this page open.</span>"
        )

    def show(self, refused: list[Problem]) -> None:
        """The line for the session's state: refused (why), in conflict, saved (when), or empty."""
        self.offline = False
        if refused:
            more = len(refused) - 1
            self.line.value = (
                "<span class='mb-status mb-refused mb-bad mb-unsaved'>"
                f"Not saved: {escape(refused[0].message)}"
                + (f" (and {more} more, marked below)" if more else "")
                + (f" {escape(self.kept)}" if self.kept else "")
                + "</span>"
            )
        elif self.session.conflict:
            self.line.value = (
                "<span class='mb-status mb-bad mb-unsaved'>Not saved: another tab changed the same part "
                f"(version {self.session.conflict}); choose below.</span>"
            )
        elif self.session.saved_at:
            saved = self.zone.at(self.session.saved_at)
            self.line.value = (
                f"<span class='mb-status'>All changes saved · version {self.session.version} · "
                f"{escape(saved)}"
                f"{escape(self.merged_note)}</span>"
            )
        else:
            self.line.value = "<span class='mb-status mb-quiet'>Nothing written yet.</span>"

    def conflict(
        self,
        titles: dict[str, str],
        put: Callable[[Clash, str | None], str],
        done: Callable[[], None],
    ) -> None:
        """Fields both tabs changed: show them side by side until the delegate chose each."""
        version = self.session.conflict or self.session.version
        self.banner.children = [ConflictBox(version, self.session.clashes, titles, put, done)]

    def merged(self, titles: dict[str, str], fields: list[str]) -> None:
        """Say which parts came from another tab's save (the next lines carry it)."""
        names = [_named(titles, f) for f in fields]
        self.merged_note = f" · with another tab's changes to {', '.join(names)}" if names else ""

    def clear(self) -> None:
        self.banner.children = []


def _named(titles: dict[str, str], name: str) -> str:
    part, _, key = name.partition(".")
    if part == "sections":
        return titles.get(key, key)
    return f"research note {key}" if part == "notes" else "the AI-use disclosure"
