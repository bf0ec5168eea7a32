"""The one counting rule for a PDF from outside: pages before the works cited, words of the body.

A paper written in the workbook is counted from its draft: the pages before
the works-cited page, and the words of its sections (``words.paper_words``).
An ingested PDF has only its text, so the same rule is applied to the text
pypdf reads from each page:

- the works cited start at the first line that is only a works-cited heading
  (``Works Cited``, ``Works Consulted``, ``References``, ``Reference List``,
  ``Bibliography``, ``Sources``, ``Sources Cited``, any case, an optional
  colon); the pages before it count, and its own page too when body text
  stands above the heading on it;
- the words are those before that heading, without the header block (the
  lines before the first topic or section heading), the committee's topic and
  section headings, page numbers and running footers (``page 2 of 3``), and
  the AI-use disclosure;
- with no such heading, every page and every word of the text counts, and
  the chair is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .committees import Committee
from .words import count_words

HEADINGS = {
    "works cited",
    "works consulted",
    "references",
    "reference list",
    "bibliography",
    "sources",
    "sources cited",
}
_FOOTER = re.compile(
    r"^(?:.*\bpage\s+\d+\s+of\s+\d+.*|(?:page\s+)?\d+(?:\s+of\s+\d+)?|[-–—]\s*\d+\s*[-–—])$",
    re.IGNORECASE,
)
_DISCLOSURE = re.compile(r"^(?:AI[- ]use disclosure|disclosure of AI use|AI disclosure)\b", re.I)
_HEADER_LABEL = re.compile(
    r"^(?:committee|country|delegation|delegates?|school|topics?|names?|member state)\s*:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BodyCount:
    pages: int  # pages before the works cited
    words: int  # words of the body
    heading: str | None  # the works-cited heading found, as printed


def _plain(line: str) -> str:
    return " ".join(line.split()).rstrip(":").strip().casefold()


def _lines(page_texts: list[str]) -> list[tuple[int, str]]:
    """(page index, line) of every non-empty line that is not a page number or footer."""
    out = []
    for index, text in enumerate(page_texts):
        for line in text.splitlines():
            line = " ".join(line.split())
            if line and not _FOOTER.match(line):
                out.append((index, line))
    return out


def _cited_at(lines: list[tuple[int, str]]) -> int | None:
    return next((i for i, (_, line) in enumerate(lines) if _plain(line) in HEADINGS), None)


def count_body(page_texts: list[str], committee: Committee) -> BodyCount:
    """Pages and words of a PDF's text (one string per page) under the rule above."""
    lines = _lines(page_texts)
    at = _cited_at(lines)
    if at is None:
        body = [line for _, line in lines]
        return BodyCount(len(page_texts), count_words(_without_headings(body, committee)), None)
    page = lines[at][0]
    text_above = at > 0 and lines[at - 1][0] == page
    body = [line for _, line in lines[:at]]
    return BodyCount(
        page + 1 if text_above else page,
        count_words(_without_headings(body, committee)),
        lines[at][1],
    )


def _without_headings(body: list[str], committee: Committee) -> str:
    """The body's text without header block, topic and section headings and disclosure."""
    text = "\n".join(body)
    for topic in committee.topics:
        # A topic heading wraps over lines: its words with any whitespace between.
        words = f"Topic {topic.key}: {topic.title}".split()
        text = re.sub(r"\s+".join(map(re.escape, words)), "\n\x00\n", text)
    sections = {_plain(s.title) for s in committee.rules.sections}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    heads = [line == "\x00" or _plain(line) in sections for line in lines]
    if any(heads):
        start = heads.index(True)  # the header block is everything above the first heading
    else:
        start = 0
        while start < len(lines) and _HEADER_LABEL.match(lines[start]):
            start += 1
    kept = []
    for line, head in zip(lines[start:], heads[start:], strict=True):
        if _DISCLOSURE.match(line):
            break  # the disclosure runs to the works cited
        if not head:
            kept.append(line)
    return "\n".join(kept)
