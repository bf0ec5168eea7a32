"""The feedback PDF's numbered notes: each comment beside the passage it quotes.

``build(sections, comments)`` gives what templates/feedback/feedback.typ
prints. Notes are numbered in reading order: whole-paper comments first (and
comments on a section this paper lacks), then per section its whole-section
comments (numbered at the heading), comments whose passage is gone (likewise,
saying so), then passages by where they end. Everything is plain strings and
numbers: the template places them as text, so no comment is ever Typst markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import MunbookError
from . import comment_limits, limits
from .passages import Span, locate, marked_runs

# The same limits as the comments themselves have when they are written.
BODY_CHARS = comment_limits.COMMENT_CHARS  # characters of one comment
QUOTE_CHARS = comment_limits.QUOTE_CHARS  # characters of the passage a comment quotes
COMMENTS = comment_limits.COMMENTS_PER_PAPER  # comments on one paper
AUTHOR_CHARS = limits.HEADER_FIELD_CHARS  # characters of a comment's author's name
TITLE_CHARS = limits.HEADER_FIELD_CHARS  # characters of a section's title
SECTIONS = limits.PAPER_CELLS  # sections of the paper printed with the notes
# Characters of the paper's text, works cited included (an ingested PDF can be all one section).
TEXT_CHARS = limits.PAPER_CHARS + limits.WORKS_CITED_CHARS
EXCERPT_CHARS = 80  # of a found passage, repeated at the start of its note
NOT_FOUND = "passage not found in this version"

Section = tuple[str, str] | tuple[str, str, str]


def _n(number: int) -> str:
    return f"{number:,}"


def _sections(sections: Sequence[Section]) -> list[tuple[str, str, str]]:
    """(name, title, text) for each section; a 2-tuple is (title, text), named by its title."""
    if len(sections) > SECTIONS:
        raise MunbookError(
            f"the paper has {_n(len(sections))} sections; feedback holds at most {_n(SECTIONS)}"
        )
    out: list[tuple[str, str, str]] = []
    total = 0
    for item in sections:
        name, title, text = (item[0], item[0], item[1]) if len(item) == 2 else item
        if len(title) > TITLE_CHARS:
            raise MunbookError(
                f"the section title {title[:40]!r}… is {_n(len(title))} characters; "
                f"the limit is {_n(TITLE_CHARS)}"
            )
        if any(name == seen for seen, _, _ in out):
            raise MunbookError(f"two sections are both named {name!r}: comments would be ambiguous")
        total += len(text)
        out.append((name, title, text))
    if total > TEXT_CHARS:
        raise MunbookError(
            f"the paper's text is {_n(total)} characters; feedback holds at most {_n(TEXT_CHARS)}"
        )
    return out


def _check(comments: Sequence[dict[str, Any]]) -> None:
    if len(comments) > COMMENTS:
        raise MunbookError(
            f"the paper has {_n(len(comments))} comments; feedback holds at most {_n(COMMENTS)}"
        )
    for i, c in enumerate(comments, 1):
        where = f"comment {i} (by {str(c.get('author_name') or 'unnamed')[:40]})"
        for key, what, limit in (
            ("body", "text", BODY_CHARS),
            ("quote", "quoted passage", QUOTE_CHARS),
            ("author_name", "author's name", AUTHOR_CHARS),
        ):
            value = c.get(key)
            if value is not None and not isinstance(value, str):
                raise MunbookError(f"{where}: its {what} is not text")
            if value is not None and len(value) > limit:
                raise MunbookError(
                    f"{where}: its {what} is {_n(len(value))} characters; the limit is {_n(limit)}"
                )
        if not isinstance(c.get("body"), str):
            raise MunbookError(f"{where} has no text")


def _author(c: dict[str, Any]) -> str:
    name = (c.get("author_name") or "").strip()
    role = (c.get("author_role") or "").strip()
    if name and role:
        return f"{name} ({role})"
    return name or role


def _excerpt(quote: str | None) -> str | None:
    """The start of a quote (the whole passage is marked in the text above the note)."""
    if quote is None:
        return None
    words = " ".join(quote.split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


def _label(where: str) -> str | None:
    if where == "passage":
        return None
    return where[0].upper() + where[1:] + ":" if where == NOT_FOUND else "On " + where


def _note(c: dict[str, Any], where: str, quote: str | None = None) -> dict[str, Any]:
    lost = where == NOT_FOUND
    return {
        "n": 0,
        "where": where,
        # What the note says it is on: the passage's start, or what it is on and why.
        "label": _label(where),
        "lost": lost,
        "quote": quote,
        "excerpt": quote if lost else _excerpt(quote),
        "body": c["body"],
        "author": _author(c),
    }


@dataclass
class _Sorted:
    """The comments, sorted to where they print (in the order given, within each)."""

    general: list[dict[str, Any]]  # on the whole paper, then on sections this paper lacks
    heading: list[list[dict[str, Any]]]  # per section: whole-section, then lost passages
    placed: list[list[tuple[int, int, int, dict[str, Any]]]]  # (end, start, order, note)


def _sort(parts: list[tuple[str, str, str]], comments: Sequence[dict[str, Any]]) -> _Sorted:
    by_name = {name: i for i, (name, _, _) in enumerate(parts)}
    paper: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    whole: list[list[dict[str, Any]]] = [[] for _ in parts]
    gone: list[list[dict[str, Any]]] = [[] for _ in parts]
    placed: list[list[tuple[int, int, int, dict[str, Any]]]] = [[] for _ in parts]
    for order, c in enumerate(comments):
        section = c.get("section")
        if section is None:
            paper.append(_note(c, "the whole paper"))
        elif section not in by_name:
            missing.append(_note(c, f"the section “{section}”, which this version does not have"))
        elif c.get("quote") is None or not c["quote"].strip():
            whole[by_name[section]].append(_note(c, "the whole section"))
        else:
            i = by_name[section]
            found = locate(parts[i][2], c["quote"], c.get("start"), c.get("end"))
            if found is None:
                gone[i].append(_note(c, NOT_FOUND, c["quote"]))
            else:
                placed[i].append((found[1], found[0], order, _note(c, "passage", c["quote"])))
    return _Sorted(paper + missing, [w + g for w, g in zip(whole, gone, strict=True)], placed)


def build(sections: Sequence[Section], comments: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``{"general": [note], "sections": [{"title", "marks", "paragraphs", "notes"}], "count"}``.

    A note is ``{"n", "where", "label", "lost", "quote", "excerpt", "body",
    "author"}``; ``where`` says what it is on ("the whole paper", "the whole
    section", "passage", a missing section, or NOT_FOUND, in which case
    ``quote`` is the passage it quoted). ``paragraphs`` are marked runs (see
    ``passages.marked_runs``); ``marks`` the numbers printed at the section's
    heading. Past a limit: MunbookError.
    """
    parts = _sections(sections)
    _check(comments)
    placed = _sort(parts, comments)
    count = 0

    def numbered(note: dict[str, Any]) -> dict[str, Any]:
        nonlocal count
        count += 1
        note["n"] = count
        return note

    general = [numbered(n) for n in placed.general]
    out = []
    for i, (_, title, text) in enumerate(parts):
        top = [numbered(n) for n in placed.heading[i]]
        # Passages by where they end (their number follows them), then start, then order.
        here = sorted(placed.placed[i], key=lambda p: p[:3])
        passages = [numbered(p[3]) for p in here]
        spans = [
            Span(start, end, n["n"]) for (end, start, _, _), n in zip(here, passages, strict=True)
        ]
        out.append(
            {
                "title": title,
                "marks": [n["n"] for n in top],
                "paragraphs": marked_runs(text, spans),
                "notes": top + passages,
            }
        )
    return {"general": general, "sections": out, "count": count}


def strings(notes: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (where, text) that the PDF prints from ``notes``, for the font check."""
    out = [
        (f"note {n['n']}", f"{n['body']} {n['author']} {n['quote'] or ''} {n['where']}")
        for n in notes["general"]
    ]
    for s in notes["sections"]:
        out.append((f"the section “{s['title']}”", s["title"]))
        for para in s["paragraphs"]:
            out.extend((f"the section “{s['title']}”", str(r["text"])) for r in para)
        out.extend(
            (f"note {n['n']}", f"{n['body']} {n['author']} {n['quote'] or ''}") for n in s["notes"]
        )
    return out
