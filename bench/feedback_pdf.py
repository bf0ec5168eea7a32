"""``make bench`` ``feedback``: a feedback PDF with the paper and its numbered notes.

A 1,500-word paper in eight sections with 20 comments (a chair's usual), and
the most a PDF takes: 200 comments of 2,000 characters. Each figure is the
whole of ``render_feedback``: building the notes, the font check and the
Typst compile in the warm render worker.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

RUNS = 15


def _paper(words: int, sections: int) -> list[tuple[str, str]]:
    per = words // sections
    return [(f"Section {s}", " ".join(f"word{s}x{i}" for i in range(per))) for s in range(sections)]


def _comments(paper: list[tuple[str, str]], count: int, body: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        title, text = paper[i % len(paper)]
        words = text.split()
        quote = " ".join(words[(i * 7) % (len(words) - 5) :][:4])
        start = text.find(quote)
        out.append(
            {
                "section": title,
                "quote": quote,
                "start": start,
                "end": start + len(quote),
                "body": ("lorem ipsum " * (body // 12 + 1))[:body],
                "author_name": "Chair A",
                "author_role": "chair",
            }
        )
    return out


def _times(data: Callable[[], dict[str, Any]]) -> tuple[float, float]:
    from widgets.paper.feedback import render_feedback

    render_feedback(data())  # the worker warm, the fonts read
    times = []
    for run in range(RUNS):
        start = time.perf_counter()
        fresh = data()
        # A new total each run: Typst keeps what it computed for inputs it has seen.
        fresh["total"] = f"{run} / 100"
        render_feedback(fresh)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1) + 0.5)]


def main(report: Callable[[str, str, str, bool], None], fresh_home: Callable[[], object]) -> None:
    from widgets.core import feedback_notes
    from widgets.paper.feedback import weighted_row

    fresh_home()
    for label, count, body, goal in (("20 notes", 20, 300, 1.0), ("200 notes", 200, 2000, 3.0)):
        paper = _paper(1500, 8)
        comments = _comments(paper, count, body)

        def data(
            paper: list[tuple[str, str]] = paper, comments: list[dict[str, Any]] = comments
        ) -> dict[str, Any]:
            return {
                "country": "Kenya",
                "committee": "INTERPOL",
                "committee_name": "International Criminal Police Organization",
                "rows": [weighted_row("Background", 15, 12, 15)],
                "total": "80 / 100",
                "comments": [],
                "notes": feedback_notes.build(paper, comments),
            }

        median, p95 = _times(data)
        report(
            "feedback",
            f"{label}: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({RUNS} runs)",
            f"p95 at most {goal:g} s",
            p95 <= goal,
        )
