"""What the feedback PDF prints of the paper: its latest submission and the chairs' comments.

The sections are the submitted paper notebook's markdown cells, the text the
chairs' passage picker offered (``paper_sections.submission_sections``), so a
comment's offsets refer to it. A comment made on an earlier version (a
submission before a revision) is re-anchored through the word diff
(``core.comment_view.placed``); a passage edited since says so in its note and
quotes what the chair selected; one that is gone is printed as not found.
Advisors' comments are never read (``chairs_only``): they are not the chairs'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import feedback_notes
from ..core.comment_view import placed
from ..core.committees import Committee
from .paper_sections import submission_sections, version_texts

if TYPE_CHECKING:
    from ..store import Store
    from ..store.comment_records import Comment

EDITED = "Passage edited since this comment, which quoted"


def _excerpt(quote: str) -> str:
    words = " ".join(quote.split())
    limit = feedback_notes.EXCERPT_CHARS
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def latest_sections(store: Store, committee: Committee, delegation_id: int) -> list:
    """(key, title, text) of the delegation's latest submission; [] when none has a notebook."""
    subs = store.submissions(delegation_id)
    return submission_sections(committee, subs[-1]["notebook"]) if subs else []


def _anchored(comments: list[Comment], old: dict, texts: dict[str, str]) -> list[dict[str, Any]]:
    """Each comment's note keys, its passage moved to where it is in ``texts``."""
    out = []
    for c in comments:
        note = c.note()
        text = texts.get(c.section or "")
        if c.quote and text is not None:
            before = (old.get(c.id) or {}).get(c.section or "")
            place = placed(c, before, text)
            if place is None:
                note.update(start=None, end=None)  # found by its words, or "not found"
            else:
                start, end, how = place
                end = min(
                    end, start + feedback_notes.QUOTE_CHARS
                )  # words typed inside it may have grown it
                note.update(start=start, end=end, quote=text[start:end])
                if how == "changed":
                    note["edited"] = c.quote
        out.append(note)
    return out


def paper_notes(store: Store, committee: Committee, delegation_id: int) -> dict[str, Any] | None:
    """``feedback_notes.build`` of the latest submission and the chairs' comments;
    None when there is neither a submitted text nor a comment."""
    sections = latest_sections(store, committee, delegation_id)
    comments = store.comments(delegation_id, chairs_only=True)
    comments = [c for c in comments if c.author_role == "chair"]
    if not sections and not comments:
        return None
    texts = {key: text for key, _, text in sections}
    old = version_texts(store, committee, delegation_id, comments)
    given = _anchored(comments, old, texts)
    notes = feedback_notes.build(sections, given)
    _say_edited(notes, given)
    return notes


def _say_edited(notes: dict[str, Any], given: list[dict[str, Any]]) -> None:
    """A note on an edited passage says so and quotes the passage as the chair selected it."""
    edited = {(g["quote"], g["body"]): g["edited"] for g in given if g.get("edited") is not None}
    for section in notes["sections"]:
        for n in section["notes"]:
            was = edited.get((n["quote"], n["body"])) if n["where"] == "passage" else None
            if was is not None:
                n["label"] = f"{EDITED} “{_excerpt(was)}”"
