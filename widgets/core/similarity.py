"""Overlapping text between papers, and between each paper and the committee's own text.

Papers are cut into shingles of ``SHINGLE`` consecutive words (lower case,
letters and digits only). The score of a pair is the share of the shorter
paper's shingles that the other paper also has; pairs at or above the
threshold (default 0.25: a quarter of a paper's 5-word runs appear in the
other) are flagged, with the overlapping passages of both side by side. The
passages are the papers' own text (punctuation kept), from the first matched
word to the last, widened to whole whitespace-separated words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

SHINGLE = 5
THRESHOLD = 0.25
WIDEN = 40  # characters a passage may grow by, each side, to reach whitespace
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Document:
    key: str  # a country name, or "background"
    words: list[str]
    shingles: dict[int, list[int]] = field(default_factory=dict)  # hash -> word positions
    text: str = ""
    starts: list[int] = field(default_factory=list)  # each word's offset in ``text``
    ends: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, key: str, text: str) -> Document:
        found = list(_WORD.finditer(text))
        doc = cls(
            key,
            [m.group() for m in found],
            text=text,
            starts=[m.start() for m in found],
            ends=[m.end() for m in found],
        )
        folded = [w.casefold() for w in doc.words]
        for i in range(len(folded) - SHINGLE + 1):
            doc.shingles.setdefault(hash(tuple(folded[i : i + SHINGLE])), []).append(i)
        return doc


@dataclass(frozen=True)
class Match:
    first: str
    second: str
    score: float
    passages: list[tuple[str, str]]  # (text in first, text in second)
    flagged: bool


def _passages(a: Document, b: Document, shared: set[int], limit: int = 5) -> list[tuple[str, str]]:
    """The longest runs of shared shingles, as text in each document."""

    def runs(doc: Document) -> list[tuple[int, int]]:
        covered = sorted({p for h in shared for p in doc.shingles.get(h, [])})
        spans: list[list[int]] = []
        for pos in covered:
            if spans and pos <= spans[-1][1] + 1:
                spans[-1][1] = pos
            else:
                spans.append([pos, pos])
        return [(s, e + SHINGLE) for s, e in spans]

    def text(doc: Document, span: tuple[int, int]) -> str:
        return original(doc, span[0], span[1])

    a_runs = sorted(runs(a), key=lambda s: s[0] - s[1])[:limit]
    b_runs = runs(b)
    out = []
    for span in a_runs:
        first = a.words[span[0] : span[0] + SHINGLE]
        key = hash(tuple(w.casefold() for w in first))
        start = b.shingles.get(key, [0])[0]
        match = next((r for r in b_runs if r[0] <= start < r[1]), (start, start + SHINGLE))
        out.append((text(a, span), text(b, match)))
    return out


def original(doc: Document, first: int, end: int) -> str:
    """Words ``first`` to ``end - 1`` as written (punctuation kept), whitespace made single.

    The span grows to whitespace on both sides (at most ``WIDEN`` characters each, for
    text without spaces), so "INTERPOL's" or "(2024)." stay whole.
    """
    end = min(end, len(doc.words))
    if not doc.text or first >= end:
        return " ".join(doc.words[first:end])  # a Document made without its text
    start, stop = doc.starts[first], doc.ends[end - 1]
    floor, ceiling = max(0, start - WIDEN), min(len(doc.text), stop + WIDEN)
    while start > floor and not doc.text[start - 1].isspace():
        start -= 1
    while stop < ceiling and not doc.text[stop].isspace():
        stop += 1
    return " ".join(doc.text[start:stop].split())


def compare(
    papers: dict[str, str],
    background: str = "",
    threshold: float = THRESHOLD,
    passages: bool = True,
) -> list[Match]:
    """Every pair of papers with any overlap, and each paper against the background; best first."""
    docs = {key: Document.of(key, text) for key, text in papers.items()}
    if background:
        docs["background"] = Document.of("background", background)
    index: dict[int, list[str]] = defaultdict(list)
    for key, doc in docs.items():
        for h in doc.shingles:
            index[h].append(key)
    shared: dict[tuple[str, str], set[int]] = defaultdict(set)
    for h, keys in index.items():
        if len(keys) > 1:
            for pair in combinations(sorted(keys, key=lambda k: (k == "background", k)), 2):
                shared[pair].add(h)
    matches = []
    for (first, second), hashes in shared.items():
        a, b = docs[first], docs[second]
        smaller = min(len(a.shingles), len(b.shingles)) or 1
        if second == "background":
            smaller = len(a.shingles) or 1  # how much of the paper is the guide's text
        score = len(hashes) / smaller
        flagged = score >= threshold
        found = _passages(a, b, hashes) if passages and flagged else []
        matches.append(Match(first, second, round(score, 4), found, flagged))
    return sorted(matches, key=lambda m: -m.score)
