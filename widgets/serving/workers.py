"""``munbook serve --workers N``: N Voilà workers on loopback, HAProxy in front.

Each worker is a ``munbook serve`` of its own on a free loopback port, with the
same ``MUNBOOK_HOME`` and ``MUNBOOK_DB``; the schema is upgraded once, before
any starts. HAProxy (Debian's) listens on the public address with a config
written from ``settings.HAPROXY_TEMPLATE``: sticky sessions by cookie (a page
and its kernel websocket reach the same worker), long websocket timeouts, and
health checks that take a dead worker out within seconds. The supervisor (this
process) restarts a worker that dies, on the same port; one that dies again
and again soon after starting is given up (and said so). Ctrl-C stops all.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import IO, TypeVar

from .. import settings
from ..exceptions import MunbookError
from .kernel_cap import NAME_ENV, RESTARTED_ENV
from .peers import PEERS_ENV, answers, free_port, loopback

COOKIE = "MUNBOOK_WORKER"
START_SECONDS = 120  # a worker that does not answer by then is an error
CHECK_INTERVAL = "1s"  # HAProxy health checks; a dead worker is out after FALL of them
FALL = 2
DOWN_INTERVAL = "500ms"  # checks of a dead worker: a restarted one is back on its first answer
CHECK_TIMEOUT = "20s"  # a worker busy starting kernels may be slow to answer: not dead
TUNNEL_TIMEOUT = "8h"  # an open page's websocket (Jupyter pings it every 30-90 s)
MAXCONN = 20_000  # connections at once (each open page holds one), if the fd limit allows
FAST_DEATH = 30.0  # seconds: a worker dying sooner after its start counts as failing to start
GIVE_UP = 3  # ... this many times in a row, and it is not restarted again
HEALTH_CHECK_LINE = b"] 200 HEAD / "  # the access-log line of a check (browsers GET /)
STOP_SECONDS = 30.0  # what a worker gets to close its kernels on Ctrl-C


def check_store(workers: int, url: str) -> None:
    """Several workers need a store they can share: PostgreSQL, not a SQLite file."""
    if workers > 1 and url.startswith("sqlite"):
        raise MunbookError(
            f"--workers {workers} needs a PostgreSQL store (MUNBOOK_DB=postgresql://...); "
            "a SQLite file serves one worker only (drop --workers, or use --workers 1)"
        )


def haproxy_binary(search: str | None = None) -> str:
    """HAProxy's path (on ``search``, default $PATH and the sbin folders), or a MunbookError."""
    if search is None:
        search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    found = shutil.which("haproxy", path=search)
    if not found:
        raise MunbookError(
            "--workers needs HAProxy in front of the workers: install the Debian package "
            "(sudo apt-get install haproxy), or serve without --workers"
        )
    return found


@dataclass
class Worker:
    name: str
    port: int
    host: str = "127.0.0.1"  # another machine's address for ``munbook proxy`` (serving.hosts)
    process: subprocess.Popen | None = None
    started: float = 0.0
    fast_deaths: int = 0
    given_up: bool = False

    @property
    def base(self) -> str:
        return f"http://{self.address}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def max_connections() -> int:
    """MAXCONN, or what the open-files limit allows (HAProxy needs two per connection)."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return MAXCONN if hard == resource.RLIM_INFINITY else max(100, min(MAXCONN, hard // 2 - 100))


def haproxy_config(host: str, port: int, workers: list[Worker]) -> str:
    """HAProxy's config for ``workers`` behind ``host:port`` (from the shipped template)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    servers = "\n".join(f"    server {w.name} {w.address} check cookie {w.name}" for w in workers)
    template = Template(settings.HAPROXY_TEMPLATE.read_text(encoding="utf-8"))
    seconds = FALL * int(CHECK_INTERVAL.rstrip("s"))
    return template.substitute(
        workers=len(workers),
        bind=bind,
        cookie=COOKIE,
        maxconn=max_connections(),
        tunnel_timeout=TUNNEL_TIMEOUT,
        inter=CHECK_INTERVAL,
        fall=FALL,
        downinter=DOWN_INTERVAL,
        check_timeout=CHECK_TIMEOUT,
        down_seconds=seconds,
        servers=servers,
    )


def relay(stream: IO[bytes], prefix: str) -> threading.Thread:
    """Copy a child's output to our stderr, each line prefixed with its name."""

    def copy() -> None:
        for line in iter(stream.readline, b""):
            if HEALTH_CHECK_LINE not in line:  # HAProxy's checks, every second
                sys.stderr.write(f"{prefix} | {line.decode(errors='replace')}")
        stream.close()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


class Supervisor:
    """Starts the workers and HAProxy, restarts dead workers, stops everything on a signal.

    ``worker_command(worker)`` is the argv that starts one worker.
    """

    def __init__(
        self,
        host: str,
        port: int,
        count: int,
        worker_command: Callable[[Worker], list[str]],
        say: Callable[[str], None] = print,
    ):
        self.host, self.port, self.say = host, port, say
        self.command = worker_command
        self.workers = [Worker(f"w{n + 1}", free_port()) for n in range(count)]
        self.haproxy: subprocess.Popen | None = None
        self.stopping = 0

    def _spawn(self, argv: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
        # Same process group as ours: a Ctrl-C in the terminal (or killpg) reaches all.
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        relay(_started(process.stdout), name)  # stdout=PIPE: always a stream
        return process

    def start_worker(self, worker: Worker, restart: bool = False) -> None:
        """Start ``worker``; a ``restart``ed one fills its pool only once the CPU has room.

        (Its delegates are reopening their pages on the other workers meanwhile.)
        """
        env = {**os.environ, NAME_ENV: worker.name}  # pages whose cookie names another: moved
        # Every worker's name and port: a page counts as moved only from one that is down.
        env[PEERS_ENV] = ",".join(f"{w.name}={w.address}" for w in self.workers)
        if restart:
            env[RESTARTED_ENV] = "1"
        worker.process = self._spawn(self.command(worker), worker.name, env)
        worker.started = time.monotonic()

    def wait_ready(self) -> None:
        """Until every worker answers its page; a MunbookError if one exits or takes too long."""
        deadline = time.monotonic() + START_SECONDS
        waiting = list(self.workers)
        while waiting:
            for worker in list(waiting):
                if (process := _started(worker.process)).poll() is not None:
                    raise MunbookError(
                        f"worker {worker.name} stopped while starting (exit "
                        f"{process.returncode}); its lines above say why"
                    )
                if answers(worker.base + "/"):
                    waiting.remove(worker)
            if waiting and time.monotonic() > deadline:
                raise MunbookError(f"workers did not answer within {START_SECONDS} s")
            time.sleep(0.3)

    def start_haproxy(self) -> None:
        binary = haproxy_binary()
        config = settings.run_dir() / "haproxy.cfg"
        settings.write_private(config, haproxy_config(self.host, self.port, self.workers))
        checked = subprocess.run(
            [binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True
        )
        if checked.returncode:
            problem = (checked.stderr or checked.stdout).strip().splitlines()[-1:]
            raise MunbookError(f"HAProxy refused {config}: {' '.join(problem)}")
        self.haproxy = self._spawn([binary, "-db", "-f", str(config)], "haproxy")
        deadline = time.monotonic() + 10
        while not answers(f"http://{loopback(self.host)}:{self.port}/"):
            if self.haproxy.poll() is not None or time.monotonic() > deadline:
                raise MunbookError(
                    f"HAProxy did not start on {self.host}:{self.port}; its lines above say why"
                )
            time.sleep(0.2)

    def start(self) -> None:
        """Workers first (all at once), then HAProxy in front of them."""
        self._catch_signals()
        try:
            for worker in self.workers:
                self.start_worker(worker)
            self.wait_ready()
            self.start_haproxy()
        except BaseException:
            self.stop()
            raise

    def run(self) -> None:
        """Watch the children until a signal; restart a worker that dies."""
        try:
            while not self.stopping:
                if (haproxy := _started(self.haproxy)).poll() is not None:
                    raise MunbookError(
                        f"HAProxy stopped (exit {haproxy.returncode}); its lines above say why"
                    )
                for worker in self.workers:
                    if not worker.given_up and _started(worker.process).poll() is not None:
                        self._on_death(worker)
                time.sleep(0.3)
        finally:
            self.stop()

    def _on_death(self, worker: Worker) -> None:
        code = _started(worker.process).returncode
        fast = time.monotonic() - worker.started < FAST_DEATH
        worker.fast_deaths = worker.fast_deaths + 1 if fast else 0
        if worker.fast_deaths >= GIVE_UP:
            worker.given_up = True
            self.say(
                f"worker {worker.name} died {GIVE_UP} times within {FAST_DEATH:.0f} s of "
                "starting; not restarting it (the others carry on)"
            )
            if all(w.given_up for w in self.workers):
                raise MunbookError("every worker failed to stay up; their lines above say why")
            return
        self.say(f"worker {worker.name} stopped (exit {code}); restarting it on {worker.base}")
        self.start_worker(worker, restart=True)
        self.say(f"  worker {worker.name}: pid {_started(worker.process).pid} on {worker.base}")

    def pids(self) -> dict[str, int]:
        return {w.name: w.process.pid for w in self.workers if w.process}

    def _catch_signals(self) -> None:
        def handler(signum, frame) -> None:
            self.stopping += 1
            if self.stopping > 1:  # a second Ctrl-C: now
                for process in self._children():
                    process.kill()
                os._exit(130)

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)

    def _children(self) -> list[subprocess.Popen]:
        found = [w.process for w in self.workers if w.process]
        return [*found, self.haproxy] if self.haproxy else found

    def stop(self) -> None:
        """HAProxy and the workers: SIGTERM (workers close their kernels), then SIGKILL."""
        self.stopping = max(self.stopping, 1)
        children = [p for p in self._children() if p.poll() is None]
        for process in children:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


_T = TypeVar("_T")


def _started(child: _T | None) -> _T:
    """A child process (or its pipe) that was started before this use: None is a bug."""
    if child is None:
        raise MunbookError("a worker process was used before it was started")
    return child
