"""Machines made of network namespaces: PostgreSQL, HAProxy and workers each on its own address.

``Network`` makes a switch namespace (``munbook-net``, a bridge) and one namespace per
host (``munbook-<name>``, its ``eth0`` at 10.251.29.<n>/24 on the bridge); this process
joins the network too (``mbh0``, 10.251.29.1), so every hop between the load generator,
HAProxy, the workers and PostgreSQL crosses a link that can be cut (``cut``/``mend``).
Nothing leaves the made network: no route beyond it, no forwarding. ``clean_stale``
removes what an earlier run left behind (namespaces and their processes, the link,
the shared mount, PostgreSQL's folder). Used by tests/test_hosts.py and the ``hosts``
bench (bench/hosts.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREFIX = "munbook-"
SUBNET = "10.251.29"
SWITCH = PREFIX + "net"
OURS = "mbh0"  # this process's own link to the switch
MUNBOOK = Path(sys.executable).parent / "munbook"
STEP_SECONDS = 20  # any one `ip` command
SHARED_HOME = "munbook-shared-home"  # the mount point of the home every host shares
PG_FOLDER = "munbook-hosts-pg-"  # PostgreSQL's data and socket, under the temp folder


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ip", *args], capture_output=True, text=True, timeout=STEP_SECONDS, check=check
    )


def unavailable() -> str:
    """Why namespaces cannot be made here ('' when they can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not shutil.which("ip"):
        return "no `ip` command (iproute2)"
    probe = PREFIX + "probe"
    made = _ip("netns", "add", probe, check=False)
    _ip("netns", "del", probe, check=False)
    return "" if made.returncode == 0 else f"`ip netns add` failed: {made.stderr.strip()}"


def pids_in(namespace: str) -> list[int]:
    found = _ip("netns", "pids", namespace, check=False).stdout.split()
    return [int(p) for p in found if p.isdigit()]


def kill_all_in(namespace: str) -> None:
    """SIGKILL every process in ``namespace`` (a host switched off), at most 5 rounds."""
    for _ in range(5):
        pids = pids_in(namespace)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)


def clean_stale() -> list[str]:
    """Remove every ``munbook-*`` namespace (its processes killed) and our link; their names."""
    listed = _ip("netns", "list", check=False).stdout.split("\n")
    stale = [line.split()[0] for line in listed if line.startswith(PREFIX)]
    for namespace in stale:
        kill_all_in(namespace)
        _ip("netns", "del", namespace, check=False)
    _ip("link", "del", OURS, check=False)
    for line in Path("/proc/mounts").read_text().splitlines():  # a shared home left mounted
        target = line.split()[1]
        if Path(target).name == SHARED_HOME:
            subprocess.run(["umount", "-l", target], check=False, timeout=STEP_SECONDS)
    for folder in Path(tempfile.gettempdir()).glob(f"{PG_FOLDER}*"):  # its server is gone now
        shutil.rmtree(folder, ignore_errors=True)
    return stale


class Network:
    """The switch and one namespace per host; ``close`` removes them all (idempotent)."""

    def __init__(self, hosts: dict[str, int]):
        self.hosts = dict(hosts)  # name -> last byte of its address
        self.made: list[str] = []
        try:
            self._make()
        except BaseException:
            self.close()
            raise

    def _make(self) -> None:
        _ip("netns", "add", SWITCH)
        self.made.append(SWITCH)
        _ip("-n", SWITCH, "link", "add", "br0", "type", "bridge")
        _ip("-n", SWITCH, "link", "set", "br0", "up")
        _ip("link", "add", OURS, "type", "veth", "peer", "name", "p-ours", "netns", SWITCH)
        _ip("-n", SWITCH, "link", "set", "p-ours", "master", "br0", "up")
        _ip("addr", "add", f"{SUBNET}.1/24", "dev", OURS)
        _ip("link", "set", OURS, "up")
        for name in self.hosts:
            namespace = self.namespace(name)
            _ip("netns", "add", namespace)
            self.made.append(namespace)
            _ip("-n", namespace, "link", "set", "lo", "up")
            peer = f"p-{name}"
            _ip("link", "add", peer, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            _ip("link", "set", peer, "netns", SWITCH)
            _ip("-n", SWITCH, "link", "set", peer, "master", "br0", "up")
            _ip("-n", namespace, "addr", "add", f"{self.address(name)}/24", "dev", "eth0")
            _ip("-n", namespace, "link", "set", "eth0", "up")

    @staticmethod
    def namespace(name: str) -> str:
        return PREFIX + name

    def address(self, name: str) -> str:
        return f"{SUBNET}.{self.hosts[name]}"

    def cut(self, name: str) -> float:
        """Take the host's link down (no packet in or out, no reset sent); when."""
        _ip("-n", self.namespace(name), "link", "set", "eth0", "down")
        return time.monotonic()

    def mend(self, name: str) -> float:
        _ip("-n", self.namespace(name), "link", "set", "eth0", "up")
        return time.monotonic()

    def start(self, name: str, argv: list[str], log: Path, env: dict) -> subprocess.Popen:
        """``argv`` on host ``name`` (``ip netns exec``), its output appended to ``log``."""
        return subprocess.Popen(
            ["ip", "netns", "exec", self.namespace(name), *argv],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def switch_off(self, name: str) -> None:
        """Every process on host ``name`` killed at once."""
        kill_all_in(self.namespace(name))

    def close(self) -> None:
        for namespace in reversed(self.made):
            kill_all_in(namespace)
            _ip("netns", "del", namespace, check=False)
        self.made = []
        _ip("link", "del", OURS, check=False)


def wait_for(check, seconds: float, what: str, step: float = 0.3) -> float:
    """Until ``check()`` is true (at most ``seconds``); the time it took. RuntimeError after."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise RuntimeError(f"{what}: not within {seconds:.0f} s")
        time.sleep(step)
    return time.monotonic() - started


class Postgres:
    """A PostgreSQL server of its own on host ``name``, trust login for ``munbook`` on the subnet."""

    def __init__(self, net: Network, name: str = "pg"):
        self.net, self.name = net, name
        version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v.split(".")[0]))[-1]
        self.bin = Path("/usr/lib/postgresql") / version / "bin"
        self.dir = Path(tempfile.mkdtemp(prefix=PG_FOLDER))
        shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._as_postgres(
            [
                str(self.bin / "initdb"),
                "-D",
                str(data),
                "-U",
                "munbook",
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '{net.address(name)}'\nport = 5432\n"
                f"unix_socket_directories = '{self.dir}'\nmax_connections = 300\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all munbook {SUBNET}.0/24 trust\n")
        log = self.dir / "server.log"
        log.touch()
        shutil.chown(log, "postgres", "postgres")
        argv = ["runuser", "-u", "postgres", "--", str(self.bin / "postgres"), "-D", str(data)]
        self.process = net.start(name, argv, log, dict(os.environ))
        self.url = f"postgresql://munbook@{net.address(name)}:5432/munbook"
        wait_for(self._answers, 60, "PostgreSQL in its namespace")
        self._as_postgres(
            [str(self.bin / "createdb"), "-h", str(self.dir), "-U", "munbook", "munbook"]
        )

    def _as_postgres(self, argv: list[str]) -> None:
        subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                self.net.namespace(self.name),
                "runuser",
                "-u",
                "postgres",
                "--",
                *argv,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def _answers(self) -> bool:
        import socket

        try:
            with socket.create_connection((self.net.address(self.name), 5432), timeout=1):
                return True
        except OSError:
            return False

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
