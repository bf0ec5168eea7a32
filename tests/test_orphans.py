"""Busy kernels no page can reach are shut down; pool kernels and connected pages are kept."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from widgets.serving import orphans


def kernel(state: str, silent_seconds: float) -> SimpleNamespace:
    return SimpleNamespace(
        execution_state=state, last_activity=datetime.now(UTC) - timedelta(seconds=silent_seconds)
    )


class Kernels:
    """The part of the kernel manager ``orphans`` reads, with real pool futures."""

    def __init__(self, kernels: dict, connections: dict, pools: dict, starting=()):
        self.kernels, self._kernel_connections = kernels, connections
        self._pools, self._starting, self.shut = pools, set(starting), []

    def list_kernel_ids(self) -> list[str]:
        return list(self.kernels)

    def get_kernel(self, kernel_id: str) -> SimpleNamespace:
        return self.kernels[kernel_id]

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.shut.append(kernel_id)
        del self.kernels[kernel_id]


def test_only_busy_silent_unconnected_kernels_outside_the_pool_are_reclaimed():
    waiting: Future = Future()  # a pool's finished start, as Voilà keeps it
    waiting.set_result({"kernel_id": "pooled"})
    old = orphans.ORPHAN_SECONDS + 5
    manager = Kernels(
        {
            "stuck": kernel("busy", old),  # the stranger's victim
            "pooled": kernel("busy", old),  # waits in the pool by design
            "starting": kernel("busy", old),
            "open": kernel("busy", old),  # a page is connected
            "idle": kernel("idle", old),  # the idle cull's, not ours
            "recent": kernel("busy", 5),
        },
        {"stuck": 0, "pooled": 0, "starting": 0, "open": 1, "idle": 0, "recent": 0},
        {"open.ipynb": [waiting]},
        starting={"starting"},
    )
    assert orphans.orphans(manager) == ["stuck"]
    # In a thread of its own: another test's event loop may be running in this one.
    with ThreadPoolExecutor(1) as thread:
        gone = thread.submit(asyncio.run, orphans.reclaim(manager)).result()
    assert gone == ["stuck"]
    assert manager.shut == ["stuck"] and "stuck" not in manager.kernels


def test_a_kernel_just_taken_from_the_pool_is_not_an_orphan():
    """Silent since it entered the pool, busy building its page, no browser yet: kept."""
    taken: Future = Future()
    taken.set_result({"kernel_id": "k"})
    old = orphans.ORPHAN_SECONDS + 5
    manager = Kernels({"k": kernel("busy", old)}, {"k": 0}, {"open.ipynb": [taken]})
    last_pooled: dict = {}
    assert orphans.orphans(manager, last_pooled) == []  # in the pool: waits by design
    manager._pools["open.ipynb"] = []  # a page took it
    assert orphans.orphans(manager, last_pooled) == []  # seen in the pool just now
    last_pooled["k"] -= timedelta(seconds=old)  # and nobody connected for that long
    assert orphans.orphans(manager, last_pooled) == ["k"]
