"""Review statuses: the committee-wide read, the delegate header's read, setting one.

196 delegations of a committee that takes revisions, each with two submissions
and one or two statuses; on the store of ``url`` (SQLite or PostgreSQL). Called by
``bench/run.py statuses``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def _timed(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), _p95(times)


def run(report: Callable[[str, str, str, bool], None], url: str, label: str, key: str) -> None:
    from widgets.core import countries
    from widgets.core import review_status as rs
    from widgets.store import KernelStore, Store
    from widgets.workflows import progress, revisions

    store = Store(url)
    members = [c.alpha3 for c in countries.members("interpol")][:196]
    ids = store.ensure_delegations(key, members)
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    latest: list[int] = []
    for n, (delegation, _) in enumerate(ids.values()):
        first = store.add_submission(
            delegation, submitted_at=t0, pdf=b"%PDF", sha256="0" * 64, seconds_late=0
        )
        store.add_status(first, rs.CHANGES_REQUESTED, "staff:1", "Chair", "Cite more.", at=t0)
        second = store.add_submission(
            delegation, submitted_at=t0 + timedelta(hours=1), pdf=b"%PDF", sha256="1" * 64
        )
        if n % 2:
            store.add_status(
                second, rs.ACCEPTED, "staff:1", "Chair", "", at=t0 + timedelta(hours=2)
            )
        latest.append(second)
    med, p95 = _timed(lambda: store.standings(key), 20)
    report(
        "statuses",
        f"{label}: standings of 196 delegations: median {med * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
        "p95 <= 50 ms",
        p95 <= 0.05,
    )
    med, p95 = _timed(lambda: progress.committee_status(store, key), 10)
    report(
        "statuses",
        f"{label}: progress (advisor table rows) of 196: median {med * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
        "p95 <= 300 ms",
        p95 <= 0.3,
    )
    kernel = KernelStore(url)
    one = next(iter(ids.values()))[0]
    med, p95 = _timed(lambda: revisions.standing_of(kernel, one), 50)
    report(
        "statuses",
        f"{label}: a delegate's header read (kernel store): median {med * 1000:.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms",
        "p95 <= 20 ms",
        p95 <= 0.02,
    )
    kernel.dispose()
    queue = iter(latest)
    med, p95 = _timed(
        lambda: revisions.accept(store, key, next(queue), "staff:1", "Chair", "Good."), 50
    )
    report(
        "statuses",
        f"{label}: setting a status (checks + insert): median {med * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
        "p95 <= 100 ms",
        p95 <= 0.1,
    )
    store.dispose()
