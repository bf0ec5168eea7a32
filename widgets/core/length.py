"""Which of a committee's length limits binds, and how far along it a paper is.

A committee may limit pages, words or both. Pages are counted from the PDF;
while a delegate types, the page count is estimated from the words and the
words that fit the page limit in the committee's layout (``paper.fit``
measures it). The limit reached first binds: the meter and the checklist
both speak of that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: checks (and so the exporter) load no committee files for them
    from .committees import Committee


@dataclass(frozen=True)
class Binding:
    """The limit that binds: ``kind`` is "pages", "words" or "" (no limit)."""

    kind: str
    words: int | None  # the words allowed: max_words, or the words that fit max_pages
    pages: int | None  # max_pages, if any
    fits: int | None  # the words that fit max_pages in the layout, if measured

    def pages_for(self, words: int) -> float | None:
        """The pages ``words`` words take, estimated from the words that fit."""
        if not (self.pages and self.fits):
            return None
        return words * self.pages / self.fits


def binding(committee: Committee, fits: int | None = None) -> Binding:
    """The binding limit of the whole paper, given the words that fit its page limit."""
    rules = committee.rules
    pages, words = rules.max_pages, rules.max_words
    if words and (not pages or fits is None or words <= fits):
        return Binding("words", words, pages, fits)
    if pages:
        return Binding("pages", fits, pages, fits)
    return Binding("", None, None, None)


def allowance(committee: Committee, bound: Binding) -> str:
    """The binding limit in words, as the checklist and the meter say it."""
    if bound.kind == "words":
        return f"the {bound.words} words {committee.acronym} allows"
    return f"the about {bound.words} words that fit {committee.acronym}'s {bound.pages} pages"


def meter_text(words: int, bound: Binding) -> str:
    """``460 of 650 words · about 1.4 of 2 pages``, or with pages binding the pages first."""
    pages = bound.pages_for(words)
    if bound.kind == "pages" and pages is not None:
        return (
            f"about {pages:.1f} of {bound.pages} pages · {words:,} words (about {bound.fits:,} fit)"
        )
    if bound.kind == "pages":
        return f"{words:,} words · at most {bound.pages} pages (see the preview)"
    if bound.kind == "words":
        said = f"{words:,} of {bound.words:,} words"
        return said + (f" · about {pages:.1f} of {bound.pages} pages" if pages is not None else "")
    return f"{words:,} words"


def used(words: int, bound: Binding) -> float | None:
    """The share of the binding limit used (1.0 is full), or None with no known limit."""
    return words / bound.words if bound.words else None
