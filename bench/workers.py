"""``make bench`` ``workers``: 2 Voilà workers behind HAProxy vs one ``munbook serve``.

Both setups on PostgreSQL, in the same run, through the page's own protocol
(bench/loadgen.py):

- burst: WORKERS_BURST delegates (default 40) open their workbooks at once;
- sustained: the same delegates then write for WORKERS_SECONDS (default 30);
- worker kill: WORKERS_BURST delegates open their link (the entry page, each
  worker keeping a pool of 8 preheated kernels and WORKERS_BURST/2 spare ones for
  the other worker's pages) and write; once all
  have saved, one worker gets SIGKILL (the single server too; nothing restarts
  a plain ``munbook serve``, so the bench restarts it 1 s later, as systemd's
  Restart= would). Cut-off delegates reopen their link after
  loadgen.REOPEN_PAUSE.

Each run gets a fresh database and MUNBOOK_HOME.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import loadgen

MUNBOOK = Path(sys.executable).parent / "munbook"
START_SECONDS = 180


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """``munbook serve --workers N`` (or a plain ``munbook serve`` when N is 0), logged."""

    def __init__(self, home: Path, db: str, workers: int, log: Path):
        self.home, self.db, self.workers, self.log = home, db, workers, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.started = 0
        self.start()

    def start(self) -> None:
        env = {**os.environ, "MUNBOOK_HOME": str(self.home), "MUNBOOK_DB": self.db}
        extra = ["--workers", str(self.workers)] if self.workers else []
        self.process = subprocess.Popen(
            [str(MUNBOOK), "serve", "--port", str(self.port), *extra],
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started += 1
        deadline = time.monotonic() + START_SECONDS
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"munbook serve did not start:\n{self.text()[-3000:]}")
            time.sleep(0.3)

    def ready(self) -> bool:
        """The banner printed (once per start) and the public address answering."""
        import urllib.request

        if self.text().count("links in new code files") < self.started:
            return False
        try:
            urllib.request.urlopen(self.base + "/", timeout=2).close()
            return True
        except OSError:
            return False

    def wait_preheated(self, seconds: float = START_SECONDS) -> None:
        """Until every worker's pool has filled once (Voilà logs it), at most ``seconds``.

        Delegates then arrive at a warmed-up server, as at a conference; it also keeps
        the preheating kernels' brief store connections out of the delegates' way.
        """
        deadline = time.monotonic() + seconds
        filled = re.compile(r"Kernel pool of \S+ is filled")
        while len(filled.findall(self.text())) < max(1, self.workers):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the pools did not fill in {seconds:.0f} s")
            time.sleep(1)

    def wait_routed(self, seconds: float = START_SECONDS) -> None:
        """Until the proxy sends pages to every worker again (a restarted one is back in).

        A restarted worker answers the health check with 200 once its pool is started;
        HAProxy checks a worker it marked down every DOWN_INTERVAL and takes it back on
        its first 200. Delegates arriving earlier would all land on the others.
        """
        import urllib.request

        from widgets.serving.workers import DOWN_INTERVAL

        deadline = time.monotonic() + seconds
        for base in dict(re.findall(r"worker (w\d+): pid \d+ on (\S+)", self.text())).values():
            check = urllib.request.Request(base + "/", method="HEAD")  # as HAProxy asks
            while True:
                try:
                    urllib.request.urlopen(check, timeout=5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{base} did not answer in {seconds:.0f} s") from None
                    time.sleep(0.3)
        time.sleep(3 * float(DOWN_INTERVAL.removesuffix("ms")) / 1000)  # HAProxy's next check

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def pids(self) -> dict[str, int]:
        """Worker name -> pid, the latest of each (a plain serve is ``serve``)."""
        if not self.workers:
            return {"serve": self.process.pid}
        return {n: int(p) for n, p in re.findall(r"worker (w\d+): pid (\d+)", self.text())}

    def kill(self, name: str) -> float:
        """SIGKILL one worker (a plain serve: restarted 1 s later); the time of the kill."""
        at = time.monotonic()
        if self.workers:
            os.kill(self.pids()[name], signal.SIGKILL)
        else:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            time.sleep(1)
            self.start()
        return at

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_until_written(db: str, count: int, deadline: float) -> int:
    """Until ``count`` delegations have a draft, or ``deadline``; how many have."""
    from widgets.store.engine import make_engine

    engine = make_engine(db, pooled=False)
    try:
        while True:
            with engine.connect() as conn:
                wrote = conn.exec_driver_sql(
                    "SELECT count(DISTINCT delegation_id) FROM drafts"
                ).scalar()
            if wrote >= count or time.monotonic() > deadline:
                return wrote
            time.sleep(1)
    finally:
        engine.dispose()


def load_run(cluster: Cluster, delegates: int, seconds: float) -> dict:
    """``delegates`` open at once and write; CPU split into opening and writing, worker memory."""
    import psutil

    pid = cluster.process.pid
    before, started = loadgen.cpu_seconds(pid), time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        args = (cluster.base, cluster.home, delegates, seconds, 1.0, 5, pid)
        load = pool.submit(loadgen.run, *args)
        wait_until_written(cluster.db, delegates, time.monotonic() + 600)
        opened_cpu, opened_at = loadgen.cpu_seconds(pid) - before, time.monotonic()
        time.sleep(max(0.0, seconds / 2 - (opened_at - started)))
        servers = [psutil.Process(p).memory_info().rss / 2**20 for p in cluster.pids().values()]
        figures = load.result()
    writing = loadgen.cpu_seconds(pid) - before - opened_cpu
    figures.update(
        open_cpu=opened_cpu / delegates,  # CPU seconds per page opened
        write_cores=writing / max(1.0, time.monotonic() - opened_at) / delegates,
        server_mb=statistics.median(servers),  # one Voilà server process, its kernels aside
    )
    return figures


def kill_run(
    cluster: Cluster, delegates: int, seconds: float, victim: str, opening: float = 300
) -> dict:
    """``delegates`` write (reopening when cut off); ``victim`` is killed once all have saved.

    ``opening``: seconds the pages get to open and save once before the kill.
    """
    args = (cluster.base, cluster.home, delegates, seconds, 1.0, 5, None)
    cluster.wait_preheated()
    cluster.wait_routed()
    before = wait_until_written(cluster.db, 0, 0)  # delegations that wrote in earlier runs
    with ThreadPoolExecutor(1) as pool:
        load = pool.submit(loadgen.run, *args, entry=True, reopen=True)
        wrote = wait_until_written(cluster.db, before + delegates, time.monotonic() + opening)
        killed_at = cluster.kill(victim)
        figures = load.result()
    cut = [o for o in figures["outcomes"] if o.failed_at]
    again = [o.writing_again_at[-1] - killed_at for o in cut if o.writing_again_at]
    figures.update(
        killed_at=killed_at,
        wrote_before_kill=wrote - before,
        cut_off=len(cut),
        again=len(again),
        again_p50=statistics.median(again) if again else float("nan"),
        again_max=max(again, default=float("nan")),
    )
    return figures


def kill_summary(f: dict) -> str:
    return (
        f"{f['wrote_before_kill']} writing at the kill, {f['cut_off']} cut off, "
        f"{f['again']} writing again after p50 {f['again_p50']:.1f} s, max "
        f"{f['again_max']:.1f} s; lost {f['lost']}; {len(f['errors'])} failed"
    )


def reopen_summary(f: dict) -> str:
    """Where the cut-off delegates' reopens spent their time, from the kill (loadgen's marks)."""
    marks = [r for o in f["outcomes"] for r in o.reopens]
    if not marks:
        return "no page was reopened"

    def after(key: str) -> str:
        times = [r[key] - f["killed_at"] for r in marks if r.get(key)]
        return f"p50 {statistics.median(times):.1f} s max {max(times):.1f} s" if times else "-"

    workers = sorted({r["worker"] for r in marks})
    on = ", ".join(f"{sum(r['worker'] == w for r in marks)} on {w or 'it'}" for w in workers)
    return (
        f"{len(marks)} reopened ({on}), {sum(r['pooled'] for r in marks)} on a preheated "
        f"kernel; after the kill: reopened {after('asked')}, page answered {after('answered')}, "
        f"widgets in {after('states')}, saved {after('acked')}"
    )


def prepared(fresh_home: Callable[[], Path], fresh_db: Callable[[], str], count: int):
    """A fresh home and database (upgraded) with ``count`` INTERPOL workbooks."""
    from widgets.core import countries
    from widgets.store import migrate
    from widgets.workflows import generate

    home = fresh_home()
    os.environ["MUNBOOK_DB"] = db = fresh_db()
    migrate.upgrade()
    names = [c.alpha3 for c in countries.members("interpol")][:count]
    generate.generate("interpol", country_names=names, progress=False)
    return home, db


def store_sizes(versions: int = 100) -> tuple[float, float]:
    """KB PostgreSQL takes for one draft version and one submission of a two-page (640-word) paper.

    Random words from a 600-word vocabulary, so compression is about that of prose.
    """
    import random

    import sqlalchemy as sa

    from widgets.store import Store
    from widgets.workflows import submit

    rng = random.Random(13)
    vocab = [
        "".join(rng.choices("abcdefghiklmnoprstuvy", k=rng.randint(2, 10))) for _ in range(600)
    ]
    sections = [
        f"{t}.{s}"
        for t in "AB"
        for s in ("background", "past_action", "country_policy", "solutions")
    ]
    store = Store()
    delegation = store.add_delegation("interpol", "KEN", "Bench Delegate", "Bench School")

    def size(table: str) -> int:
        with store.engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT pg_total_relation_size('{table}')")).scalar()

    before, version = size("drafts"), None
    for _ in range(versions):
        content = {
            "sections": {key: " ".join(rng.choices(vocab, k=80)) + "." for key in sections},
            "sources": [
                {"title": f"Report {i}", "author": "WHO", "date": "2021"} for i in range(4)
            ],
            "disclosure": "None.",
        }
        version = store.save_draft(delegation, content, version, words=640)
    draft_kb = (size("drafts") - before) / versions / 1024
    before = size("submissions")
    submit.submit(store, delegation)
    submission_kb = (size("submissions") - before) / 1024
    store.dispose()
    return draft_kb, submission_kb


def main(report, fresh_home, pg: str, fresh_database) -> None:
    """The benchmark's body (bench/run.py passes its helpers in)."""
    if not pg:
        print("workers    skipped: no PostgreSQL (set MUNBOOK_BENCH_PG)")
        return
    burst = int(os.environ.get("WORKERS_BURST", "40"))
    seconds = float(os.environ.get("WORKERS_SECONDS", "30"))
    # Room on one worker for every page: when the other dies, its pages come there.
    os.environ.setdefault("MUNBOOK_MAX_KERNELS", str(max(40, 2 * burst + 10)))
    results = {}
    for label, count in (("one serve", 0), ("2 workers + HAProxy", 2)):
        runs = {}
        for kind in ("load", "kill"):
            # The burst opens per-country workbooks with no pool (the baseline); the kill
            # run opens the entry page, as delegates' links do, with a pool of 8 a worker.
            os.environ["MUNBOOK_POOL"] = "0" if kind == "load" else "8"
            # ... and, with 2 workers, spare kernels for the other's pages (README: the pages
            # one worker holds, divided by the other workers); a single serve has none.
            os.environ["MUNBOOK_SPARE"] = "0" if kind == "load" else str(burst // 2)
            home, db = prepared(fresh_home, lambda: fresh_database(pg, "workers"), burst)
            cluster = Cluster(home, db, count, home / "serve.log")
            try:
                if kind == "load":
                    runs[kind] = load_run(cluster, burst, seconds)
                else:
                    runs[kind] = kill_run(cluster, burst, seconds, "w1" if count else "serve")
            finally:
                cluster.stop()
                os.environ.pop("MUNBOOK_DB", None)
        results[label] = runs
    os.environ.pop("MUNBOOK_SPARE", None)
    _print(report, results, burst, seconds)
    prepared(fresh_home, lambda: fresh_database(pg, "workers"), 1)
    draft_kb, submission_kb = store_sizes()
    os.environ.pop("MUNBOOK_DB", None)
    print(
        f"{'':<10} PostgreSQL: a two-page (640-word) draft version takes {draft_kb:.1f} KB, its "
        f"submission (PDF and notebook) {submission_kb:.0f} KB"
    )


def _print(report, results: dict, burst: int, seconds: float) -> None:
    (one_label, one), (two_label, two) = results.items()
    for label, runs in results.items():
        f = runs["load"]
        print(f"{'':<10} {label}: {loadgen.summary(f)}")
        print(
            f"{'':<10} {label}: {f['open_cpu']:.2f} CPU s per page opened; "
            f"{f['write_cores'] * 1000:.1f} millicores per writing delegate; Voilà server "
            f"process {f['server_mb']:.0f} MB"
        )
        print(f"{'':<10} {label}, worker killed: {kill_summary(runs['kill'])}")
        print(f"{'':<10} {label}, worker killed: {reopen_summary(runs['kill'])}")
    ratio = one["load"]["open_p95"] / two["load"]["open_p95"]
    k = two["kill"]
    report(
        "workers",
        f"{burst} at once: open p95 {two['load']['open_p95']:.1f} s ({two_label}) vs "
        f"{one['load']['open_p95']:.1f} s ({one_label}), {ratio:.2f}x; writing {seconds:.0f} s: "
        f"save p95 {two['load']['save_p95'] * 1000:.0f} ms vs "
        f"{one['load']['save_p95'] * 1000:.0f} ms; worker killed: {k['cut_off']} cut off, "
        f"all writing again within {k['again_max']:.1f} s, lost {k['lost']}",
        "every page open, 0 saves lost, every cut-off delegate writing again within 30 s",
        two["load"]["opened"] == burst
        and two["load"]["lost"] == 0
        and k["lost"] == 0
        and k["again"] == k["cut_off"]
        and k["again_max"] <= 30,
    )
