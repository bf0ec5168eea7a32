"""How much a delegate may write: every limit in one place, and one check for a draft.

Chosen from real papers, generous but bounded. A two-page NMUN paper is about
1,500 words (about 10,000 characters) for the whole paper; the AMUN and
THIMUN limit is about 300 words a topic. So:

- a section holds up to 20,000 characters and 3,000 words: twice a whole
  two-page paper in one section;
- the paper (every section and the disclosure) up to 100,000 characters and
  15,000 words: ten two-page papers;
- a research note up to 20,000 characters (private, but stored with every version);
- the AI-use disclosure up to 2,000 characters (a paragraph or two);
- up to 100 sources (papers cite 4 to 15), each field up to 500 characters,
  a URL up to 2,000 (what browsers and servers reliably accept).

Rendering: every Typst compile gets 10 s and 1 GB (see ``paper.sandbox``);
within these limits a paper takes well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import MunbookError
from .words import count_words

SECTION_CHARS = 20_000
SECTION_WORDS = 3_000
PAPER_CHARS = 100_000
PAPER_WORDS = 15_000
NOTE_CHARS = 20_000
DISCLOSURE_CHARS = 2_000
SOURCES = 100
SOURCE_FIELD_CHARS = 500
URL_CHARS = 2_000
HEADER_FIELD_CHARS = 500  # a delegate, school, country, committee or topic title
PAPER_CELLS = 100  # markdown cells in a paper notebook (INTERPOL's has 10)
WORKS_CITED_CHARS = SOURCES * (5 * SOURCE_FIELD_CHARS + URL_CHARS)
# The draft as stored (JSON, UTF-8): everything above at four bytes a character, rounded up.
DRAFT_BYTES = 4_000_000
RENDER_SECONDS = 10.0
RENDER_MEMORY = 1024 * 1024 * 1024  # bytes of address space for a Typst worker


class LimitExceeded(MunbookError):
    """Text past a limit: nothing was saved or rendered; ``problems`` says which and by how much."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


@dataclass(frozen=True)
class Problem:
    """One limit a draft is past: ``field`` names the box (``A.background``, ``sources``)."""

    field: str
    message: str


def field_limit(field: str) -> int:
    """The character limit of a source field."""
    return URL_CHARS if field == "url" else SOURCE_FIELD_CHARS


def _n(number: int) -> str:
    return f"{number:,}"


def text_problem(
    field: str, label: str, text: str, chars: int, words: int | None = None
) -> Problem | None:
    """``label`` (as a delegate reads it) past its character or word limit, or None."""
    return parts_problem(field, label, [text], chars, words)


def parts_problem(
    field: str, label: str, parts: list[str], chars: int, words: int | None = None
) -> Problem | None:
    """``text_problem`` of the parts joined by line breaks, without joining them.

    A line break ends a word, so the words of the whole are the sum of the parts'
    (each part's count is remembered between keystrokes; see ``count_words``).
    """
    length = sum(map(len, parts)) + max(len(parts) - 1, 0)
    if length > chars:
        return Problem(
            field,
            f"{label} has {_n(length)} characters; the limit is {_n(chars)}. "
            f"Shorten it by {_n(length - chars)} characters.",
        )
    if words is not None:
        count = sum(map(count_words, parts))
        if count > words:
            return Problem(
                field,
                f"{label} has {_n(count)} words; the limit is {_n(words)}. "
                f"Shorten it by {_n(count - words)} words.",
            )
    return None


def section_label(key: str) -> str:
    topic, _, section = key.partition(".")
    return f"Topic {topic} · {section.replace('_', ' ')}"


def check_sources(sources: list[dict[str, Any]]) -> list[Problem]:
    """The source list past its count, or any field past its length."""
    problems = []
    if len(sources) > SOURCES:
        problems.append(
            Problem(
                "sources",
                f"The paper has {_n(len(sources))} sources; the limit is {SOURCES}. "
                f"Remove {_n(len(sources) - SOURCES)}.",
            )
        )
    for index, source in enumerate(sources[: SOURCES + 1]):
        for name, value in source.items():
            found = text_problem(
                f"sources.{index}.{name}",
                f"Source {index + 1}, {name}",
                str(value),
                field_limit(name),
            )
            if found:
                problems.append(found)
    return problems


def check_draft(content: dict[str, Any], titles: dict[str, str] | None = None) -> list[Problem]:
    """Every limit the draft ``content`` is past, in a delegate's words (empty: all fine).

    ``titles`` names sections as the page does (``{"A.background": "Topic A · Background"}``).
    """
    titles = titles or {}
    problems: list[Problem] = []
    sections = content.get("sections") or {}
    disclosure = str(content.get("disclosure") or "")
    for key, text in sections.items():
        found = text_problem(
            key, titles.get(key) or section_label(key), str(text), SECTION_CHARS, SECTION_WORDS
        )
        if found:
            problems.append(found)
    for key, text in (content.get("notes") or {}).items():
        found = text_problem(f"notes.{key}", "A research note", str(text), NOTE_CHARS)
        if found:
            problems.append(found)
    found = text_problem("disclosure", "The AI-use disclosure", disclosure, DISCLOSURE_CHARS)
    if found:
        problems.append(found)
    paper = [*map(str, sections.values()), disclosure]
    found = parts_problem("paper", "The whole paper", paper, PAPER_CHARS, PAPER_WORDS)
    if found:
        problems.append(found)
    problems += check_sources(list(content.get("sources") or []))
    return problems


def enforce(content: dict[str, Any], titles: dict[str, str] | None = None) -> None:
    """Raise ``LimitExceeded`` when the draft ``content`` is past any limit."""
    problems = check_draft(content, titles)
    if problems:
        raise LimitExceeded(problems)


def check_header(fields: dict[str, str]) -> Problem | None:
    """A header field (delegate, school, country, committee, topic) past its length."""
    for name, value in fields.items():
        found = text_problem(
            f"header.{name}", f"The header's {name}", str(value), HEADER_FIELD_CHARS
        )
        if found:
            return found
    return None
