"""What the load generator reads from /proc: kernels' memory and start, processes' CPU."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path


def kernel_started(kernel_id: str) -> float | None:
    """When the kernel process of ``kernel_id`` started, on ``time.monotonic()``'s clock."""
    for proc in Path("/proc").iterdir():
        try:
            if f"kernel-{kernel_id}.json".encode() in (proc / "cmdline").read_bytes():
                ticks = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[19])
                # Since boot, suspended time included (as /proc/uptime counts it).
                since_boot = float(Path("/proc/uptime").read_text().split()[0])
                return ticks / os.sysconf("SC_CLK_TCK") - since_boot + time.monotonic()
        except OSError:
            continue
    return None


def kernel_memory(kernel_id: str) -> tuple[int, int] | None:
    """(RSS, PSS) in kB of the kernel process whose connection file names ``kernel_id``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f"kernel-{kernel_id}.json".encode() not in (proc / "cmdline").read_bytes():
                continue
            rollup = (proc / "smaps_rollup").read_text()
        except OSError:
            continue
        values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
        return int(values["Rss"]), int(values["Pss"])
    return None


def _parent_and_cpu(proc: Path) -> tuple[int, float]:
    """(parent pid, user + system CPU seconds) from ``/proc/<pid>/stat``."""
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of ``root_pid`` and every live descendant (the kernels)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)], times[int(proc.name)] = _parent_and_cpu(proc)
            except OSError:
                continue
    family, grown = {root_pid}, {root_pid}
    while grown:
        grown = {p for p, pp in parents.items() if pp in family} - family
        family |= grown
    return sum(times.get(pid, 0.0) for pid in family)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process."""
    return _parent_and_cpu(Path(f"/proc/{pid}"))[1]


STORE_PROCESSES = ("postgres", "pgbouncer")


def store_cpu() -> float:
    """CPU seconds of the store's processes on this machine (PostgreSQL's and PgBouncer's).

    Only processes alive now count: PgBouncer keeps its server connections open, so
    the backends that serve the pages live through a run.
    """
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            if stat[stat.index("(") + 1 : stat.rindex(")")] in STORE_PROCESSES:
                total += _parent_and_cpu(proc)[1]
    return total


def machine_cpu() -> float:
    """CPU seconds the whole machine was busy (``/proc/stat``: all but idle and iowait)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _cores(marks: list[tuple[float, ...]]) -> dict[str, float]:
    """Cores used between two marks: server with kernels, server alone, the load generator,
    the store's processes, and the whole machine (other jobs included)."""
    if len(marks) < 2:
        return {}
    first, last = marks[0], marks[-1]
    span = max(last[0] - first[0], 1e-9)
    names = ("server_and_kernels", "server", "loadgen", "store", "machine")
    return {"seconds": span} | {
        name: (last[i + 1] - first[i + 1]) / span for i, name in enumerate(names)
    }
