"""A load generator that speaks the served page's own protocol (no browser).

For each simulated delegate, as chromium would: GET the workbook page with
``?code=`` (Voilà runs the notebook, the gate opens the workbook), read the
kernel id from the page's ``jupyter-config-data``, open the kernel websocket
(``/api/kernels/<id>/channels``), ask for the widget states as ipywidgets'
manager does (``comm_info_request``, a ``jupyter.widget.control`` comm,
``request_states``), then type into the section Textareas with ``comm_msg``
``{method: "update", state: {value}}`` at a human pace. A save counts when the
page's status widget says "All changes saved"; at the end every typed text is
looked up in the store. One asyncio process drives hundreds of delegates.
The page's protocol is ``bench/page_protocol.py``; what is read from /proc
(memory, CPU) is ``bench/proc_figures.py``.

    python bench/loadgen.py --base http://127.0.0.1:8866 --delegates 20 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from page_protocol import (
    AUTOSAVE_DELAY,
    OPEN_SECONDS,
    Delegate,
    Outcome,
    Page,
    PageClosed,
    open_workbook,
    words,
)
from proc_figures import (
    _cores,
    cpu_seconds,
    kernel_memory,
    kernel_started,
    machine_cpu,
    process_cpu,
    store_cpu,
)
from tornado.httpclient import AsyncHTTPClient
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError


def phase(who: Delegate) -> float:
    """Where in the typing rhythm a delegate starts, in [0, 1): the same each run.

    Delegates who sit down together do not press their keys in step; in step, every
    page's update reached the server in the same millisecond each second, a burst no
    conference makes (``LOADGEN_LOCKSTEP=1`` keeps it, to measure the worst case).
    """
    if os.environ.get("LOADGEN_LOCKSTEP") == "1":
        return 0.0
    return zlib.crc32(f"{who.committee}/{who.country}".encode()) / 2**32


class Gathering:
    """Delegates wait here until every one has opened (or failed), then all write at once."""

    def __init__(self, count: int, on_everyone_in=None):
        self.left, self.everyone_in = count, asyncio.Event()
        self.on_everyone_in = on_everyone_in  # called once, as the typing starts
        self.in_at: float | None = None  # when the last delegate got in (or gave up)
        self.last_open: float | None = None  # when the latest page opened

    def arrive(self, opened: bool = True) -> None:
        """One more delegate in (``opened``), or one who gave up."""
        if opened:
            self.last_open = time.monotonic()
        self.left -= 1
        if self.left == 0 and self.on_everyone_in:
            if os.environ.get("LOADGEN_VERBOSE"):  # lets a profiler start with the typing
                print("loadgen: everyone is in, typing starts", file=sys.stderr, flush=True)
            self.on_everyone_in()
        if self.left <= 0 and self.in_at is None:
            # Typing windows count from the last page that opened, not from a give-up.
            self.in_at = self.last_open or time.monotonic()
            self.everyone_in.set()

    def until(self, seconds: float, meanwhile: float) -> float:
        """``seconds`` after everyone is in; ``meanwhile`` while pages are still opening."""
        return meanwhile if self.in_at is None else max(meanwhile, self.in_at + seconds)


async def run_delegate(
    base: str,
    who: Delegate,
    seconds: float,
    interval: float,
    chunk: int,
    gathering: Gathering | None = None,
):
    """Open the page, type for ``seconds``, wait for the last save; return an Outcome.

    ``gathering``: once open, wait (reading, as it were) until every delegate is in;
    then start typing at the delegate's own moment within the first ``interval``.
    """
    out, waiting = Outcome(who), gathering is not None
    try:
        client, boxes, _ = await open_page(base, who, out)
        if gathering is not None:
            waiting = False
            gathering.arrive()
            await gathering.everyone_in.wait()
            await asyncio.sleep(phase(who) * interval)
        await _type(client, boxes, out, seconds, interval, chunk)
        out.memory_kb = kernel_memory(out.kernel_id)
        client.close()
        out.latencies, out.saves = client.latencies, client.saves
        out.save_parts = client.save_parts
        out.reconnecting, out.acks = client.reconnecting, client.ack_times
    except Exception as exc:  # one delegate's failure is a figure, not the end of the run
        out.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        if waiting:  # failed before it was in: the others must not wait for it
            gathering.arrive(opened=False)
    return out


async def open_page(base: str, who: Delegate, out: Outcome, jar: dict | None = None):
    """Open the page (``open_workbook``): (Page, section boxes, its reader task).

    Sets ``out.kernel_id``, ``out.v1`` and ``out.open_seconds`` (GET until the
    sections are editable).
    """
    started = time.monotonic()
    client = await open_workbook(base, who, jar)
    out.kernel_id, out.v1 = client.kernel_id, client.v1
    boxes = client.sections()
    if not boxes:
        raise RuntimeError("no section boxes: the gate did not open the workbook")
    out.open_seconds = time.monotonic() - started
    return client, boxes, client.reader


async def _type(
    client: Page,
    boxes: dict,
    out: Outcome,
    seconds: float,
    interval,
    chunk: int,
    start: int = 0,
    end: Callable[[], float] | None = None,
) -> int:
    """Type chunk ``start`` on until ``end()`` (or for ``seconds``); the next chunk's number."""
    keys = sorted(boxes)[:2]  # two sections, as a delegate writes one paragraph at a time
    text = words(400, out.delegate.country)
    longest = seconds + (OPEN_SECONDS + RECOVERY_SECONDS if end else 0)
    while len(text) < (longest / interval + 2) * chunk:  # every chunk must change the text
        text += " " + text
    stop = time.monotonic() + seconds
    n = start
    while time.monotonic() < (end() if end else stop):
        if client.closed.is_set():
            raise PageClosed
        key = keys[(n // 20) % len(keys)]  # 20 chunks in one section, then the next
        out.typed[key] = out.typed.get(key, "") + text[n * chunk : (n + 1) * chunk]
        await client.type(boxes[key], out.typed[key])
        n += 1
        await asyncio.sleep(interval)
    if n == start:  # reopened after the end: nothing typed here, nothing to wait for
        return n
    await client.until(client.saved, 60)  # the autosave after the last chunk
    return n


REOPEN_PAUSE = 2.0  # seconds a delegate takes to read "connection lost" and reopen the link
RECOVERY_SECONDS = 120  # after the run's end, reopening stops and the delegate counts as failed


async def run_delegate_reopening(
    base: str,
    who: Delegate,
    seconds: float,
    interval: float,
    chunk: int,
    gathering: Gathering | None = None,
) -> Outcome:
    """``run_delegate``, but a page that loses its kernel (its worker died) is reopened.

    As a delegate told "connection lost" would: after ``REOPEN_PAUSE`` the same link
    (cookies kept, so the proxy must route it elsewhere), a check that the reopened page
    shows every text that was acknowledged as saved, then typing on from what it shows.
    The delegate writes for ``seconds`` from the moment its page first opened, and with
    a ``gathering`` at least until ``seconds`` after every page has opened (so a worker
    killed once everyone has written cuts off delegates that are still writing).
    """
    out, jar, n = Outcome(who), {}, 0
    started = time.monotonic()
    end = started + OPEN_SECONDS + seconds  # until the page first opens; then opened + seconds

    def until() -> float:
        return gathering.until(seconds, end) if gathering else end

    acked: dict[str, str] = {}  # section -> the last text the page said was saved
    while True:
        asked = time.monotonic()
        try:
            client = await open_workbook(base, who, jar)
        except Exception as exc:  # a page cut off while opening is a failure the delegate sees
            if out.open_seconds is not None:  # cut off (before its first page: not yet)
                out.failed_at.append(time.monotonic())
            if time.monotonic() > until() + RECOVERY_SECONDS:
                out.error = f"could not reopen: {type(exc).__name__}: {exc}"[:300]
                if gathering and out.open_seconds is None:  # never in: nobody waits for it
                    gathering.arrive(opened=False)
                return out
            await asyncio.sleep(REOPEN_PAUSE)
            continue
        boxes = client.sections()
        keys = sorted(boxes)[:2]
        if out.open_seconds is None:
            out.open_seconds, out.kernel_id = time.monotonic() - started, client.kernel_id
            end = time.monotonic() + seconds
            if gathering:
                gathering.arrive()
        else:  # reopened: what the page shows now is the store's latest draft
            out.reopens.append(_reopen_marks(out, client, asked, jar))
            shown = {key: str(client.states[boxes[key]].get("value", "")) for key in keys}
            out.lost_on_reopen += sum(not shown[k].startswith(acked.get(k, "")) for k in keys)
            out.typed.update({k: v for k, v in shown.items() if k in out.typed})
            end = max(until(), time.monotonic() + 3 * interval)  # cut off: finishes the sentence
        try:
            n = await _type(client, boxes, out, seconds, interval, chunk, n, until)
        except (PageClosed, WebSocketClosedError, StreamClosedError):
            out.failed_at.append(time.monotonic())
            await asyncio.sleep(REOPEN_PAUSE)
            continue
        except Exception as exc:
            out.error = f"{type(exc).__name__}: {exc}"[:300]
            return out
        finally:
            _remember(client, boxes, acked, out)
        client.close()
        return out


def _reopen_marks(out: Outcome, client: Page, asked: float, jar: dict) -> dict:
    """A reopen's timeline so far (``first_ack`` is filled in by ``_remember``)."""
    started = kernel_started(client.kernel_id)
    return {
        "failed": out.failed_at[-1],
        "asked": asked,
        "answered": client.answered_at,
        "states": client.states_at,
        "worker": jar.get("MUNBOOK_WORKER", ""),
        "kernel_started": started,
        "pooled": started is not None and started < asked,  # started before it was asked for
        "client": client,
    }


def _remember(client: Page, boxes: dict, acked: dict[str, str], out: Outcome) -> None:
    """Keep a page's acknowledged texts and figures before it is dropped."""
    for key, model_id in boxes.items():
        if model_id in client.acked:
            acked[key] = client.acked[model_id]
    out.latencies += client.latencies
    out.saves += client.saves
    out.save_parts += client.save_parts
    out.reconnecting += client.reconnecting
    out.acks += client.ack_times
    if out.failed_at and client.first_ack and client.first_ack > out.failed_at[-1]:
        out.writing_again_at.append(client.first_ack)
    for marks in out.reopens:
        if marks.get("client") is client:
            marks["acked"] = client.first_ack
            del marks["client"]


def delegates_from(home: Path, limit: int, entry: bool = False) -> list[Delegate]:
    """The first ``limit`` delegates of the codes files (each one's newest code), with workbooks.

    ``entry``: each opens the entry page (``open.ipynb?code=``) instead of its own workbook.
    """
    from widgets import settings
    from widgets.core import countries
    from widgets.store import Store

    files = settings.code_files_in(home / "access")
    codes: dict[tuple[str, str], str] = {}  # (committee, country) -> its newest code
    for path in files:  # oldest first: a later file's code for a delegation replaces it
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["role"] == "delegate":
                    codes[row["committee"], row["country"]] = row["code"]
    store = Store()
    found = []
    # A code file names countries as munbook does, so the name is exact (Dominica asks in lookup)
    by_name = {c.name: c for c in countries.all_countries()}
    for (committee, country), code in list(codes.items())[:limit]:
        nation = by_name[country]
        delegation = store.find_delegation(committee, nation.alpha3)
        path = f"workbooks/{settings.slug(committee)}/{settings.slug(nation.name)}.ipynb"
        if entry:
            path = settings.ENTRY_PAGE
        found.append(Delegate(nation.name, committee, code, path, delegation.id))
    store.dispose()
    if len(found) < limit:
        raise SystemExit(f"only {len(found)} delegate codes in {home / 'access'}; {limit} asked")
    return found


def lost_saves(outcomes: list[Outcome]) -> int:
    """Sections whose last typed text is not the stored latest draft's."""
    from widgets.store import Store

    store = Store()
    lost = 0
    for out in outcomes:
        draft = store.latest_draft(out.delegate.delegation_id)
        stored = draft.content.get("sections", {}) if draft else {}
        lost += sum(stored.get(key) != text for key, text in out.typed.items())
    store.dispose()
    return lost


async def drive(
    base: str,
    who: list[Delegate],
    seconds: float,
    interval: float,
    chunk: int,
    spread: float = 0,
    reopen: bool = False,
    together: bool = False,
    on_everyone_in=None,
    lags: list[tuple[float, float]] | None = None,
):
    """Every delegate at once, or arriving evenly over ``spread`` seconds (a burst).

    ``reopen``: a delegate whose page loses its kernel reopens it (run_delegate_reopening);
    each types from its page's opening until ``seconds`` after every page is open.
    ``together``: nobody types until every page is open; then all type for ``seconds``.
    """
    if reopen and together:
        raise ValueError("reopen and together do not mix")
    AsyncHTTPClient.configure(None, max_clients=max(10, len(who)))
    gathering = (
        Gathering(len(who), on_everyone_in if together else None) if together or reopen else None
    )

    async def arrive(index: int, who_: Delegate) -> Outcome:
        await asyncio.sleep(spread * index / len(who))
        if reopen:
            return await run_delegate_reopening(base, who_, seconds, interval, chunk, gathering)
        return await run_delegate(base, who_, seconds, interval, chunk, gathering)

    probe = asyncio.ensure_future(_lag_probe(lags)) if lags is not None else None
    try:
        return await asyncio.gather(*(arrive(i, d) for i, d in enumerate(who)))
    finally:
        if probe:
            probe.cancel()


LAG_TICK = 0.05  # seconds between the load generator's looks at its own event loop


async def _lag_probe(lags: list[tuple[float, float]]) -> None:
    """How late this event loop wakes (its own delay is in every time it measures)."""
    while True:
        asked = time.monotonic()
        await asyncio.sleep(LAG_TICK)
        lags.append((asked, time.monotonic() - asked - LAG_TICK))


def run_async(coro):
    """``asyncio.run``, in a thread of its own when this one already has a loop (playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def run(
    base: str,
    home: Path,
    delegates: int,
    seconds: float,
    interval: float = 1.0,
    chunk: int = 5,
    server_pid: int | None = None,
    *,
    entry: bool = False,
    spread: float = 0.0,
    reopen: bool = False,
    together: bool = False,
) -> dict:
    """Drive ``delegates`` simulated delegates for ``seconds``; return the figures.

    ``entry``: through the entry page; ``spread``: arriving over that many seconds;
    ``reopen``: a delegate whose page loses its kernel reopens it; ``together``:
    all type at once for ``seconds`` once every page is open.
    """
    who = delegates_from(home, delegates, entry)
    cpu_before, wall = (cpu_seconds(server_pid) if server_pid else 0.0), time.monotonic()
    typing: list[tuple[float, ...]] = []  # (wall, family, server, ours, store, machine) CPU

    def mark() -> None:
        family = cpu_seconds(server_pid) if server_pid else 0.0
        server = process_cpu(server_pid) if server_pid else 0.0
        ours = time.process_time()
        typing.append((time.monotonic(), family, server, ours, store_cpu(), machine_cpu()))

    lags: list[tuple[float, float]] = []  # (when, how late) of the event loop's wake-ups
    outcomes = run_async(
        drive(base, who, seconds, interval, chunk, spread, reopen, together, mark, lags)
    )
    if typing:
        mark()
    wall = time.monotonic() - wall
    cpu = (cpu_seconds(server_pid) - cpu_before) if server_pid else float("nan")
    opened = [o.open_seconds for o in outcomes if o.open_seconds is not None]
    latencies = [x for o in outcomes for x in o.latencies]
    saves = [x for o in outcomes for x in o.saves]
    parts = [x for o in outcomes for x in o.save_parts]
    memory = [o.memory_kb for o in outcomes if o.memory_kb]
    typing_from = typing[0][0] if typing else 0.0
    return {
        "delegates": delegates,
        "opened": len(opened),
        "errors": [f"{o.delegate.country}: {o.error}" for o in outcomes if o.error],
        "open_p50": percentile(opened, 50),
        "open_p95": percentile(opened, 95),
        "typed_p50": percentile(latencies, 50),
        "typed_p95": percentile(latencies, 95),
        "save_p50": percentile(saves, 50),
        "save_p95": percentile(saves, 95),
        "saves": len(saves),
        "save_kernel_p95": percentile([k for k, _ in parts], 95),
        "save_back_p95": percentile([b for _, b in parts], 95),
        # while everyone typed (together), else the whole run
        "loop_lag_p95": percentile([lag for at, lag in lags if at >= typing_from], 95),
        "lost": lost_saves(outcomes) + sum(o.lost_on_reopen for o in outcomes),
        "cut_off": sum(bool(o.failed_at) for o in outcomes),  # pages that lost their kernel
        "rss_mb": statistics.median(m[0] for m in memory) / 1024 if memory else float("nan"),
        "pss_mb": statistics.median(m[1] for m in memory) / 1024 if memory else float("nan"),
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        # together: CPU seconds per second of the typing window (everyone in to the end)
        "typing_cores": _cores(typing),
        "outcomes": outcomes,
    }


def summary(figures: dict) -> str:
    cores = figures.get("typing_cores")
    typing = (
        f"; while all typed ({cores['seconds']:.0f} s): server+kernels "
        f"{cores['server_and_kernels']:.2f} cores (server alone {cores['server']:.2f}), "
        f"load generator {cores['loadgen']:.2f}, PostgreSQL and PgBouncer {cores['store']:.2f}; "
        f"the machine {cores['machine']:.2f} of {os.cpu_count()} (other jobs included)"
        if cores
        else ""
    )
    return (
        f"{figures['opened']}/{figures['delegates']} pages editable, open p50 "
        f"{figures['open_p50']:.1f} s p95 {figures['open_p95']:.1f} s; {figures['saves']} saves, "
        f"save p50 {figures['save_p50'] * 1000:.0f} ms p95 {figures['save_p95'] * 1000:.0f} ms "
        f"(after the {AUTOSAVE_DELAY:.0f} s autosave delay; keystroke to saved p95 "
        f"{figures['typed_p95'] * 1000:.0f} ms; of a save, in the kernel p95 "
        f"{figures.get('save_kernel_p95', float('nan')) * 1000:.0f} ms, its answer on the way "
        f"back p95 {figures.get('save_back_p95', float('nan')) * 1000:.0f} ms, the load "
        f"generator's own lateness p95 {figures.get('loop_lag_p95', float('nan')) * 1000:.0f} ms)"
        f"; lost {figures['lost']}; "
        f"kernel RSS {figures['rss_mb']:.0f} MB PSS {figures['pss_mb']:.0f} MB (median); "
        f"server+kernels CPU {figures['cpu_seconds']:.0f} s in {figures['wall_seconds']:.0f} s"
        + typing
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8866")
    parser.add_argument("--home", type=Path, default=None, help="MUNBOOK_HOME of the server")
    parser.add_argument("--delegates", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between chunks")
    parser.add_argument("--chunk", type=int, default=5, help="characters per chunk")
    parser.add_argument("--server-pid", type=int, default=None)
    parser.add_argument("--entry", action="store_true", help="open the entry page, not workbooks")
    args = parser.parse_args()
    from widgets import settings

    home = args.home or settings.home()
    os.environ["MUNBOOK_HOME"] = str(home)
    figures = run(
        args.base,
        home,
        args.delegates,
        args.seconds,
        args.interval,
        args.chunk,
        args.server_pid,
        entry=args.entry,
    )
    print(summary(figures))
    for error in figures["errors"]:
        print("  failed:", error)


if __name__ == "__main__":
    main()
