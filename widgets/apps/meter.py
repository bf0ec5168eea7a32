"""The Write tab's one length meter: the paper against the committee limit that binds.

A committee may limit pages, words or both; the meter shows the one reached
first (``core.length``), e.g. ``about 1.4 of 2 pages · 460 words (about 640 fit)``
or ``460 of 600 words · about 1.4 of 2 pages``. Pages are estimated from the
words that fit the page limit (``paper.fit``); the Paper tab's preview counts
them exactly. A native ``<meter>`` draws the bar: no script, read by screen readers.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core import length
from ..core.committees import Committee


def meter_html(words: int, bound: length.Binding, problem: str = "") -> str:
    """The meter for ``words`` words of the paper; ``problem`` is a limit it is past."""
    text = length.meter_text(words, bound)
    share = length.used(words, bound)
    over = bool(problem) or (share is not None and share > 1)
    bar = ""
    if share is not None and bound.words:
        limit = bound.words
        # Far under is the low region, within it the good one; past it, a full bar that the
        # browser draws red (above "high", away from the optimum).
        low, high, best = (1, limit - 1, 0) if share > 1 else (limit // 2, limit, limit * 3 // 4)
        bar = (
            f"<meter min='0' max='{limit}' low='{low}' high='{high}' "
            f"optimum='{best}' value='{min(words, limit)}' "
            f"aria-label='Length of the paper: {escape(text, quote=True)}'></meter>"
        )
    css = "mb-meter mb-over" if over else "mb-meter"
    extra = words - bound.words if share is not None and share > 1 and bound.words else 0
    what = f" · {extra:,} word{'s' * (extra != 1)} over: shorten it." if extra else ""
    said = f"<div class='mb-meter-text'>{escape(text)}{what}</div>"
    return f"<div class='{css}'>{bar}{said}</div>" + (
        f"<div class='mb-over mb-limit'>{escape(problem)} Not saved until it is shorter; "
        f"your text stays here.</div>"
        if problem
        else ""
    )


class Meter(w.HTML):
    """One meter for the whole paper; ``show`` redraws it for a new word count."""

    def __init__(self, committee: Committee, fits: int | None):
        super().__init__()
        self.bound = length.binding(committee, fits)
        self.add_class("mb-length")

    def show(self, words: int, problem: str = "") -> None:
        # An unchanged value sends nothing to the page (traitlets compares).
        self.value = meter_html(words, self.bound, problem)
