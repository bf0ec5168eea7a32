"""Word-level differences between two texts: what was kept, added and removed.

Words as ``core.words`` counts them (each CJK, kana, hangul or Thai character is
a word), compared with stdlib difflib, so an edit reads as the words that
changed. Whitespace goes with the word before it: kept text is shown with the
new text's spacing. Bounded: past ``DIFF_WORDS`` words on a side, paragraphs
are compared instead of words (``Diff.coarse``); past ``DIFF_CHARS`` characters
on a side there is no diff (``DiffTooLong``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import Literal, NamedTuple

from ..exceptions import MunbookError
from .words import _UNSPACED, count_words

DIFF_WORDS = 6_000  # twice a section's limit (3,000): every section is compared word by word
DIFF_CHARS = 400_000  # four whole papers (a paper is at most 100,000 characters)

Kind = Literal["equal", "insert", "delete"]


class DiffTooLong(MunbookError):
    """A text past ``DIFF_CHARS``: too long to compare."""


class Token(NamedTuple):  # a tuple: thousands are made per diff, and a frozen dataclass is slower
    key: str  # what is compared: the word (or the paragraph, when coarse)
    start: int
    end: int  # after the whitespace that follows it


@dataclass(frozen=True)
class Op:
    """A run of kept, added or removed text; ``old``/``new`` are its character spans."""

    kind: Kind
    text: str
    old: tuple[int, int]
    new: tuple[int, int]


@dataclass(frozen=True)
class Diff:
    ops: tuple[Op, ...]
    coarse: bool  # compared paragraph by paragraph (a side past DIFF_WORDS words)
    added: int  # words
    removed: int

    @property
    def changed(self) -> bool:
        return any(op.kind != "equal" for op in self.ops)


@cache
def _word_pattern() -> re.Pattern:
    # A word (letters and digits, joined by an apostrophe or hyphen), a CJK character or one
    # punctuation mark: "happy." and "happy today." share "happy" and ".".
    word = r"[^\W_]+(?:['’\-][^\W_]+)*"
    return re.compile(rf"\s+|(?:[{_UNSPACED}]|{word}|[^\s{_UNSPACED}])\s*")


_PARAGRAPH = re.compile(r"[^\n]*\n*")


def tokens(text: str, coarse: bool = False) -> list[Token]:
    """The words (or paragraphs) of ``text`` with their spans; leading spaces are a token of their own."""
    pattern = _PARAGRAPH if coarse else _word_pattern()
    return [
        Token(m.group().strip(), m.start(), m.end()) for m in pattern.finditer(text) if m.group()
    ]


def _check(text: str, side: str) -> None:
    if len(text) > DIFF_CHARS:
        raise DiffTooLong(
            f"the {side} text has {len(text):,} characters; texts of at most "
            f"{DIFF_CHARS:,} characters are compared"
        )


def matched(old: list[Token], new: list[Token]) -> list[tuple[int, int, int]]:
    """difflib's matching blocks (old index, new index, length) of two token lists."""
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    return [(m.a, m.b, m.size) for m in matcher.get_matching_blocks()]


def coarse_needed(old_text: str, new_text: str) -> bool:
    return max(count_words(old_text), count_words(new_text)) > DIFF_WORDS


def diff(old_text: str, new_text: str) -> Diff:
    """The word-level diff of ``old_text`` and ``new_text`` (DiffTooLong past DIFF_CHARS)."""
    _check(old_text, "old")
    _check(new_text, "new")
    coarse = coarse_needed(old_text, new_text)
    old, new = tokens(old_text, coarse), tokens(new_text, coarse)
    ops: list[Op] = []

    def add(kind: Kind, text: str, old_span: tuple[int, int], new_span: tuple[int, int]) -> None:
        if not text:
            return
        if ops and ops[-1].kind == kind:  # a delete and an insert in turn stay two runs
            last = ops.pop()
            text = last.text + text
            old_span, new_span = (last.old[0], old_span[1]), (last.new[0], new_span[1])
        ops.append(Op(kind, text, old_span, new_span))

    def span(toks: list[Token], i: int, j: int) -> tuple[int, int]:
        if i >= j:
            at = toks[i].start if i < len(toks) else (toks[-1].end if toks else 0)
            return (at, at)
        return (toks[i].start, toks[j - 1].end)

    i = j = 0
    for a, b, size in matched(old, new):
        o, n = span(old, i, a), span(new, j, b)
        add("delete", old_text[o[0] : o[1]], o, (n[0], n[0]))
        add("insert", new_text[n[0] : n[1]], (o[1], o[1]), n)
        o, n = span(old, a, a + size), span(new, b, b + size)
        add("equal", new_text[n[0] : n[1]], o, n)
        i, j = a + size, b + size
    added = sum(count_words(op.text) for op in ops if op.kind == "insert")
    removed = sum(count_words(op.text) for op in ops if op.kind == "delete")
    return Diff(tuple(ops), coarse, added, removed)


def token_at(toks: list[Token], offset: int) -> int:
    """The index of the token holding character ``offset`` (the last one past the end)."""
    return max(bisect_right([t.start for t in toks], offset) - 1, 0)
