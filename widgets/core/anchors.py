"""Where a comment's passage is in a revised text, and whether its words changed.

A comment is stored with the quoted passage and its position (``start``, ``end``,
character offsets) in the text it was made on. After a revision, ``reanchor``
finds the passage in the new text, in this order:

1. the words around it unchanged (the word-level diff maps the span): there;
2. the quote word for word somewhere else (moved, or the diff could not tell):
   the occurrence nearest to where the diff puts it (a quote that appears twice
   stays with its own occurrence);
3. some of its words kept (edited): the span those words now cover, ``changed``;
4. none of its words kept nearby or elsewhere: ``gone`` (``start == end``, where it was).

Pure functions on strings; ``reanchor_many`` re-anchors a section's comments with one
diff. The texts are bounded as ``core.textdiff`` bounds them (``DiffTooLong``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from . import textdiff
from .textdiff import Token

KEPT_SHARE = 0.5  # an edited passage keeps at least half its words, else it is gone
QUOTE_WORDS = 2_000  # a quote's words considered when searching for it elsewhere


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    changed: bool  # the passage's text differs from the quote (or it is gone)
    gone: bool  # nothing of it is left: start == end, where it was


def reanchor(quote: str, start: int, end: int, old_text: str, new_text: str) -> Anchor:
    """The passage ``old_text[start:end]`` (== ``quote``) in ``new_text``; see the module."""
    return reanchor_many([(quote, start, end)], old_text, new_text)[0]


def reanchor_many(
    passages: Sequence[tuple[str, int, int]], old_text: str, new_text: str
) -> list[Anchor]:
    """``reanchor`` of each (quote, start, end) of one text: the diff is made once."""
    if len(old_text) > textdiff.DIFF_CHARS or len(new_text) > textdiff.DIFF_CHARS:
        textdiff.diff(old_text, new_text)  # raises DiffTooLong, naming the side
    texts = None
    found = []
    for quote, start, end in passages:
        start, end = _located(quote, start, end, old_text)
        if old_text == new_text:
            found.append(Anchor(start, end, changed=False, gone=False))
            continue
        if texts is None:
            old, new = textdiff.tokens(old_text), textdiff.tokens(new_text)
            # Past DIFF_WORDS words a side no word diff is made: the quote is looked for as it is.
            long = textdiff.coarse_needed(old_text, new_text)
            texts = (old, new, {} if long else _pairs(old, new))
        found.append(_one(quote, start, end, old_text, new_text, *texts))
    return found


def _one(
    quote: str,
    start: int,
    end: int,
    old_text: str,
    new_text: str,
    old: list[Token],
    new: list[Token],
    pairs: dict[int, int],
) -> Anchor:
    mapped = _mapped(start, end, old, new, pairs)
    if mapped and new_text[mapped[0] : mapped[1]] == quote:
        return Anchor(*mapped, changed=False, gone=False)
    if mapped:
        near = mapped[0]
    else:
        near = _nearest_new(start, old, new, pairs) if pairs else min(start, len(new_text))
    claimed = _claimed(quote, start, old_text, new_text, old, new, pairs)
    found = _occurrence(quote, new_text, near, claimed)
    if found is not None:
        return Anchor(found, found + len(quote), changed=False, gone=False)
    quote_words = [t.key for t in textdiff.tokens(quote) if t.key]
    if mapped and _share(quote_words, new_text[mapped[0] : mapped[1]]) >= KEPT_SHARE:
        return Anchor(*mapped, changed=True, gone=False)
    moved = _best_window(quote_words, new)
    if moved is not None:
        return Anchor(*moved, changed=True, gone=False)
    return Anchor(near, near, changed=True, gone=True)


def _located(quote: str, start: int, end: int, text: str) -> tuple[int, int]:
    """The quote's span in ``text``: as given when it holds the quote, else the nearest occurrence."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if text[start:end] == quote or not quote:
        return start, end
    found = _occurrence(quote, text, start)
    return (found, found + len(quote)) if found is not None else (start, end)


def _starts(quote: str, text: str) -> list[int]:
    found, at = [], text.find(quote) if quote else -1
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _occurrence(
    quote: str, text: str, near: int, claimed: frozenset[int] = frozenset()
) -> int | None:
    """The start of the occurrence of ``quote`` in ``text`` nearest to ``near``, or None."""
    starts = [at for at in _starts(quote, text) if at not in claimed]
    return min(starts, key=lambda at: abs(at - near)) if starts else None


def _claimed(
    quote: str,
    start: int,
    old_text: str,
    new_text: str,
    old: list[Token],
    new: list[Token],
    pairs: dict[int, int],
) -> frozenset[int]:
    """Where the quote's other occurrences in the old text are, unchanged, in the new one."""
    claimed = set()
    for at in _starts(quote, old_text):
        if at != start:
            span = _mapped(at, at + len(quote), old, new, pairs)
            if span and new_text[span[0] : span[1]] == quote:
                claimed.add(span[0])
    return frozenset(claimed)


def _pairs(old: list[Token], new: list[Token]) -> dict[int, int]:
    """Old token index -> new token index, for the tokens the diff kept."""
    pairs: dict[int, int] = {}
    for a, b, size in textdiff.matched(old, new):
        pairs.update((a + k, b + k) for k in range(size))
    return pairs


def _mapped(
    start: int, end: int, old: list[Token], new: list[Token], pairs: dict[int, int]
) -> tuple[int, int] | None:
    """The new span from the first to the last kept token of the old span (None: none kept)."""
    if not old or end <= start:
        return None
    first, last = textdiff.token_at(old, start), textdiff.token_at(old, end - 1)
    kept = [i for i in range(first, last + 1) if i in pairs]
    if not kept:
        return None
    a, b = old[kept[0]], old[kept[-1]]
    na, nb = pairs[kept[0]], pairs[kept[-1]]
    # Words replaced at an edge (old ones dropped, new ones in their place) belong to the
    # passage: take as many of the new words there as the old edge lost.
    lost_head, lost_tail = kept[0] - first, last - kept[-1]
    if lost_head:
        previous = max([pairs[i] for i in range(first) if i in pairs], default=-1)
        na -= min(lost_head, na - previous - 1)
    if lost_tail:
        following = min(
            [pairs[i] for i in range(last + 1, len(old)) if i in pairs], default=len(new)
        )
        nb += min(lost_tail, following - nb - 1)
    head, tail = new[na], new[nb]
    # Inside a kept token the offset carries over (a quote may start or end mid-word).
    new_start = head.start + max(start - a.start, 0) if not lost_head else head.start
    if lost_tail:
        new_end = tail.start + len(tail.key) if tail.key else tail.end
    else:
        new_end = min(tail.start + (end - b.start), tail.end)
    return (new_start, max(new_end, new_start))


def _nearest_new(start: int, old: list[Token], new: list[Token], pairs: dict[int, int]) -> int:
    """Where ``start`` falls in the new text: after the last kept token before it."""
    if not old or not new:
        return 0
    before = [i for i in range(textdiff.token_at(old, start) + 1) if i in pairs]
    return new[pairs[before[-1]]].end if before else 0


def _share(quote_words: list[str], text: str) -> float:
    """The share of the quote's words (with repeats) that ``text`` still has."""
    if not quote_words:
        return 0.0
    have = Counter(t.key for t in textdiff.tokens(text) if t.key)
    return sum((Counter(quote_words) & have).values()) / len(quote_words)


def _best_window(quote_words: list[str], new: list[Token]) -> tuple[int, int] | None:
    """The span of ``new`` that shares most of the quote's words (at least KEPT_SHARE), or None."""
    want = Counter(quote_words[:QUOTE_WORDS])
    size = sum(want.values())
    if not size or len(new) < 1:
        return None
    have: Counter[str] = Counter()
    common = best = 0
    best_at = 0
    for i, token in enumerate(new):  # a window of ``size`` tokens slides over the new text
        if have[token.key] < want[token.key]:
            common += 1
        have[token.key] += 1
        if i >= size:
            gone = new[i - size].key
            have[gone] -= 1
            if have[gone] < want[gone]:
                common -= 1
        if common > best:
            best, best_at = common, max(i - size + 1, 0)
    if best / size < KEPT_SHARE:
        return None
    window = new[best_at : best_at + size]
    while window and window[0].key not in want:  # trim words the quote does not have
        window = window[1:]
    while window and window[-1].key not in want:
        window = window[:-1]
    last = window[-1]
    return (window[0].start, last.start + len(last.key))
