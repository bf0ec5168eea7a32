"""Serving settings: how many kernels, how long they wait, and the public URL in every link.

Part of ``settings`` (import everything from there, never from here). Each is
read from the environment at call time: ``munbook serve`` sets them for its
kernels, so a page and the server agree.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from .exceptions import MunbookError

# ---- serving limits (``munbook serve``; kernels read them from the server's environment) ----

MAX_KERNELS = 40  # per server process, when its memory cannot be read (see max_kernels())
KERNEL_MB = 120  # a served delegate (make bench: hour): kernel PSS after an hour of writing
# (~65 MB), its share of the server (~3 MB) and, now and then, a preview worker (~300 MB)
KERNELS_RANGE = (20, 400)  # the default cap's bounds, whatever the memory
MAX_MESSAGE_BYTES = 4 * 2**20  # one websocket message from a page (Tornado's default: 10 MiB);
# the largest a page sends is a roster CSV upload, a 5,000-row roster is about 0.5 MB
KERNEL_MEMORY_MB = 1024  # a served kernel's data ceiling (kernel_memory_mb())
GATE_TIMEOUT = 180.0  # seconds a page may wait for its code before freeing its kernel
IDLE_TIMEOUT = 600  # seconds a kernel whose browser has gone is kept (then culled)
MAX_WORKERS = 64  # Voilà workers one ``serve --workers`` starts, at most
POOL = 8  # preheated kernels by default (or a quarter of the cap, if smaller): enough for a
# school or a demo; a conference sizes --pool to the committee that opens at once (README)
POOL_MAX = 100  # preheated kernels per server, at most: a pool of 50 takes ~55 s of a
# 2-core worker to fill and holds ~4.5 GB RSS (make bench burst); a larger committee
# opening at once needs more workers (serve --workers), not a larger pool
SPARE = 0  # preheated kernels a worker keeps for pages moved from a dead worker (serve
# --workers): a burst of new pages never takes them, so a worker's death finds them ready


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise MunbookError(f"{name}={raw!r}: must be a number from {low:g} to {high:g}")
    return value


def kernel_memory_mb() -> int:
    """MB of data one served kernel may hold (``$MUNBOOK_KERNEL_MEMORY_MB``, ``RLIMIT_DATA``).

    A delegate's kernel holds about 60 MB; a staff app's a few hundred; previews and
    renders run in workers with limits of their own.
    """
    return int(_env_number("MUNBOOK_KERNEL_MEMORY_MB", KERNEL_MEMORY_MB, 256, 65_536))


def max_kernels() -> int:
    """Kernels one server runs at once (``$MUNBOOK_MAX_KERNELS``); past it pages say busy.

    By default as many as fit in half the memory available now, ``KERNEL_MB``
    each (20 to 400); ``MAX_KERNELS`` where that cannot be read.
    """
    free = available_mb()
    default = MAX_KERNELS if free is None else int(free / 2 / KERNEL_MB)
    default = min(max(default, KERNELS_RANGE[0]), KERNELS_RANGE[1])
    return int(_env_number("MUNBOOK_MAX_KERNELS", default, 1, 10_000))


def available_mb() -> float | None:
    """Memory available to this process in MB: Linux's MemAvailable, or less under a cgroup limit."""
    try:
        text = Path("/proc/meminfo").read_text()
        free = int(text.split("MemAvailable:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return None
    try:  # a container's limit (cgroup v2), less what the group already uses
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        if limit != "max":
            free = min(free, (int(limit) - used) / 2**20)
    except (OSError, ValueError):
        pass
    return free


def gate_timeout() -> float:
    """Seconds a page waits for its access code (``$MUNBOOK_GATE_TIMEOUT``)."""
    return _env_number("MUNBOOK_GATE_TIMEOUT", GATE_TIMEOUT, 5, 86_400)


def pool_size() -> int:
    """Kernels kept preheated for the entry page (``$MUNBOOK_POOL``, 0 to ``POOL_MAX``; 0: none).

    They count towards ``max_kernels()``: a pool given must be below the cap. The
    default is ``POOL`` or a quarter of the cap, whichever is smaller; a conference
    sizes it to the committee that opens at once (``make bench burst``: a pool of 50).
    """
    if os.environ.get("MUNBOOK_POOL", "").strip():
        return int(_env_number("MUNBOOK_POOL", 0, 0, POOL_MAX))
    return min(POOL, max_kernels() // 4)


def spare_size() -> int:
    """Preheated kernels kept for pages moved from a dead worker (``$MUNBOOK_SPARE``, 0 to
    ``POOL_MAX``): beside the pool, and like it below ``max_kernels()``."""
    return int(_env_number("MUNBOOK_SPARE", SPARE, 0, POOL_MAX))


def idle_timeout() -> int:
    """Seconds an idle kernel with no browser attached lives (``$MUNBOOK_IDLE_TIMEOUT``)."""
    return int(_env_number("MUNBOOK_IDLE_TIMEOUT", IDLE_TIMEOUT, 10, 86_400))


DOCS_ROUTE = "munbook/docs"  # where munbook serve shows the built docs (docs_dir())


# ---- the public URL: where people open the served pages -----------------------------

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8866"
MAX_PUBLIC_URL = 200  # characters; a link on a paper slip must stay short enough to type


def public_url(override: str | None = None) -> str:
    """The base URL in every link munbook hands out (code files, mail merge, slips).

    ``override`` (``--public-url``), else ``$MUNBOOK_PUBLIC_URL`` (``munbook serve
    --public-url`` sets it for its kernels, so the advisor app's imports agree),
    else ``http://127.0.0.1:8866``.
    """
    return check_public_url(override or os.environ.get("MUNBOOK_PUBLIC_URL") or DEFAULT_PUBLIC_URL)


def check_public_url(text: str) -> str:
    """``text`` as a base URL (no trailing slash), or a MunbookError saying what is wrong."""
    url = text.strip().rstrip("/")
    hint = "give the address people open, e.g. https://mun.example.org or http://10.0.0.5:8866"
    if len(url) > MAX_PUBLIC_URL:
        raise MunbookError(f"the public URL is {len(url)} characters (at most {MAX_PUBLIC_URL})")
    if not url.isascii() or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise MunbookError(
            f"the public URL {url!r} has spaces or non-ASCII characters; {hint} "
            "(an international domain in its xn-- form)"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a bad port
    except ValueError:
        raise MunbookError(f"the public URL {url!r} is not a URL; {hint}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MunbookError(f"the public URL {url!r} needs http:// or https:// and a host; {hint}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise MunbookError(
            f"the public URL {url!r} may not carry ?query, #fragment or user:password; {hint}"
        )
    return url
