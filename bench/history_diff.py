"""The History/chair diff of two 1,500-word submissions, and re-anchoring comments on it.

Two papers made from the INTERPOL background guide's own sentences (8 sections,
1,500 words, markdown with bold and a link), the second a real revision: about
one word in ten replaced, a sentence moved to another section, one deleted,
a paragraph added. Timed: the whole diff as the page shows it (markdown to
text, word diff, HTML) 20 comments re-anchored, and two unrelated papers.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_43b02fb00242df59.txt"
SECTIONS = 8
WORDS = 1_500


def _sentences() -> list[str]:
    text = (
        SEED.read_text(encoding="utf-8") if SEED.exists() else "INTERPOL works with police. " * 400
    )
    found = [
        s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) > 6
    ]
    return found or ["INTERPOL works with the police of 196 member countries."]


def papers(seed: int = 7) -> tuple[dict[str, str], dict[str, str]]:
    """(submitted, resubmitted): 8 sections of markdown, 1,500 words each paper."""
    rng = random.Random(seed)
    pool = _sentences()
    old: dict[str, list[str]] = {}
    per = WORDS // SECTIONS
    for n in range(SECTIONS):
        words, sentences = 0, []
        while words < per - 2:  # the link's sentence adds 2
            sentence = rng.choice(pool)
            if words + len(sentence.split()) > per + 10 and sentences:
                continue  # too long to end on: another one
            sentences.append(sentence)
            words += len(sentence.split())
        sentences[0] = f"**{sentences[0]}**"
        sentences.append("See [INTERPOL](https://www.interpol.int).")
        old[f"Topic {'AB'[n // 4]} · section {n % 4 + 1}"] = sentences
    new = {k: list(v) for k, v in old.items()}
    labels = list(new)
    for label in labels:
        words = " ".join(new[label]).split(" ")
        for _ in range(len(words) // 10):  # about one word in ten replaced
            words[rng.randrange(len(words))] = rng.choice(("police", "Kenya", "regional", "data"))
        new[label] = [" ".join(words)]
    moved = old[labels[0]][2]
    new[labels[5]].append(moved)  # a sentence moved to another section
    new[labels[3]] = [new[labels[3]][0].rsplit(".", 2)[0] + "."]  # the end deleted
    new[labels[7]].append("\n\nA new paragraph on AFRIPOL and Operation Pangea in East Africa.")
    return ({k: " ".join(v) for k, v in old.items()}, {k: " ".join(v) for k, v in new.items()})


def timings(repeat: int = 40) -> dict[str, float]:
    from widgets.apps.diff_view import diff_html
    from widgets.core.anchors import reanchor_many
    from widgets.core.readable import readable
    from widgets.core.words import count_words

    old, new = papers()
    words = sum(count_words(readable(t)) for t in old.values())
    diffs, anchors = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        diff_html(old, new, "submission 1", "submission 2")
        diffs.append(time.perf_counter() - start)
    texts = [(readable(old[k]), readable(new[k])) for k in old]
    comments: list[list[tuple[str, int, int]]] = [[] for _ in texts]
    for n in range(20):  # 20 comments, spread over the sections
        before, _ = texts[n % SECTIONS]
        at = (n * 97) % max(len(before) - 60, 1)
        comments[n % SECTIONS].append((before[at : at + 50], at, at + 50))
    for _ in range(repeat):
        start = time.perf_counter()
        for (before, after), passages in zip(texts, comments, strict=True):
            reanchor_many(passages, before, after)
        anchors.append(time.perf_counter() - start)
    other, _ = papers(seed=8)  # two different papers: almost every word changed
    unrelated = []
    for _ in range(repeat // 4):
        start = time.perf_counter()
        diff_html(old, other)
        unrelated.append(time.perf_counter() - start)
    diffs.sort()
    anchors.sort()
    return {
        "words": words,
        "diff_median": statistics.median(diffs),
        "diff_p95": diffs[int(len(diffs) * 0.95)],
        "anchor_median": statistics.median(anchors),
        "anchor_p95": anchors[int(len(anchors) * 0.95)],
        "unrelated_median": statistics.median(unrelated),
    }
