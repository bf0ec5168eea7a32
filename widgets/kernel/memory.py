"""Freed memory back to the system after a page's big moments (glibc's ``malloc_trim``).

Building a workbook and each preview (the PDF and page images travel from the
sandbox worker as one pickle) free megabytes that glibc keeps in the kernel's
heap: measured in a served kernel (bench/kernel_steps.py), six previews left
3.4 MB that a collection and one ``malloc_trim(0)`` gave back. A trim takes
about a millisecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
from functools import cache


@cache
def _trim():
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        return ctypes.CDLL(None).malloc_trim
    return None


TRIM_EVERY = 60.0  # seconds between trims while a page is open (about a millisecond each)


def give_back(collect: bool = False, every: float | None = None) -> None:
    """Return the heap's free pages to the system (RSS), where the C library can.

    ``collect``: free unreachable cycles first (a full ``gc.collect()``, tens of
    milliseconds: after a preview, not while a page opens).
    """
    if collect:
        gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
    if every and trim is not None:
        _keep_trimming(every)


@cache
def _keep_trimming(every: float) -> None:
    """Trim every ``every`` seconds from now on (once per kernel): an hour's widget
    messages, each carrying a section's whole text, leave the heap fragmented."""
    with contextlib.suppress(RuntimeError):  # no event loop (a script): nothing to repeat

        def again() -> None:
            give_back()
            loop.call_later(every, again)

        loop = asyncio.get_event_loop()
        loop.call_later(every, again)
