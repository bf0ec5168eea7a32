"""``PassagePicker``: one section's text, and the passage a reader selects in it.

An anywidget (``passage_picker.js`` beside this module, sent inline with the
widget: it works offline in Voilà). The passage is selected with the mouse, or
with the keyboard: the text takes the focus (Tab), ArrowDown/ArrowUp select the
next/previous sentence, Shift+ArrowRight/Left grow/shrink it by a word,
Shift+ArrowDown by a sentence, Escape clears; the same moves are buttons.
The browser sends only offsets; the quote is cut from the kernel's own text,
and offsets outside it are refused. Existing comments' passages are highlighted
(``marks``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..core.comment_limits import QUOTE_CHARS

ESM = (Path(__file__).with_name("passage_picker.js")).read_text(encoding="utf-8")
CSS = """
.mb-picker-text{white-space:pre-wrap;border:1px solid #c8d1dc;border-radius:4px;padding:8px 10px;
  font-family:Georgia,'Times New Roman',serif;line-height:1.5;max-height:24em;overflow:auto;
  background:#fff;cursor:text}
.mb-picker-text:focus{outline:3px solid #2b6cb0;outline-offset:1px}
.mb-picker-mark{background:#fff1a8;border-bottom:2px solid #d4a300}
.mb-picker-selected{background:#bcd8ff;outline:1px solid #2b6cb0}
.mb-picker-n{color:#8a6d00;font-weight:bold;margin:0 2px}
.mb-picker-bar{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0}
.mb-picker-move{font-size:13px;padding:2px 8px}
.mb-picker-said{font-size:13px;color:#3d4854}.mb-picker-hint{font-size:12px;color:#4d5966}
"""


class PassagePicker(anywidget.AnyWidget):
    """``text`` to show; ``marks`` [{start, end, n}] to highlight; ``passage`` what is selected."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(CSS).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    marks = traitlets.List(traitlets.Dict()).tag(sync=True)
    selection = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.passage: tuple[int, int, str] | None = None  # (start, end, quote), checked
        self.problem = ""  # why the browser's last selection was refused
        self._listeners: list[Callable[[tuple[int, int, str] | None], object]] = []
        self.observe(self._selected, names="selection")
        self.observe(lambda _: self.select(None, None), names="text")

    def on_select(self, callback: Callable[[tuple[int, int, str] | None], object]) -> None:
        self._listeners.append(callback)

    def select(self, start: int | None, end: int | None) -> bool:
        """Select ``text[start:end]`` (None: nothing), as the browser does; False if refused."""
        self.selection = {} if start is None else {"start": start, "end": end}
        return self.problem == ""

    def _selected(self, change: dict) -> None:
        value = change["new"] if isinstance(change["new"], dict) else {}
        start, end = value.get("start"), value.get("end")
        self.problem, passage = "", None
        if start is not None or end is not None:
            passage, self.problem = checked(self.text, start, end)
        self.passage = passage
        for listener in self._listeners:
            listener(passage)


def checked(text: str, start: Any, end: Any) -> tuple[tuple[int, int, str] | None, str]:
    """(passage, "") for offsets inside ``text``; (None, why) otherwise."""
    ints = isinstance(start, int) and isinstance(end, int)
    if not ints or isinstance(start, bool) or not 0 <= start < end <= len(text):
        return None, "that selection is not inside this section's text"
    if end - start > QUOTE_CHARS:
        return None, (
            f"a quoted passage is at most {QUOTE_CHARS:,} characters; "
            f"this one is {end - start:,}: select less"
        )
    return (start, end, text[start:end]), ""
