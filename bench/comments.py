"""Saving a comment: ``PaperComments.add`` (the store's insert, the list and marks drawn again).

What the Add comment button runs in the chair's or advisor's kernel, on a
paper that already holds 100 comments (half the limit), on SQLite and on
PostgreSQL when one is at hand. The issue's goal: p95 at most 200 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

SAVES = 60
ALREADY = 100


def measure(url: str | None) -> list[float]:
    """Seconds per save, ``SAVES`` of them, after ``ALREADY`` comments."""
    from widgets.apps.paper_comments import PaperComments
    from widgets.core import committees
    from widgets.store import Store
    from widgets.store.comment_records import Author
    from widgets.workflows.paper_sections import draft_sections

    store = Store.open_for_admin(url) if url else Store()
    committee = committees.load("interpol")
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    text = "Kenya works with AFRIPOL. Operation Pangea seized fake medicines. " * 40
    sections = {key: text for key, _, _ in draft_sections(committee, None)}
    store.save_draft(kenya, {"sections": sections}, None)
    author = Author("staff:1", "chair", "Ana Ruiz")
    for n in range(ALREADY):
        store.add_comment(kenya, author, f"note {n}", "A.background", "AFRIPOL", 17, 24)
    view = PaperComments(
        store,
        store.delegation(kenya),
        draft_sections(committee, {"sections": sections}),
        author,
        committee,
        draft_version=1,
    )
    times = []
    for n in range(SAVES):
        view.choose("A.background", 26, 42)
        view.body.value = f"Give the numbers seized ({n})."
        start = time.perf_counter()
        assert view.add(), view.message.value
        times.append(time.perf_counter() - start)
    store.dispose()
    return times


def main(report: Callable, fresh_home: Callable, pg_url: str, fresh_database: Callable) -> None:
    targets = [("SQLite", None)]
    if pg_url:
        targets.append(("PostgreSQL", "pg"))
    for label, kind in targets:
        fresh_home()
        url = fresh_database(pg_url, "comments") if kind else None
        times = measure(url)
        p95 = statistics.quantiles(times, n=20)[-1]
        median = statistics.median(times)
        report(
            "comments",
            f"{label}: saving a comment median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
            f"({SAVES} saves on a paper with {ALREADY}+ comments)",
            "p95 at most 200 ms",
            p95 <= 0.2,
        )
