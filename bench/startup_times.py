"""Start-up: munbook's commands as whole processes, this tree beside the release before issue 12.

Every figure is the median wall time of fresh processes, with the ``python -X
importtime`` total (top-level imports, cumulative) beside it, and the same for
the release (e84e4bc, from ``git archive``) measured in the same run. Bytecode
caches are written and warmed first for both trees (PYTHONDONTWRITEBYTECODE is
dropped), as an installed package has them.

``generate --all-members`` (196 INTERPOL workbooks) is timed three ways: in a
fresh home on its own (the store is made first: a secretariat's first
command), in a fresh home after ``munbook roster import`` (one delegation: the
store exists, the template is not prepared yet), and again in the same home
with ``--force`` (every workbook rewritten).

``jupyter nbconvert --to position_paper`` is nbconvert's own command. The
release's tree cannot start it (the installed entry point names a module the
release lacks), so for the release munbook's share of the call is compared.
``munbook export`` converts many papers in one process: its figure is per paper.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_RELEASE = "e84e4bc"  # the release before the start-up work (issue 12)
BIN = Path(sys.executable).parent
CLI = [sys.executable, "-c", "import sys; from widgets.cli import main; main(sys.argv[1:])"]
GENERATE = ["generate", "--committee", "interpol", "--all-members"]
PAPERS = 12  # papers per `munbook export` run
# seconds, issue 12 (export: per paper, the documented fast path)
GOALS = {"--version": 0.3, "--help": 0.3, "nbconvert": 1.0, "export": 1.0}


def old_release() -> Path | None:
    """The previous release's widgets/ and data (git archive), to time its commands beside ours."""
    folder = Path(tempfile.mkdtemp(prefix="munbook-old-"))
    parts = ["widgets", "data", "templates", "notebooks"]
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", OLD_RELEASE, *parts], capture_output=True
    )
    if archive.returncode:
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def environment(tree: Path, home: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "MUNBOOK_HOME": str(home)}
    for name in ("PYTHONDONTWRITEBYTECODE", "MUNBOOK_DB", "NBCONVERT_DISABLE_CONFIG_EXPORTERS"):
        env.pop(name, None)
    return env


def new_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="munbook-bench-startup-"))


def import_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Total import time (s) of a command, from ``python -X importtime``'s top-level lines."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env,
        capture_output=True,
        text=True,
        cwd=env["MUNBOOK_HOME"],  # `python -c` puts the working folder first on sys.path
    )
    total = 0
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if (
            len(parts) == 3
            and parts[0].startswith("import time:")
            and not parts[2].startswith("  ")
        ):
            try:
                total += int(parts[1])  # top-level imports only: their cumulative time
            except ValueError:
                continue
    return total / 1e6


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True, cwd=env["MUNBOOK_HOME"])
    return time.perf_counter() - start


# munbook's share of an nbconvert call: from nbconvert handing over to the PDF (nbconvert loaded).
SHARE = """
import sys, time, importlib, nbformat, nbconvert
nb = nbformat.read(sys.argv[2], as_version=4)
start = time.perf_counter()
module = importlib.import_module(sys.argv[1])
module.PositionPaperExporter().from_notebook_node(nb)
print(time.perf_counter() - start)
"""


def exporter_module(tree: Path) -> str:
    if (tree / "widgets" / "paper" / "export.py").exists():
        return "widgets.paper.export"
    return "widgets.export"  # the release's layout


def exporter_share(tree: Path, paper: Path, repeat: int) -> float:
    env = environment(tree, new_home())
    argv = [sys.executable, "-c", SHARE, exporter_module(tree), str(paper)]
    times = []
    for _ in range(repeat + 1):  # the first warms the caches
        out = subprocess.run(
            argv, env=env, capture_output=True, text=True, check=True, cwd=env["MUNBOOK_HOME"]
        )
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times[1:])


def generate_round(tree: Path, case: str) -> tuple[list[str], dict[str, str]]:
    """A fresh home set up for ``case``, and the generate command to time there."""
    env = environment(tree, new_home())
    if case == "store made":  # one delegation imported: the store exists, the workbooks do not
        roster = Path(env["MUNBOOK_HOME"]) / "roster.csv"
        roster.write_text(
            "delegate,school,committee,country\nA. Delegate,A School,INTERPOL,Kenya\n"
        )
        timed([*CLI, "roster", "import", str(roster)], env)
    if case == "again":
        timed([*CLI, *GENERATE], env)  # the home's first run, not counted
        return [*CLI, *GENERATE, "--force"], env
    return [*CLI, *GENERATE], env


def one_process(tree: Path, case: str, paper: Path) -> tuple[list[str], list[str], dict]:
    """(argv to time, argv for ``python -X importtime``, env) of a case run in one home."""
    env = environment(tree, new_home())
    if case in ("--version", "--help"):
        return [*CLI, case], [*CLI[1:], case], env
    if case.startswith("nbconvert"):
        if case == "nbconvert, switch":  # nbconvert's documented switch, the user's to set
            env["NBCONVERT_DISABLE_CONFIG_EXPORTERS"] = "1"
        args = ["nbconvert", "--to", "position_paper", str(paper)]
        args += ["--output-dir", env["MUNBOOK_HOME"]]
        return [str(BIN / "jupyter"), *args], [str(BIN / "jupyter-nbconvert"), *args], env
    folder = Path(env["MUNBOOK_HOME"]) / "papers-in"  # export: PAPERS copies, one process
    folder.mkdir()
    copies = [shutil.copyfile(paper, folder / f"paper-{i:02}.ipynb") for i in range(PAPERS)]
    args = ["export", *map(str, copies), "--out", env["MUNBOOK_HOME"] + "/pdf"]
    return [*CLI, *args], [*CLI[1:], *args], env


def measure(tree: Path, case: str, repeat: int, paper: Path) -> tuple[float, float]:
    """(median wall s, import s) of one case run with ``tree``'s widgets; one warm-up first."""
    if not case.startswith(("alone", "store made", "again")):
        argv, probe, env = one_process(tree, case, paper)
        timed(argv, env)  # bytecode caches, the font coverage cache
        walls = [timed(argv, env) for _ in range(repeat)]
        wall = statistics.median(walls) / (PAPERS if case == "export" else 1)
        return wall, import_seconds(probe, env)
    timed(*generate_round(tree, case))
    walls = [timed(*generate_round(tree, case)) for _ in range(repeat)]
    argv, env = generate_round(tree, case)
    return statistics.median(walls), import_seconds(argv[1:], env)


CASES = [
    ("munbook --version", "--version", 5),
    ("munbook --help", "--help", 5),
    ("generate --all-members, fresh home (store made first)", "alone", 5),
    ("generate --all-members, fresh home after roster import", "store made", 5),
    ("generate --all-members --force, same home again", "again", 5),
    ("jupyter nbconvert --to position_paper, per call", "nbconvert", 5),
    ("  the same with NBCONVERT_DISABLE_CONFIG_EXPORTERS=1", "nbconvert, switch", 5),
    (f"munbook export, {PAPERS} papers in one process, per paper", "export", 3),
]


def run(report: Callable[[str, str, str, bool], None], paper: Path) -> None:
    old = old_release()
    lines, ok = [], True
    for label, case, repeat in CASES:
        wall, imports = measure(ROOT, case, repeat, paper)
        # export's workers inherit -X importtime: its total counts every process of the run
        scope = "imports, all its processes" if case == "export" else "imports"
        figure = f"{label}: {wall:.2f} s ({scope} {imports:.2f} s)"
        if old and case == "nbconvert":
            ours, theirs = exporter_share(ROOT, paper, repeat), exporter_share(old, paper, repeat)
            figure += (
                f"; release {OLD_RELEASE} cannot start it (the entry point names a newer module): "
                f"munbook's share {ours:.2f} s, the release's {theirs:.2f} s"
            )
        elif old and case != "nbconvert, switch":
            old_wall, old_imports = measure(old, case, repeat, paper)
            figure += (
                f"; release {OLD_RELEASE}: {old_wall:.2f} s (imports {old_imports:.2f} s), "
                f"{old_wall / wall:.1f}x"
            )
        lines.append(figure)
        print(f"{'':<10} {figure}", flush=True)  # as it goes: the whole run takes minutes
        ok &= wall <= GOALS.get(case.split(",")[0], 1.0)
    report(
        "startup",
        "\n           ".join(lines),
        "--version and --help at most 0.3 s; generate --all-members at most 1 s in each home; "
        "jupyter nbconvert at most 1 s a call; munbook export (the fast path) at most 1 s a paper",
        ok,
    )
