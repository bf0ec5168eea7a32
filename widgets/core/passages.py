"""Where a quoted passage sits in a section's text, and the text cut into marked runs.

A comment keeps the passage it quotes and its offsets in the version it was
made on. The offsets win while they still hold that quote; otherwise the quote
is looked for by text (the occurrence nearest the old offsets, white space
allowed to differ), and a quote found nowhere is reported, never guessed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import pairwise

# A blank line (white space allowed on it) ends a paragraph, as in the paper's markdown.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@dataclass(frozen=True)
class Span:
    """The characters ``start``..``end`` of a section, quoted by note ``number``."""

    start: int
    end: int
    number: int


def locate(
    text: str, quote: str, start: object = None, end: object = None
) -> tuple[int, int] | None:
    """The (start, end) of ``quote`` in ``text``, or None when the text no longer has it."""
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(text)
        and text[start:end] == quote
    ):
        return start, end
    near = start if isinstance(start, int) else 0
    words = quote.split()
    if not words:
        return None
    # The same words with any white space between them: a revision that only
    # re-wrapped a line keeps its comment.
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    best: tuple[int, int] | None = None
    for found in pattern.finditer(text):
        if best is None or abs(found.start() - near) < abs(best[0] - near):
            best = (found.start(), found.end())
        if found.start() > near:
            break  # later ones are only further away
    return best


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each paragraph of ``text``, outer white space left out."""
    out, at = [], 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        out.append((at, brk.start()))
        at = brk.end()
    out.append((at, len(text)))
    trimmed = []
    for start, end in out:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        start, end = start + lead, start + len(piece.rstrip())
        if end > start:
            trimmed.append((start, end))
    return trimmed


def marked_runs(text: str, spans: list[Span]) -> list[list[dict[str, object]]]:
    """Per paragraph, runs ``{"text", "depth", "refs"}``.

    ``depth`` is how many passages cover the run (0: plain text; 2 or more:
    passages that overlap), ``refs`` the numbers of the passages that end with
    it, so each note's number follows the last character it quotes. A passage
    running past a paragraph puts its number after the last one it covers.
    Every span must cover some text that is not white space.
    """
    paras = paragraphs(text)
    starts = [p[0] for p in paras]
    ends: dict[int, list[int]] = {}
    covering: list[list[Span]] = [[] for _ in paras]  # each paragraph's spans
    for span in spans:
        stop = span.end
        first = max(bisect.bisect_right(starts, span.start) - 1, 0)
        last = (
            bisect.bisect_left(starts, span.end) - 1
        )  # the last paragraph starting before its end
        for i in range(first, last + 1):
            if paras[i][0] < span.end and span.start < paras[i][1]:
                covering[i].append(span)
                stop = min(span.end, paras[i][1])
        ends.setdefault(stop, []).append(span.number)
    result = []
    for (p_start, p_end), here in zip(paras, covering, strict=True):
        cuts = {p_start, p_end}
        for span in here:
            cuts.update(c for c in (span.start, span.end) if p_start < c < p_end)
        edges = sorted(cuts)
        runs: list[dict[str, object]] = []
        for a, b in pairwise(edges):
            depth = sum(1 for s in here if s.start <= a and b <= s.end)
            refs = sorted(ends.get(b, []))
            if runs and not runs[-1]["refs"] and runs[-1]["depth"] == depth:
                runs[-1]["text"] = str(runs[-1]["text"]) + text[a:b]
                runs[-1]["refs"] = refs
            else:
                runs.append({"text": text[a:b], "depth": depth, "refs": refs})
        result.append(runs)
    return result
