"""The choice when two tabs changed the same field: both texts side by side, one button each.

Fields only one tab changed were merged already (``core.merge``); this box
lists the others. Each choice goes into the field's own box on the page, so
the delegate can still edit it; once every field is chosen the page saves.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core.merge import Clash

MINE, THEIRS, BOTH = "Keep this tab's", "Take the other tab's", "Keep both"


def _text(label: str, text: str) -> w.HTML:
    shown = escape(text) if text.strip() else "<i>(empty)</i>"
    return w.HTML(
        f"<div class='mb-clash-side'><div class='mb-clash-label'>{escape(label)}</div>"
        f"<div class='mb-clash-text'>{shown}</div></div>",
        layout=w.Layout(flex="1 1 18em", min_width="0"),
    )


class ConflictBox(w.VBox):
    """One row per clashing field; ``put(clash, text)`` writes a choice into the field's box
    and returns its text (``put(clash, None)`` only reads it)."""

    def __init__(
        self,
        version: int,
        clashes: list[Clash],
        titles: dict[str, str],
        put: Callable[[Clash, str | None], str],
        done: Callable[[], None],
    ):
        self.version, self.clashes, self._put, self._done = version, clashes, put, done
        self.chosen: dict[int, str] = {}
        self.notes: list[w.HTML] = []
        rows: list[w.Widget] = [
            w.HTML(
                "<div class='mb-conflict' role='alert'><b>This workbook was changed in another "
                f"tab or on another device</b> (now version {version}). Its changes to other "
                f"parts are in your boxes already. {len(clashes)} part"
                f"{'s were' if len(clashes) != 1 else ' was'} changed in both: choose for each "
                "below. Nothing is saved until you have chosen; nothing is lost.</div>"
            )
        ]
        for index, clash in enumerate(clashes):
            rows += self._row(index, clash, titles.get(clash.key, _title(clash)))
        if not clashes:  # tabs kept saving in a race: one more try
            again = w.Button(description="Save again", layout=w.Layout(width="auto"))
            again.on_click(lambda _: done())
            rows.append(again)
        super().__init__(rows)
        self.add_class("mb-conflict-box")

    def _row(self, index: int, clash: Clash, title: str) -> list[w.Widget]:
        fit = w.Layout(width="auto")
        buttons = [w.Button(description=label, layout=fit) for label in (MINE, THEIRS, BOTH)]
        for button in buttons:
            button.on_click(lambda b, i=index: self.choose(i, b.description))
        note = w.HTML()
        self.notes.append(note)
        sides = w.HBox(
            [
                _text("In this tab", clash.mine),
                _text(f"In the other tab (version {self.version})", clash.theirs),
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        return [
            w.HTML(f"<div class='mb-section-title'>{escape(title)}</div>"),
            sides,
            w.HBox([*buttons, note], layout=w.Layout(flex_flow="row wrap")),
        ]

    def choose(self, index: int, choice: str) -> None:
        """Put the chosen text in the field's box; save once every field is chosen."""
        if not 0 <= index < len(self.clashes) or choice not in (MINE, THEIRS, BOTH):
            return
        clash = self.clashes[index]
        mine = self._put(clash, None)  # the box as it is now: typed since the clash too
        text = {MINE: mine, THEIRS: clash.theirs}.get(
            choice, f"{mine.rstrip()}\n\n{clash.theirs.lstrip()}"
        )
        self._put(clash, text)
        self.chosen[index] = choice
        self.notes[
            index
        ].value = f"<span class='mb-status'>Chosen: {escape(choice.lower())}.</span>"
        if len(self.chosen) == len(self.clashes):
            self._done()


def _title(clash: Clash) -> str:
    if clash.part == "notes":
        return f"Research note {clash.key}"
    return "AI-use disclosure" if clash.part == "disclosure" else clash.key
