"""Workers on several machines: ``munbook proxy`` in front, ``munbook serve --name`` on each.

One list names every worker and where it listens (``--peers w1=10.0.0.11:8866,...``);
the same text goes to the proxy machine and to each worker machine. The proxy runs
HAProxy with the config ``serve --workers`` writes (sticky cookie, health checks),
its servers at those addresses; each worker is a plain ``munbook serve`` that knows
its own name and its peers (so a page moved from a dead peer takes a spare kernel).
Each machine's service manager (systemd) restarts its own worker: the proxy starts
none. PostgreSQL and ``MUNBOOK_HOME`` (a shared mount) are shared by the workers.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from .. import settings
from ..exceptions import MunbookError
from .peers import answers, loopback
from .workers import Worker, haproxy_binary, haproxy_config, relay

PEER = re.compile(
    r"(?P<name>[a-z][a-z0-9-]{0,31})=(?P<host>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])"
    r":(?P<port>[0-9]{1,5})"
)
SPEC_CHARS = 4000  # the whole --peers text (MAX_WORKERS entries fit with room)
LISTEN_SECONDS = 10  # HAProxy must be listening by then


def parse_peers(text: str, option: str = "--peers") -> list[Worker]:
    """``name=host:port,...`` as Workers; a MunbookError naming the entry that is wrong."""
    if len(text) > SPEC_CHARS:
        raise MunbookError(f"{option}: {len(text)} characters, at most {SPEC_CHARS}")
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise MunbookError(f"{option}: name the workers, e.g. w1=10.0.0.11:8866,w2=10.0.0.12:8866")
    if len(items) > settings.MAX_WORKERS:
        raise MunbookError(f"{option}: {len(items)} workers, at most {settings.MAX_WORKERS}")
    found: list[Worker] = []
    for number, item in enumerate(items, 1):
        match = PEER.fullmatch(item)
        port = int(match["port"]) if match else 0
        if not match or not 1 <= port <= 65535:
            raise MunbookError(
                f"{option}: entry {number} {item[:80]!r} is not name=host:port (a name of "
                "lower-case letters, digits and '-', up to 32; a port 1-65535)"
            )
        worker = Worker(match["name"], port, match["host"])
        for seen in found:
            if worker.name == seen.name or worker.address == seen.address:
                twice = worker.name if worker.name == seen.name else worker.address
                raise MunbookError(
                    f"{option}: {twice} is named twice (entries {number} and before)"
                )
        found.append(worker)
    return found


def peers_text(workers: list[Worker]) -> str:
    """The list as ``peers.PEERS_ENV`` carries it to a worker and its kernels."""
    return ",".join(f"{w.name}={w.address}" for w in workers)


def this_worker(workers: list[Worker], name: str) -> Worker:
    """The entry named ``name`` (this machine's worker), or a MunbookError."""
    for worker in workers:
        if worker.name == name:
            return worker
    names = ", ".join(w.name for w in workers)
    raise MunbookError(f"--name {name}: not in --peers (it names {names})")


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((loopback(host).strip("[]"), port), timeout=1):
            return True
    except OSError:
        return False


class Proxy:
    """HAProxy on ``host:port`` in front of workers on other machines (none started here)."""

    def __init__(self, host: str, port: int, workers: list[Worker], say: Callable[[str], None]):
        self.host, self.port, self.workers, self.say = host, port, workers, say
        self.process: subprocess.Popen | None = None

    def write_config(self, path: Path | None = None) -> Path:
        """The config (0600), checked by HAProxy itself; its path."""
        binary = haproxy_binary()
        config = path or settings.run_dir() / "haproxy.cfg"
        settings.write_private(config, haproxy_config(self.host, self.port, self.workers))
        checked = subprocess.run(
            [binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True
        )
        if checked.returncode:
            problem = (checked.stderr or checked.stdout).strip().splitlines()[-1:]
            raise MunbookError(f"HAProxy refused {config}: {' '.join(problem)}")
        return config

    def start(self) -> None:
        config = self.write_config()
        self.process = subprocess.Popen(
            [haproxy_binary(), "-db", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        if self.process.stdout:
            relay(self.process.stdout, "haproxy")
        deadline = time.monotonic() + LISTEN_SECONDS
        while not _listening(self.host, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise MunbookError(
                    f"HAProxy did not start on {self.host}:{self.port}; its lines above say why"
                )
            time.sleep(0.2)

    def report(self) -> None:
        """Which workers answer now (HAProxy keeps checking: the others join when they do)."""
        for worker in self.workers:
            up = answers(worker.base + "/", timeout=2)
            self.say(
                f"  worker {worker.name} at {worker.base}: {'up' if up else 'not answering yet'}"
            )

    def run(self) -> None:
        """Until SIGINT/SIGTERM or HAProxy stops (a MunbookError then)."""
        stopping: list[int] = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda number, frame: stopping.append(number))
        try:
            while not stopping:
                if self.process is not None and self.process.poll() is not None:
                    raise MunbookError(
                        f"HAProxy stopped (exit {self.process.returncode}); its lines above say why"
                    )
                time.sleep(0.3)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
