"""The hour-of-writing benchmark: kernel memory after an hour's typing, and delegates per GB.

On one ``munbook serve`` over PostgreSQL, LEAN_DELEGATES (4) simulated
delegates (bench/loadgen.py: the entry page with the code, the kernel
websocket, widget messages) each send an hour's typing: KEYSTROKES (9,000,
about 1,500 words) characters in widget updates of LEAN_CHUNK (5) characters
(chromium sends one update per keystroke; grouped here so the run stays
short), the whole section's text in every update as chromium sends it, and
PREVIEWS (6) openings of the Paper tab (a PDF preview each). ACCELERATED: the hour is played LEAN_SPEEDUP
(20) times faster, so the kernel autosaves about once a second of the run
(about 180 saves, not the up to 3,600 of a real hour); the keystrokes,
messages, text and previews are an hour's.

Then, per kernel, RSS and PSS (``/proc/PID/smaps_rollup``); the sandbox
workers the previews started (ended after ``sandbox.IDLE_SECONDS`` idle);
the Voilà server's PSS growth per open delegate; and
``delegates per GB = 1024 / (kernel PSS + server share)``, medians.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYSTROKES = 9_000  # an hour of writing, thinking included: about 2.5 characters a second
PREVIEWS = 6  # the Paper tab opened every ten minutes
PAPER_TAB, WRITE_TAB = 5, 2  # widgets.apps.workbook.TABS (checked in workbook_tabs)


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of one process."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
    return int(values["Rss"]), int(values["Pss"])


def sandbox_workers(kernels: set[int]) -> list[int]:
    """Pids of the preview workers (``python -m widgets.paper.sandbox``) of these kernels."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or b"paper.sandbox" not in (proc / "cmdline").read_bytes():
                continue
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent in kernels:
            found.append(int(proc.name))
    return found


def kernel_pid(kernel_id: str) -> int:
    """The pid of the kernel process whose connection file names ``kernel_id``."""
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and f"kernel-{kernel_id}.json".encode() in (proc / "cmdline").read_bytes()
            ):
                return int(proc.name)
        except OSError:
            continue
    return 0


def workbook_tabs(states: dict[str, dict]) -> str:
    """The model id of the workbook's tabs (the Read tab holds a Tab of its own, with fewer).

    Picking the first Tab sent selected_index 5 to the Read tab's: the kernel refused it
    with a traceback, and no preview ran.
    """
    from widgets.apps.workbook import TABS

    return next(
        k
        for k, s in states.items()
        if s.get("_model_name") == "TabModel" and tuple(s.get("titles", ())) == TABS
    )


async def write_for_an_hour(base: str, who, speedup: float, chunk: int):
    """One delegate: open the entry page, type an hour's keystrokes, preview now and then."""
    import loadgen

    out = loadgen.Outcome(who)
    try:
        client, boxes, reader = await loadgen.open_page(base, who, out)
        out.memory_kb = loadgen.kernel_memory(out.kernel_id)  # just opened: kept as the start
        tab = workbook_tabs(client.states)
        keys = sorted(boxes)[:2]
        text = loadgen.words(2_000, who.country)
        updates = KEYSTROKES // chunk
        interval = 3600 / updates / speedup
        for n in range(updates):
            key = keys[(n * 2) // updates]  # the first section, then the second
            out.typed[key] = out.typed.get(key, "") + text[n * chunk : (n + 1) * chunk]
            await client.type(boxes[key], out.typed[key])
            if n and n % (updates // PREVIEWS) == 0:
                for index in (PAPER_TAB, WRITE_TAB):  # the preview renders when its tab opens
                    await client.send(
                        "comm_msg",
                        {
                            "comm_id": tab,
                            "data": {"method": "update", "state": {"selected_index": index}},
                        },
                    )
            await asyncio.sleep(interval)
        await asyncio.wait_for(client.saved.wait(), 300)
        out.latencies, out.saves = client.latencies, client.saves
        out.opened_kb, out.memory_kb = out.memory_kb, loadgen.kernel_memory(out.kernel_id)
        out.client, out.reader = client, reader  # kept open until the server is measured
        out.kernel_pid = kernel_pid(out.kernel_id)
    except Exception as exc:  # one delegate's failure is a figure, not the end of the run
        out.error = f"{type(exc).__name__}: {exc}"[:300]
    return out


def run(base: str, home: Path, server_pid: int, delegates: int, speedup: float, chunk: int) -> dict:
    import loadgen

    who = loadgen.delegates_from(home, delegates, entry=True)
    server_idle = memory_kb(server_pid)[1]

    async def everyone():
        outcomes = await asyncio.gather(*(write_for_an_hour(base, d, speedup, chunk) for d in who))
        figures = {"server_kb": memory_kb(server_pid)[1], "workers": []}
        kernels = {o.kernel_pid for o in outcomes if not o.error}
        for pid in sandbox_workers(kernels):  # still warm: previewed less than IDLE_SECONDS ago
            figures["workers"].append(memory_kb(pid))
        for out in outcomes:
            if getattr(out, "client", None):
                out.client.ws.close()
                out.reader.cancel()
        return outcomes, figures

    started = time.monotonic()
    outcomes, figures = loadgen.run_async(everyone())
    done = [o for o in outcomes if not o.error]
    median = lambda values: statistics.median(values) / 1024 if values else float("nan")  # noqa: E731
    share = max(0, figures["server_kb"] - server_idle) / max(1, len(done)) / 1024
    pss = median([o.memory_kb[1] for o in done])
    return {
        "delegates": delegates,
        "done": len(done),
        "errors": [f"{o.delegate.country}: {o.error}" for o in outcomes if o.error],
        "seconds": time.monotonic() - started,
        "saves": sum(len(o.saves) for o in done),
        "lost": loadgen.lost_saves(done),
        "open_rss": median([o.opened_kb[0] for o in done]),
        "open_pss": median([o.opened_kb[1] for o in done]),
        "rss": median([o.memory_kb[0] for o in done]),
        "pss": pss,
        "rss_max": max((o.memory_kb[0] for o in done), default=0) / 1024,
        "worker_rss": median([w[0] for w in figures["workers"]]),
        "workers": len(figures["workers"]),
        "server_share": share,
        "per_gb": 1024 / (pss + share) if done else 0.0,
    }


def main(report: Callable, fresh_home: Callable, postgres: str, fresh_database: Callable) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "bench"))
    from conftest import Served

    from widgets.core import countries
    from widgets.store import migrate
    from widgets.workflows import generate as gen

    if not postgres:
        print("hour       skipped: no PostgreSQL server (set MUNBOOK_BENCH_PG)")
        return
    delegates = int(os.environ.get("LEAN_DELEGATES", "4"))
    speedup = float(os.environ.get("LEAN_SPEEDUP", "20"))
    chunk = int(os.environ.get("LEAN_CHUNK", "5"))
    home = fresh_home()
    db = os.environ["MUNBOOK_DB"] = fresh_database(postgres, "hour")
    os.environ["MUNBOOK_POOL"] = "0"  # kernels started for their page: no rehearsal in them
    try:
        migrate.upgrade()
        names = [c.alpha3 for c in countries.members("interpol")][:delegates]
        gen.generate("interpol", country_names=names, progress=False)
        server = Served(home, home / "serve.log", db)
        server.start()
        try:
            f = run(server.base, home, server.process.pid, delegates, speedup, chunk)
        finally:
            server.kill(15)
    finally:
        for name in ("MUNBOOK_DB", "MUNBOOK_POOL"):
            os.environ.pop(name, None)
    report(
        "hour",
        f"PostgreSQL, {f['done']}/{delegates} delegates each typing an hour's {KEYSTROKES:,} "
        f"keystrokes in updates of {chunk} with {PREVIEWS} previews, played {speedup:g}x faster ({f['seconds']:.0f} s, "
        f"{f['saves']} saves, lost {f['lost']}; load average {os.getloadavg()[0]:.0f} on "
        f"{os.cpu_count()} cores):\n"
        f"{'':<11}kernel RSS {f['open_rss']:.0f} MB PSS {f['open_pss']:.0f} MB when opened, "
        f"RSS {f['rss']:.0f} MB (max {f['rss_max']:.0f}) PSS {f['pss']:.0f} MB after the hour "
        f"(medians); {f['workers']} preview workers still warm, RSS {f['worker_rss']:.0f} MB each "
        f"(they end after 120 s idle)\n"
        f"{'':<11}server PSS {f['server_share']:.1f} MB per open delegate; "
        f"delegates per GB = 1024 / (kernel PSS + server share) = {f['per_gb']:.0f}",
        "kernel RSS at most 60 MB after an hour of writing, 0 saves lost",
        f["rss"] <= 60 and f["lost"] == 0 and f["done"] == delegates,
    )
    for error in f["errors"][:3]:
        print(f"{'':<11}failed: {error}")
