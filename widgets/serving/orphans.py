"""Kernels nobody can reach: busy, no browser attached, silent. ``munbook serve`` shuts them down.

jupyter_server's idle cull skips busy kernels, and a page whose notebook never
finishes keeps its kernel busy: a stranger who made a page's request go astray
held kernels for good (every page then answered 503). Every ``CHECK_SECONDS``
a kernel that is busy with no connection and has sent nothing for
``ORPHAN_SECONDS`` is shut down, unless it waits in the entry page's pool.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from jupyter_core.utils import ensure_async
from tornado.ioloop import PeriodicCallback

from .kernel_cap import started

ORPHAN_SECONDS = 120  # busy, unconnected and silent this long: nobody will ever reach it
CHECK_SECONDS = 30

log = logging.getLogger("munbook.serve")


def pooled(manager: Any) -> set[str]:
    """Kernels waiting in Voilà's pools (started or starting), which wait unconnected by design."""
    found = set(getattr(manager, "_starting", ()))
    for pool in getattr(manager, "_pools", {}).values():
        for task in pool:
            if started(task):
                found.add(task.result().get("kernel_id"))
    return found


def orphans(manager: Any, last_pooled: dict[str, Any] | None = None) -> list[str]:
    """Ids of the busy, unconnected kernels silent for ``ORPHAN_SECONDS``, pool kernels aside.

    A kernel just taken from the pool is silent too (its page is being built): its
    silence counts from when the check last saw it in the pool (``last_pooled``).
    """
    now = datetime.now(UTC)
    waiting = pooled(manager)
    seen = {} if last_pooled is None else last_pooled
    seen.update(dict.fromkeys(waiting, now))
    found = []
    for kernel_id in manager.list_kernel_ids():
        kernel = manager.get_kernel(kernel_id)
        last = getattr(kernel, "last_activity", now)
        if kernel_id in seen:
            last = max(last, seen[kernel_id])
        silent = now - last
        if (
            kernel_id not in waiting
            and getattr(kernel, "execution_state", "") == "busy"
            and not manager._kernel_connections.get(kernel_id, 0)
            and silent >= timedelta(seconds=ORPHAN_SECONDS)
        ):
            found.append(kernel_id)
    return found


async def reclaim(manager: Any, last_pooled: dict[str, Any] | None = None) -> list[str]:
    """Shut the orphans down; return their ids."""
    gone = orphans(manager, last_pooled)
    if last_pooled is not None:  # forget kernels that are gone
        for kernel_id in set(last_pooled) - set(manager.list_kernel_ids()):
            del last_pooled[kernel_id]
    for kernel_id in gone:
        log.warning(
            "shutting down kernel %s: busy with no page for %d s", kernel_id, ORPHAN_SECONDS
        )
        try:
            await ensure_async(manager.shutdown_kernel(kernel_id))
        except Exception:  # already gone: nothing to free
            log.debug("kernel %s was already gone", kernel_id, exc_info=True)
    return gone


def start(manager: Any) -> PeriodicCallback:
    last_pooled: dict[str, Any] = {}

    async def check() -> None:
        await reclaim(manager, last_pooled)

    callback = PeriodicCallback(check, CHECK_SECONDS * 1000)
    callback.start()
    return callback
