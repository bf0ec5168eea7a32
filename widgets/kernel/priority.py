"""A served kernel's CPU priority: low while it starts and builds its page, normal after.

The Voilà server is the one process every page of a worker goes through. When
30 kernels started at once (a dead worker's delegates reopening) it was starved
of CPU and every page waited for it (pages finished together 30-50 s late): so
a kernel starts at a lower priority (``START_NICE``), its imports and its page
build included. Once the page is built the kernel only answers its delegate's
typing, in short bursts; left low, each burst waited behind every other
process (100 typing delegates: 6.7 ms in the run queue per time slice instead
of 1.5-1.8, a save's p95 in the kernel 238 ms instead of 83-110): so it goes back to
normal (``settle``).

Kernels start in a session of their own (jupyter_client). Where Linux
schedules by session (autogroups, its default outside CPU cgroups), a
session's nice value is what counts, and its own process may raise it and put
it back to 0; a process's own nice value can only be raised without
privileges. So a kernel lowers both: inside its session the process's value
weighs only against the kernel's own threads, and ``settle`` puts the
session's back. Where Linux does not group by session (a container with a CPU
cgroup, say), the process's value counts and the kernel stays low.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

START_NICE = 10  # while starting, a kernel's CPU weight is about a tenth of its server's
AUTOGROUP = Path("/proc/self/autogroup")
AUTOGROUPS_ON = Path("/proc/sys/kernel/sched_autogroup_enabled")


def _own_autogroup() -> bool:
    """True when this process leads its session and Linux schedules by session."""
    try:
        return os.getsid(0) == os.getpid() and AUTOGROUPS_ON.read_text().strip() == "1"
    except OSError:
        return False


_lowered_session = False  # lower() set the session's value: settle() may put it back


def lower(nice: int = START_NICE) -> None:
    """Start low: this process's nice value, and its session's (``settle`` undoes that)."""
    global _lowered_session
    with contextlib.suppress(OSError):
        os.nice(nice)
    if _own_autogroup():
        with contextlib.suppress(OSError):
            AUTOGROUP.write_text(str(nice))
            _lowered_session = True


def settle() -> None:
    """Back to normal once the page is built, if ``lower`` lowered this session (a served
    kernel's); a session anyone else lowered (a Lab kernel's, say) is left as it is."""
    global _lowered_session
    if _lowered_session:
        with contextlib.suppress(OSError):
            AUTOGROUP.write_text("0")
            _lowered_session = False


def session_nice() -> int | None:
    """This session's nice value, where Linux keeps one (``/autogroup-N nice 10``)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(AUTOGROUP.read_text().split()[-1])
    return None
