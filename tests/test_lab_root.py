"""`munbook lab` as root and as a user, and `make demo PORT=...`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import free_port

from widgets.cli import main
from widgets.exceptions import MunbookError
from widgets.serving import lab
from widgets.serving.serve import check_port

ROOT = Path(__file__).resolve().parent.parent
MUNBOOK = Path(sys.executable).parent / "munbook"


def started(argv: list[str], env: dict[str, str], wanted: str, user: str | None = None):
    """Start ``argv`` in its own session; return (process, its output up to ``wanted``)."""
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    process = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        cwd=ROOT,
    )
    seen = ""
    assert process.stdout is not None
    for line in process.stdout:
        seen += line
        if wanted in line:
            break
    return process, seen


def answers(url: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return True
        except OSError:
            time.sleep(0.5)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_prepare_passes_allow_root_only_for_root(home: Path):
    assert "--ServerApp.allow_root=True" in lab.prepare(port=free_port(), allow_root=True).argv
    user = lab.prepare(port=free_port(), allow_root=False)
    assert not user.as_root and "--ServerApp.allow_root=True" not in user.argv
    auto = lab.prepare(port=free_port())
    assert auto.as_root == (os.geteuid() == 0)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_lab_as_root_without_the_flag_says_so_and_serves(home: Path):
    port = free_port()
    env = {**os.environ, "MUNBOOK_HOME": str(home)}
    process, said = started([str(MUNBOOK), "lab", "--port", str(port)], env, "open: ")
    try:
        assert "running as root: Jupyter's --allow-root is passed" in said
        url = said.split("open: ", 1)[1].strip()
        assert answers(url), "JupyterLab did not answer"
        assert process.poll() is None
    finally:
        stop(process)


def _user_can_run_python() -> bool:
    """Root can become ``nobody``, and nobody can run this venv's Python (not under /root)."""
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return False
    probe = ["runuser", "-u", "nobody", "--", sys.executable, "-c", "pass"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(
    not _user_can_run_python(), reason="needs root, and a Python a plain user can run"
)
def test_lab_as_a_normal_user_serves_without_the_root_flag():
    # The user's own home: pytest's tmp_path is root's alone.
    folder = Path(tempfile.mkdtemp(prefix="munbook-user-"))
    try:
        folder.chmod(0o777)
        port = free_port()
        env = {**os.environ, "MUNBOOK_HOME": str(folder / "home"), "HOME": str(folder)}
        env.pop("MUNBOOK_DB", None)
        process, said = started(
            [str(MUNBOOK), "lab", "--port", str(port)], env, "open: ", user="nobody"
        )
        try:
            assert "open: " in said, said
            assert "running as root" not in said
            assert answers(said.split("open: ", 1)[1].strip()), "JupyterLab did not answer"
        finally:
            stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_demo_hint_says_lab_runs_as_root_too(home: Path):
    done = CliRunner().invoke(main, ["demo", "--no-serve"], prog_name="munbook")
    assert done.exit_code == 0, done.output
    assert "munbook lab" in done.output and "as root too" in done.output


def test_a_busy_port_says_how_to_choose_another():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(MunbookError) as caught:
            check_port("127.0.0.1", port)
    assert "--port" in str(caught.value) and "make demo PORT=" in str(caught.value)


def test_make_demo_port_serves_on_that_port(home: Path):
    port = free_port()
    env = {**os.environ, "MUNBOOK_HOME": str(home)}
    dry = subprocess.run(
        ["make", "-n", "-o", "install", "demo", f"PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"munbook demo --port {port}" in dry.stdout
    # -o install: the test's venv is the one make installed; do not reinstall it here.
    process, said = started(
        ["make", "--no-print-directory", "-o", "install", "demo", f"PORT={port}"],
        env,
        f"127.0.0.1:{port}",
    )
    try:
        assert f"127.0.0.1:{port}" in said, said
        assert answers(f"http://127.0.0.1:{port}/"), "the demo did not answer on its port"
    finally:
        stop(process)
