"""The kernel cap of ``munbook serve``, and the preheated pool under it.

``CappedKernelManager`` is Voilà's kernel manager with a cap: past
``max_kernels`` a page gets the busy page (HTTP 503), while a pool kernel
waits for room and for a calm moment instead of being refused.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
import uuid

import zmq.asyncio
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer, Set, default

from .. import settings, upstream
from ..exceptions import MunbookError
from .activity import LeanActivityWatch

POOL_STARTS = 2  # pool kernels starting at once: a refill never swamps the pages being opened
POOL_WAIT = 0.5  # seconds between looks for room under the cap (and for calm), for a refill
POOL_CALM = 2.0  # seconds with no page being made and none asked for before a refill starts
POOL_PATIENCE = 30.0  # (during a burst the CPU goes to pages), but never more than this
# A worker that serve --workers restarted after a crash: the other workers are busy starting
# kernels for its delegates' reopened pages (make bench workers), so its own pool waits until
# the machine has ROOM_CORES idle, at most ROOM_PATIENCE seconds after it started.
RESTARTED_ENV = "MUNBOOK_RESTARTED"
# serve --workers names each worker (its HAProxy cookie value) in its environment, and
# HAProxy passes on the cookie a request came with: a page whose cookie names another
# worker was moved here from a dead one, and may take the spare kernels.
NAME_ENV = "MUNBOOK_WORKER_NAME"

ROOM_CORES = 1.0
ROOM_PATIENCE = 60.0
# ZMQ sockets the server holds for one open page (its kernel's channels, Voilà's run of the
# notebook, the heartbeat): about 6 measured; libzmq's default of 1023 for the whole server
# ran out at about 150 open pages ("Too many open files", HTTP 500).
SOCKETS_PER_KERNEL = 12
FILES_PER_SOCKET = 2  # a socket's mailbox and its connection


class KernelsBusy(web.HTTPError):
    def __init__(self) -> None:
        super().__init__(503, reason="Server Busy")


class CappedKernelManager(LeanActivityWatch, AsyncMappingKernelManager):
    """Voilà's kernel manager that refuses to start more than ``max_kernels``.

    Its activity watch is ``LeanActivityWatch``'s (a fraction of the server's CPU).
    """

    max_kernels = Integer(settings.MAX_KERNELS, help="Kernels running at once, at most.").tag(
        config=True
    )
    _starting = Set(help="Ids of the kernels being started.")

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        # Set before the first socket is made (libzmq fixes its table then).
        self._created_context = True
        context = zmq.asyncio.Context()
        context.set(zmq.MAX_SOCKETS, zmq_sockets(self.max_kernels))
        return context

    last_page = 0.0  # time.monotonic() of the last page asked for
    room_until = 0.0  # time.monotonic() until which pool kernels wait for idle CPU (restarts)
    spare = 0  # ready pool kernels kept for pages moved from a dead worker (``moved``)
    pages_open = 0  # pages being made now (their request not answered yet)
    _pool_starts: asyncio.Semaphore | None = None

    def calm(self) -> bool:
        """No page being made and none asked for in the last ``POOL_CALM`` seconds."""
        return not self.pages_open and time.monotonic() - self.last_page >= POOL_CALM

    async def wait_for_calm(self) -> None:
        """Until ``calm()``, at most ``POOL_PATIENCE`` seconds."""
        patience = time.monotonic() + POOL_PATIENCE
        while not self.calm() and time.monotonic() < patience:
            await asyncio.sleep(POOL_WAIT)

    async def wait_for_room(self) -> None:
        """Until the machine has ``ROOM_CORES`` idle, or ``room_until`` (a restarted worker)."""
        sample = cpu_sample()
        while sample and time.monotonic() < self.room_until:
            await asyncio.sleep(POOL_WAIT)
            idle, sample = idle_cores(sample)
            if idle >= ROOM_CORES:
                return

    def ready(self) -> bool:
        """False while a restarted worker waits for room and fills its pool: its health
        check then says 503, so HAProxy keeps its delegates' reopened pages on the other
        workers (their spare kernels), never on a worker with no kernel started."""
        pools = getattr(self, "_pools", None)  # Voilà's, with a pool
        if not pools or time.monotonic() >= self.room_until:
            return True
        if all(task.done() for pool in pools.values() for task in pool):
            self.room_until = 0.0  # ready once, ready for good (a refill is not a restart)
            return True
        return False

    def is_full(self) -> bool:
        # A kernel being started may already be listed (pending kernels): count it once.
        return len(set(self.list_kernel_ids()) | self._starting) >= self.max_kernels

    # jupyter_client types start_kernel by the sync MultiKernelManager; here it is async.
    async def start_kernel(self, *args, **kwargs) -> str:  # type: ignore[override]
        if kwargs.get("env", {}).get("VOILA_PREHEAT") == "True":
            # Voilà hands a refill the URL of the page that took the last kernel, code and
            # all; the kernel that serves someone else next needs none of it.
            kwargs["env"] = {k: v for k, v in kwargs["env"].items() if k != "VOILA_REQUEST_URL"}
            return await self._start_pooled(*args, **kwargs)
        if self.is_full():
            raise KernelsBusy()
        return await self._counted_start(*args, **kwargs)

    async def _start_pooled(self, *args, **kwargs) -> str:
        """A kernel for the entry page's pool: it waits for room under the cap, never refused.

        At most ``POOL_STARTS`` start at once; a refill has already waited for
        calm (``defer_refills``); in a restarted worker each waits for room first.
        """
        if self._pool_starts is None:
            self._pool_starts = asyncio.Semaphore(POOL_STARTS)
        async with self._pool_starts:
            await self.wait_for_room()
            while self.is_full():
                await asyncio.sleep(POOL_WAIT)
            return await self._counted_start(*args, **kwargs)

    async def _counted_start(self, *args, **kwargs) -> str:
        # Called right after is_full() with no await in between: starts cannot overshoot.
        kernel_id = kwargs.setdefault("kernel_id", str(uuid.uuid4()))
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting.discard(kernel_id)


def cpu_sample() -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs from /proc/stat; None where it cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return ticks[3] + ticks[4], sum(ticks)  # idle + iowait; user ... steal


def idle_cores(before: tuple[int, int]) -> tuple[float, tuple[int, int] | None]:
    """Cores idle since ``before`` (a ``cpu_sample()``), and the new sample."""
    now = cpu_sample()
    if now is None or now[1] <= before[1]:
        return 0.0, now or before
    share = (now[0] - before[0]) / (now[1] - before[1])
    return share * (os.cpu_count() or 1), now


def defer_refills(manager) -> None:
    """Make each of Voilà's pool refills wait for calm (``wait_for_calm``) before any work.

    Voilà (0.5) refills the pool a second after a kernel is taken, in the
    server's one thread: a page renderer (~55 ms: page config, exporter) and a
    kernel start whose notebook it then renders, while the burst's pages wait
    for that thread (``make bench burst``). Its refill task awaits
    ``manager._initialize(notebook, None, ...)``, looked up when the refill is
    made; a restart passes its kernel's id and is not held. tests/test_pool.py
    fails if Voilà stops calling it that way.
    """
    initialize = manager._initialize

    async def deferred(notebook_path: str, kernel_id: str | None = None, **kwargs):
        if kernel_id is None:
            await manager.wait_for_calm()
        return await initialize(notebook_path, kernel_id, **kwargs)

    upstream.replace("voila.voila_kernel_manager:voila_kernel_manager_factory._initialize",
                     deferred, on=manager)  # fmt: skip


def started(task) -> bool:
    """A pool entry whose kernel started (Voilà keeps each as a task or future of its start)."""
    return bool(task.done() and not task.cancelled() and task.exception() is None)


def ready_first(manager, notebook: str, keep: int = 0) -> bool:
    """Put a started pool kernel of ``notebook`` first in Voilà's pool; False if there is none
    beyond the ``keep`` started ones left for others (the spare kernels).

    Voilà (0.5) takes ``_pools[notebook][0]`` and waits for it, even when it is
    still starting or waiting for room; a started one is never slower.
    """
    pool = getattr(manager, "_pools", {}).get(notebook, [])
    ready = [index for index, task in enumerate(pool) if started(task)]
    if len(ready) <= keep:
        return False
    pool.insert(0, pool.pop(ready[0]))
    return True


def check_pool(pool: int, max_kernels: int, spare: int = 0) -> int:
    """``pool`` if it and the ``spare`` kernels leave room under the cap, else a MunbookError."""
    if pool + spare >= max_kernels:
        kernels = f"{pool} (and {spare} spare)" if spare else f"{pool}"
        raise MunbookError(
            f"a pool of {kernels} preheated kernels needs a kernel cap above it "
            f"(now {max_kernels}): lower --pool{' or --spare' if spare else ''} "
            "or raise --max-kernels"
        )
    return pool


def pool_and_spare() -> tuple[int, int]:
    """This server's pool and spare kernels, checked against its cap (spares: workers only)."""
    spare = settings.spare_size() if os.environ.get(NAME_ENV) else 0
    return check_pool(settings.pool_size(), settings.max_kernels(), spare), spare


def zmq_sockets(max_kernels: int) -> int:
    """ZMQ sockets for a server of ``max_kernels`` kernels: never below libzmq's default, 1,023."""
    with zmq.Context() as probe:
        default, limit = probe.get(zmq.MAX_SOCKETS), probe.get(zmq.SOCKET_LIMIT)
    return min(max(default, max_kernels * SOCKETS_PER_KERNEL + 256), limit)


def raise_open_files(max_kernels: int, log: logging.Logger) -> int:
    """Raise this process's open-file limit to what ``max_kernels`` need; the limit now.

    Only the soft limit moves, up to the hard one; below what is needed, a
    warning says how to raise it (pages past it would fail, "Too many open files").
    """
    needed = zmq_sockets(max_kernels) * FILES_PER_SOCKET + max_kernels * 4 + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    if soft != resource.RLIM_INFINITY and soft < needed:
        log.warning(
            "open files are limited to %d; %d kernels need about %d: raise the hard "
            "limit (ulimit -Hn, systemd's LimitNOFILE=) or lower --max-kernels",
            soft,
            max_kernels,
            needed,
        )
    return soft


def prepare_manager(
    manager: CappedKernelManager, max_kernels: int, pool: int, log, spare: int = 0
) -> None:
    """The cap, the open files it needs, refills that wait for calm (with a pool), the
    ``spare`` kernels kept for moved pages, and in a restarted worker (``RESTARTED_ENV``
    set) pool kernels that wait for idle CPU."""
    manager.max_kernels, manager.spare = max_kernels, spare
    raise_open_files(max_kernels, log)
    if os.environ.pop(RESTARTED_ENV, ""):  # this start's only (not a later one's)
        manager.room_until = time.monotonic() + ROOM_PATIENCE
    if pool + spare:
        defer_refills(manager)
