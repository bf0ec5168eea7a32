"""Who sees which comment, and where a comment's passage is in the text shown now.

Pure functions over anything with a comment's fields (``store.comment_records.Comment``).
A delegate (and their advisor) sees advisors' comments at once and chairs'
comments once the chairs released them (feedback released, or the submission
marked "changes requested": the caller says which in ``released``); a chair
sees only chairs' comments (the store never hands them an advisor's).
"""

from __future__ import annotations

from typing import Any, Protocol


class Commented(Protocol):
    @property
    def section(self) -> str | None: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def start(self) -> int | None: ...
    @property
    def end(self) -> int | None: ...
    @property
    def author_role(self) -> str: ...
    @property
    def visible_to_chairs(self) -> bool: ...


def visible(comment: Commented, viewer: str, released: bool) -> bool:
    """True when ``viewer`` (delegate, advisor, chair) may read ``comment`` now."""
    if viewer == "chair":
        return bool(comment.visible_to_chairs)
    if comment.author_role == "advisor":
        return viewer in ("delegate", "advisor")
    return released and viewer in ("delegate", "advisor")


def anchored(text: str, comment: Commented) -> tuple[int, int] | None:
    """Where the comment's quote is in ``text``: at its offsets if unchanged, else the
    occurrence nearest them; None when the passage is no longer there (or there is none)."""
    quote, start, end = comment.quote, comment.start, comment.end
    if not quote:
        return None
    if start is not None and end is not None and text[start:end] == quote:
        return start, end
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    if not found:
        return None
    best = min(found, key=lambda a: abs(a - (start or 0)))
    return best, best + len(quote)


def placed(comment: Commented, old_text: str | None, text: str) -> tuple[int, int, str] | None:
    """(start, end, how) of the comment's passage in ``text``: how is "same" (its words as
    quoted) or "changed" (edited since); None when it is gone or there is none.

    ``old_text``: the section as it was when the comment was made (None when that version
    is no longer kept): re-anchored through the word diff (``core.anchors``), else found
    by its quote (``anchored``).
    """
    from .anchors import reanchor
    from .textdiff import DiffTooLong

    quote, start, end = comment.quote, comment.start, comment.end
    if not quote or start is None or end is None:
        return None
    if old_text is not None and old_text[start:end] == quote:
        try:
            anchor = reanchor(quote, start, end, old_text, text)
        except DiffTooLong:
            anchor = None
        if anchor is not None:
            if anchor.gone:
                return None
            return anchor.start, anchor.end, "changed" if anchor.changed else "same"
    found = anchored(text, comment)
    return (*found, "same") if found else None


def numbered(comments: list[Any]) -> dict[int, int]:
    """Comment id -> its number on the page (1, 2, ... in the order given)."""
    return {c.id: n for n, c in enumerate(comments, 1)}
