"""The workbook's save line and conflict banner: saved, saving, refused, or changed elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core.limits import Problem
from ..workflows.autosave import DraftSession


class SaveStatus:
    """``line`` says what the last save did; ``banner`` asks what to do after a conflict."""

    def __init__(self, session: DraftSession, timezone: str):
        self.session, self.timezone = session, timezone
        self.line, self.banner = w.HTML(), w.VBox()

    def saving(self) -> None:
        self.line.value = "<span class='mb-status mb-warn'>Saving…</span>"

    def show(self, refused: list[Problem]) -> None:
        """The line for the session's state: refused (why), in conflict, saved (when), or empty."""
        if refused:
            more = len(refused) - 1
            self.line.value = (
                "<span class='mb-status mb-refused mb-bad'>"
                f"Not saved: {escape(refused[0].message)}"
                + (f" (and {more} more, marked below)" if more else "")
                + "</span>"
            )
        elif self.session.conflict:
            self.line.value = "<span class='mb-status mb-bad'>Not saved: see below.</span>"
        elif self.session.saved_at:
            saved = self.session.saved_at.astimezone(ZoneInfo(self.timezone))
            self.line.value = (
                f"<span class='mb-status'>All changes saved · version {self.session.version} · "
                f"{saved:%a %d %b, %H:%M:%S} ({escape(self.timezone)})</span>"
            )
        else:
            self.line.value = "<span class='mb-status mb-quiet'>Nothing written yet.</span>"

    def conflict(self, load: Callable[[], object], keep: Callable[[], object]) -> None:
        """Another tab or device saved first: load theirs, or keep mine and save it over."""
        fit = w.Layout(width="auto")  # the labels in full, on a phone too
        load_button = w.Button(description="Load the newer version", layout=fit)
        load_button.add_class("mb-warn-button")
        keep_button = w.Button(description="Keep mine and save it", layout=fit)
        load_button.on_click(lambda _: load())
        keep_button.on_click(lambda _: keep())
        self.banner.children = [
            w.HTML(
                f"<div class='mb-conflict' role='alert'><b>This workbook was changed in another "
                f"tab or on another device</b> (now version {self.session.conflict}). What you "
                "typed here since is <b>not saved</b>. Load the newer version, or keep yours and "
                "save it over the other.</div>"
            ),
            w.HBox([load_button, keep_button], layout=w.Layout(flex_flow="row wrap")),
        ]

    def clear(self) -> None:
        self.banner.children = []
