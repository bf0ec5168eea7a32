"""Workers on separate hosts: PostgreSQL, ``munbook proxy`` and ``munbook serve --name`` workers,
each in its own network namespace (bench/netns.py), the home on a shared mount.

``HostsCluster`` starts them as a conference with several machines would; ``hosts_run``
drives delegates through the proxy (the page's own protocol, bench/loadgen.py), cuts one
worker's host off (link down, then every process on it killed), then takes PostgreSQL's
link down for a while. ``make bench hosts`` prints the figures beside ``workers``' ones.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import loadgen
from netns import MUNBOOK, SHARED_HOME, Network, Postgres, wait_for
from workers import reopen_summary, wait_until_written

PORT = 8866
START_SECONDS = 180
REOPENING = 32  # s between the host's cut and PostgreSQL's: the cut-off pages reopen


def bind_mount(source: Path, target: Path) -> None:
    """``source`` seen at ``target`` too: the "second mount" every host shares."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(source), str(target)], check=True, timeout=20)


def unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, timeout=20)


def answers(url: str, timeout: float = 2) -> bool:
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=timeout).close()
        return True
    except OSError:
        return False


class HostsCluster:
    """The hosts, started; ``close`` stops and removes everything (safe to call twice)."""

    def __init__(self, root: Path, workers: int = 2, env: dict | None = None):
        self.root, self.names = root, [f"w{n + 1}" for n in range(workers)]
        hosts = {"lb": 2, "pg": 10} | {name: 11 + n for n, name in enumerate(self.names)}
        self.procs: dict[str, subprocess.Popen] = {}
        self.commands: list[list[str]] = []  # every munbook command run on a host (its args)
        self.mounted: Path | None = None
        self.pg: Postgres | None = None
        self.net = Network(hosts)
        try:
            self.pg = Postgres(self.net)
            self.db = self.pg.url
            export, self.home = (
                root / "export",
                root / SHARED_HOME,
            )  # the share, and where hosts see it
            export.mkdir(parents=True, exist_ok=True)
            bind_mount(export, self.home)
            self.mounted = self.home
            self.env = {**os.environ, **(env or {}), "MUNBOOK_HOME": str(self.home)}
            self.env["MUNBOOK_DB"] = self.db
            self.peers = ",".join(f"{n}={self.net.address(n)}:{PORT}" for n in self.names)
            self.base = f"http://{self.net.address('lb')}:{PORT}"
        except BaseException:
            self.close()
            raise

    def munbook(self, host: str, *args: str, timeout: float = 300) -> str:
        """A ``munbook`` command run on ``host`` (its output; RuntimeError if it fails)."""
        self.commands.append(list(args))
        argv = ["ip", "netns", "exec", self.net.namespace(host), str(MUNBOOK), *args]
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"munbook {' '.join(args)} on {host}: {done.stderr[-2000:]}")
        return done.stdout

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def start_worker(self, name: str) -> None:
        argv = [str(MUNBOOK), "serve", "--name", name, "--peers", self.peers]
        self.commands.append(argv[1:])
        self.procs[name] = self.net.start(name, argv, self.log(name), self.env)

    def start(self) -> None:
        """Every worker (at once), then the proxy; until each answers through the network."""
        for name in self.names:
            self.start_worker(name)
        front = {**self.env, "MUNBOOK_HOME": str(self.root / "lb-home")}  # needs no share
        argv = [str(MUNBOOK), "proxy", "--host", self.net.address("lb"), "--port", str(PORT)]
        self.commands.append([*argv[1:], "--peers", self.peers])
        self.procs["lb"] = self.net.start(
            "lb", [*argv, "--peers", self.peers], self.log("lb"), front
        )
        for name in self.names:
            url = f"http://{self.net.address(name)}:{PORT}/"
            up = lambda name=name, url=url: self._alive(name) and answers(url)  # noqa: E731
            wait_for(up, START_SECONDS, f"worker {name}")
        wait_for(lambda: answers(self.base + "/"), 30, "the proxy")

    def _alive(self, name: str) -> bool:
        if self.procs[name].poll() is not None:
            raise RuntimeError(f"{name} stopped:\n{self.text(name)[-3000:]}")
        return True

    def text(self, name: str) -> str:
        path = self.log(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_preheated(self, seconds: float = START_SECONDS) -> None:
        filled = re.compile(r"Kernel pool of \S+ is filled")
        for name in self.names:
            full = lambda name=name: filled.search(self.text(name))  # noqa: E731
            wait_for(full, seconds, f"{name}'s pool", step=1)

    def switch_off(self, name: str, after: float = 1.0) -> float:
        """Cut ``name``'s link, then (``after`` s) kill everything on it; when the link went."""
        cut = self.net.cut(name)
        time.sleep(after)
        self.net.switch_off(name)
        return cut

    def close(self) -> None:
        for process in list(self.procs.values()):
            if process.poll() is None:
                process.terminate()
        for process in self.procs.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.procs = {}
        if self.pg is not None:
            self.pg.close()
            self.pg = None
        self.net.close()  # kills whatever is left on every host
        if self.mounted is not None:
            unmount(self.mounted)
            self.mounted = None


def hosts_run(
    cluster: HostsCluster,
    delegates: int,
    victim: str = "w1",
    outage: float = 10.0,
    after: float = 20.0,
    opening: float = 300,
) -> dict:
    """Delegates write; ``victim``'s host is cut off and switched off; then PostgreSQL's link
    is down ``outage`` s; typing goes on ``after`` s past its return. The figures."""
    cluster.wait_preheated()
    before = wait_until_written(cluster.db, 0, 0)  # delegations that wrote earlier
    # Typing goes on from every page's opening through the cut, the outage and ``after``.
    seconds = 1 + REOPENING + outage + after
    with ThreadPoolExecutor(1) as pool:
        args = (cluster.base, cluster.home, delegates, seconds, 1.0, 5, None)
        load = pool.submit(loadgen.run, *args, entry=True, reopen=True)
        wrote = wait_until_written(cluster.db, before + delegates, time.monotonic() + opening)
        killed_at = cluster.switch_off(victim)
        time.sleep(REOPENING)  # the cut-off delegates reopen on the others meanwhile
        pg_cut = cluster.net.cut("pg")
        time.sleep(outage)
        pg_back = cluster.net.mend("pg")
        figures = load.result()
    outcomes = figures["outcomes"]
    cut = [o for o in outcomes if o.failed_at]
    again = [o.writing_again_at[0] - killed_at for o in cut if o.writing_again_at]
    closed = [o.failed_at[0] - killed_at for o in cut]  # HAProxy closed the page's websocket
    # Saves after the store came back: each page's first one (the pending text saved).
    resumed = [
        min(a for a in o.acks if a > pg_back) - pg_back for o in outcomes if _acked(o, pg_back)
    ]
    told = [o for o in outcomes if any(pg_cut <= t <= pg_back + 15 for t in o.reconnecting)]
    figures.update(
        wrote_before_kill=wrote - before,
        killed_at=killed_at,
        cut_off=len(cut),
        closed_p50=statistics.median(closed) if closed else float("nan"),
        closed_max=max(closed, default=float("nan")),
        again=len(again),
        again_p50=statistics.median(again) if again else float("nan"),
        again_max=max(again, default=float("nan")),
        pg_cut=pg_cut,
        pg_back=pg_back,
        told_reconnecting=len(told),
        resumed=len(resumed),
        resumed_p50=statistics.median(resumed) if resumed else float("nan"),
        resumed_max=max(resumed, default=float("nan")),
    )
    return figures


def _acked(outcome, since: float) -> bool:
    return any(a > since for a in outcome.acks)


def summary(f: dict) -> str:
    return (
        f"{f['wrote_before_kill']} writing; host cut off: {f['cut_off']} pages cut (closed by "
        f"HAProxy after p50 {f['closed_p50']:.1f} s max {f['closed_max']:.1f} s), "
        f"{f['again']} writing again after p50 {f['again_p50']:.1f} s max {f['again_max']:.1f} s; "
        f"PostgreSQL away {f['pg_back'] - f['pg_cut']:.0f} s: {f['told_reconnecting']} pages said "
        f"reconnecting, {f['resumed']} saved again p50 {f['resumed_p50']:.1f} s max "
        f"{f['resumed_max']:.1f} s after it returned; lost {f['lost']}; {len(f['errors'])} failed"
    )


def main(report, fresh_home, pg: str, fresh_database) -> None:
    """The ``hosts`` benchmark (bench/run.py passes its helpers in; PostgreSQL is its own)."""
    import netns

    why = netns.unavailable()
    if why:
        print(f"hosts      skipped: {why}")
        return
    netns.clean_stale()
    delegates = int(os.environ.get("HOSTS_DELEGATES", "30"))
    root = fresh_home()
    figures = run_once(root, delegates)
    print(f"{'':<10} 2 workers on separate hosts: {summary(figures)}")
    print(f"{'':<10} 2 workers on separate hosts, host cut off: {reopen_summary(figures)}")
    report(
        "hosts",
        f"{delegates} delegates, 2 hosts: one cut off, {figures['cut_off']} pages writing again "
        f"within {figures['again_max']:.1f} s; PostgreSQL away 10 s: saved again within "
        f"{figures['resumed_max']:.1f} s of its return; lost {figures['lost']}",
        "every cut-off delegate writing again within 30 s, 0 lost",
        figures["lost"] == 0
        and figures["again"] == figures["cut_off"]
        and figures["again_max"] <= 30,
    )


def run_once(root: Path, delegates: int) -> dict:
    """A whole cluster: start, generate, drive, stop (the bench's and the test's sequence)."""
    env = cluster_env(delegates)
    cluster = HostsCluster(root, 2, env)
    try:
        # This process (the load generator, the lost-save check) reads the same home and store.
        os.environ.update(MUNBOOK_HOME=str(cluster.home), MUNBOOK_DB=cluster.db)
        prepare(cluster, delegates)
        cluster.start()
        return hosts_run(cluster, delegates)
    finally:
        cluster.close()
        os.environ.pop("MUNBOOK_DB", None)


def cluster_env(delegates: int) -> dict[str, str]:
    """Each worker: room for every page, a pool for the entry page, spares for the other's."""
    return {
        "MUNBOOK_MAX_KERNELS": str(2 * delegates + 10),
        "MUNBOOK_POOL": "8",
        "MUNBOOK_SPARE": str(delegates // 2),
    }


def prepare(cluster: HostsCluster, delegates: int) -> None:
    """The schema and the workbooks, made on host w1 (``munbook`` commands, as staff would)."""
    from widgets.core import countries

    names = [c.alpha3 for c in countries.members("interpol")][:delegates]
    cluster.munbook("w1", "db", "upgrade")
    cluster.munbook("w1", "generate", "--committee", "interpol", "--countries", ",".join(names))
