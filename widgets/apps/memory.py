"""Freed memory back to the system after a page's big moments (glibc's ``malloc_trim``).

Building a workbook and each preview (the PDF and page images travel from the
sandbox worker as one pickle) free megabytes that glibc keeps in the kernel's
heap: measured in a served kernel (bench/kernel_steps.py), six previews left
3.4 MB that a collection and one ``malloc_trim(0)`` gave back. A trim takes
about a millisecond.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from functools import cache


@cache
def _trim():
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        return ctypes.CDLL(None).malloc_trim
    return None


def give_back(collect: bool = False) -> None:
    """Return the heap's free pages to the system (RSS), where the C library can.

    ``collect``: free unreachable cycles first (a full ``gc.collect()``, tens of
    milliseconds: after a preview, not while a page opens).
    """
    if collect:
        gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
