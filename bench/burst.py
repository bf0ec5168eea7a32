"""The burst benchmark: delegates arriving within seconds on one worker, with and without the pool.

On one ``munbook serve`` over PostgreSQL, BURST_DELEGATES (50) simulated
delegates (bench/loadgen.py: the page with its code, the kernel websocket,
typing through widget messages) open the entry page evenly within
BURST_SPREAD (10) seconds and type for a few seconds; the figure is the p95
time from the GET to an editable page. The same burst runs against a server
with a pool of BURST_POOL (50) preheated kernels and one without (``--pool
0``), in the same run. Then the issue's 60 delegates at once, with the pool.
Kernel memory (RSS and PSS, median) is read after the typing.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = re.compile(r"101 GET /voila/query/")  # a preheated kernel is waiting for its request


def settings_from_env() -> dict[str, float]:
    return {
        "delegates": int(os.environ.get("BURST_DELEGATES", "50")),
        "spread": float(os.environ.get("BURST_SPREAD", "10")),
        "pool": int(os.environ.get("BURST_POOL", "50")),
        "typing": float(os.environ.get("BURST_TYPING", "5")),
        "at_once": int(os.environ.get("BURST_AT_ONCE", "60")),
    }


def wait_for_pool(log: Path, pool: int, seconds: float = 600) -> float:
    """Seconds until ``pool`` kernels wait for a request (each says so in the log)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if len(QUERY.findall(log.read_text(errors="replace"))) >= pool:
            time.sleep(3)  # the last ones finish their rehearsal
            return time.monotonic() - start
        time.sleep(1)
    raise RuntimeError(f"the pool of {pool} did not fill in {seconds:.0f} s")


def one_burst(home: Path, db: str, pool: int, delegates: int, spread: float, typing: float):
    """Serve with ``pool`` preheated kernels, run the burst, stop; (figures, fill seconds)."""
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "bench"))
    import loadgen
    from conftest import Served

    log = home / f"serve-pool{pool}-{delegates}.log"
    # Room for every delegate and a refilled pool: the cap is not what this measures.
    os.environ.update(MUNBOOK_POOL=str(pool), MUNBOOK_MAX_KERNELS=str(delegates + pool + 10))
    server = Served(home, log, db)
    try:
        server.start()
        filled = wait_for_pool(log, pool) if pool else 0.0
        figures = loadgen.run(
            server.base,
            home,
            delegates,
            typing,
            server_pid=server.process.pid,
            entry=True,
            spread=spread,
        )
        figures["load"] = os.getloadavg()[0]  # the machine is shared: say how busy it was
    finally:
        server.kill(15)
        for name in ("MUNBOOK_POOL", "MUNBOOK_MAX_KERNELS"):
            os.environ.pop(name, None)
    return figures, filled


def line(figures: dict) -> str:
    return (
        f"{figures['opened']}/{figures['delegates']} editable, open p50 {figures['open_p50']:.1f} s "
        f"p95 {figures['open_p95']:.1f} s, lost {figures['lost']}, kernel RSS "
        f"{figures['rss_mb']:.0f} MB PSS {figures['pss_mb']:.0f} MB; load average "
        f"{figures['load']:.0f} on {os.cpu_count()} cores"
    )


def main(report: Callable, fresh_home: Callable, postgres: str, fresh_database: Callable) -> None:
    from widgets.core import countries
    from widgets.store import migrate
    from widgets.workflows import generate as gen

    if not postgres:
        print("burst      skipped: no PostgreSQL server (set MUNBOOK_BENCH_PG)")
        return
    opts = settings_from_env()
    count = max(opts["delegates"], opts["at_once"])
    home = fresh_home()
    db = os.environ["MUNBOOK_DB"] = fresh_database(postgres, "burst")
    try:
        migrate.upgrade()
        names = [c.alpha3 for c in countries.members("interpol")][:count]
        gen.generate("interpol", country_names=names, progress=False)
        args = (opts["delegates"], opts["spread"], opts["typing"])
        pooled, filled = one_burst(home, db, opts["pool"], *args)
        cold, _ = one_burst(home, db, 0, *args)
        at_once, _ = one_burst(home, db, opts["pool"], opts["at_once"], 0.0, opts["typing"])
    finally:
        os.environ.pop("MUNBOOK_DB", None)
    ratio = cold["open_p95"] / pooled["open_p95"]
    report(
        "burst",
        f"PostgreSQL, {opts['delegates']} delegates opening the entry page within "
        f"{opts['spread']:.0f} s on one worker ({os.environ.get('LOADGEN_PROTOCOL', 'v1')} "
        "websocket protocol):\n"
        f"{'':<11}pool of {opts['pool']} (filled in {filled:.0f} s): {line(pooled)}\n"
        f"{'':<11}no pool (--pool 0):     {line(cold)}\n"
        f"{'':<11}p95 {ratio:.1f}x faster with the pool\n"
        f"{'':<11}{opts['at_once']} at once, pool of {opts['pool']}: {line(at_once)}",
        f"p95 at most 5 s with the pool; all {opts['at_once']} at once get a workbook",
        pooled["open_p95"] <= 5
        and pooled["opened"] == opts["delegates"]
        and at_once["opened"] == opts["at_once"],
    )
    for name, figures in (("pool", pooled), ("no pool", cold), ("at once", at_once)):
        for error in figures["errors"][:3]:
            print(f"{'':<11}{name} failed: {error}")
