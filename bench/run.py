"""munbook's benchmarks: figures and ratios against the stock tools, same run.

    make bench                 # everything
    .venv/bin/python bench/run.py generate export   # some

Each benchmark prints its figure, the stock tool's figure measured in the same
run, the ratio, and the issue's goal. Medians, because the machines are shared.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS: dict[str, Callable[[], None]] = {}


def benchmark(func: Callable[[], None]) -> Callable[[], None]:
    BENCHMARKS[func.__name__] = func
    return func


def median_time(func: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, figure: str, goal: str, ok: bool) -> None:
    print(f"{name:<10} {figure}\n{'':<10} goal: {goal} -> {'OK' if ok else 'MISSED'}", flush=True)


def fresh_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="munbook-bench-"))
    os.environ["MUNBOOK_HOME"] = str(home)
    os.environ.pop("MUNBOOK_DB", None)
    return home


@benchmark
def generate() -> None:
    """196 INTERPOL workbooks through the Python API vs one papermill CLI call each."""
    from widgets import generate as gen
    from widgets import settings

    def run() -> None:
        fresh_home()
        result = gen.generate("interpol", all_members=True, progress=False)
        assert len(result.written) == 196, result.summary()

    ours = median_time(run)
    out = Path(tempfile.mkdtemp(prefix="munbook-bench-pm-"))
    papermill = [str(Path(sys.executable).parent / "papermill")]
    calls = 10
    start = time.perf_counter()
    for i in range(calls):
        subprocess.run(
            [
                *papermill,
                "--prepare-only",
                "-p",
                "country",
                "KEN",
                "-p",
                "delegation_id",
                str(i),
                str(settings.WORKBOOK_TEMPLATE),
                str(out / f"{i}.ipynb"),
            ],
            check=True,
            capture_output=True,
        )
    per_call = (time.perf_counter() - start) / calls
    stock = per_call * 196
    report(
        "generate",
        f"196 workbooks in {ours:.2f} s (median of 3); papermill --prepare-only one call at a time: "
        f"{per_call:.2f} s/call x 196 = {stock:.0f} s (from {calls} calls); ratio {stock / ours:.0f}x",
        "under 2 s",
        ours < 2,
    )


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    for name in names or BENCHMARKS:
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
