"""Overlapping text between papers, and between each paper and the committee's own text.

Papers are cut into shingles of ``SHINGLE`` consecutive words (lower case,
letters and digits only). The score of a pair is the share of the shorter
paper's shingles that the other paper also has; pairs at or above the
threshold (default 0.25: a quarter of a paper's 5-word runs appear in the
other) are flagged, with the overlapping passages of both side by side.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

SHINGLE = 5
THRESHOLD = 0.25
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Document:
    key: str  # a country name, or "background"
    words: list[str]
    shingles: dict[int, list[int]] = field(default_factory=dict)  # hash -> word positions

    @classmethod
    def of(cls, key: str, text: str) -> Document:
        words = _WORD.findall(text)
        doc = cls(key, words)
        folded = [w.casefold() for w in words]
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
        return " ".join(doc.words[span[0] : span[1]])

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
