"""Every Typst compile runs here: in a worker process, with a time and a memory limit.

A ``Sandbox`` keeps one warm worker (``python -m widgets.paper.sandbox_worker``: exec,
never a bare fork, as Typst runs threads; it imports only Typst and the fonts). The worker
caps its own address space (``RLIMIT_AS``) and runs one job at a time; the caller waits at
most ``seconds``, then kills it (the next job starts a fresh one). Out of memory, the
worker dies or answers ``MemoryError``; either way the caller gets a plain ``RenderError``
saying what to do. Jobs and replies are length-prefixed pickles on its stdin and stdout.

``Sandbox.call`` runs a whole function in the worker (the delegate's preview: paper
notebook, PDF, checks), so the kernel never imports nbformat, nbconvert or pypdf (about
70 MB kept). A worker idle ``IDLE_SECONDS`` ends; the next job starts another (about 1 s).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any, cast

from .. import settings
from ..core.limits import RENDER_MEMORY, RENDER_SECONDS
from ..exceptions import MunbookError
from . import sandbox_worker
from .sandbox_worker import HEADER as _HEADER

Format = tuple[str, float | None]  # ("pdf", None) or ("png", ppi)
MAX_REPLY = 512 * 1024 * 1024  # bytes: a reply larger than this is not read into the kernel
IDLE_SECONDS = 120.0  # a worker unused this long ends; a delegate previews now and then
CALL_FACTOR = 3  # a call's time limit, in compiles': the notebook and checks come with it
STARTUP_SECONDS = 60.0  # a cold worker loads Python, Typst and every font (about 1 s here)


class RenderError(MunbookError):
    """A compile went past its time or memory limit, or the template failed."""


class RenderTimeout(RenderError):
    pass


class RenderTooBig(RenderError):
    pass


def _mb(size: int) -> str:
    return f"{size / 2**30:g} GB" if size >= 2**30 else f"{size // 2**20} MB"


class Sandbox:
    """One warm Typst worker with a time limit per compile and a memory limit."""

    def __init__(
        self, seconds: float = RENDER_SECONDS, memory: int = RENDER_MEMORY, idle: float = 0
    ):
        self.seconds, self.memory, self.idle = seconds, memory, idle
        self._process: subprocess.Popen | None = None
        self._ready = False  # the live worker has said it is ready
        self._lock = threading.Lock()
        self._idle_timer: threading.Timer | None = None
        self._loaded: set[tuple[int, str]] = set()  # (worker pid, module) imported for calls
        self._started_for: dict[str, str] = {}  # the MUNBOOK_* environment of the worker
        self.started = 0  # workers started so far (a test and the benchmark read them)
        self.compiles = 0  # compile requests so far

    def compile(
        self,
        folder: Path,
        main: str,
        inputs: dict[str, str],
        formats: Sequence[Format],
        what: str = "the paper",
    ) -> list[Any]:
        """Compile ``folder/main`` once and export it in each of ``formats``.

        PDF comes back as bytes, PNG as a list of page images.
        """
        return self._job(("typst", str(folder), main, inputs, list(formats)), what)

    def call(
        self, function: str, *args: Any, what: str = "the paper", load: Sequence[str] = ()
    ) -> Any:
        """``module:function(*args)`` run in the worker, under its limits; its return value.

        The worker's own compiles run in it directly. Arguments and the result
        travel as pickles. The function's module and ``load`` are imported first,
        outside the time limit (once per worker).
        """
        return self._job(("call", function, args), what, (function.split(":")[0], *load))

    def _job(self, job: tuple, what: str, load: Sequence[str] = ()) -> Any:
        with self._lock:
            if job[0] == "call" and self._started_for != _munbook_env():
                self._stop()  # a call reads the store and files of the home it started in
            self.compiles += 1
            process = self._worker()
            try:
                for module in load:
                    self._load(process, module, what)
                _send(process, job)
                seconds = self.seconds * (CALL_FACTOR if job[0] == "call" else 1)
                status, value = self._receive(process, what, seconds)
            except BrokenPipeError:
                self._stop()
                raise self._died(what, process) from None
        self._arm_idle()
        if status == "error":  # a called function's MunbookError: its message, plain
            raise MunbookError(value)
        if status == "ok":
            return value
        if status == "memory":
            self.stop()
            raise RenderTooBig(self._memory_message(what))
        raise RenderError(f"the template for {what} failed: {value}")

    def _load(self, process: subprocess.Popen, module: str, what: str) -> None:
        """Import a call's module in the worker first: its time limit is the call's, not this."""
        if (process.pid, module) in self._loaded:
            return
        _send(process, ("load", module))
        self._receive(process, what, STARTUP_SECONDS)
        self._loaded.add((process.pid, module))

    def _worker(self) -> subprocess.Popen:
        """The live worker, started if needed, once it has said it is ready."""
        process = self._process
        if process is None or process.poll() is not None:
            process = self._spawn()
        if not self._ready:
            # The time limit is the compile's: wait for the worker's fonts first.
            try:
                _read(process, 1, time.monotonic() + STARTUP_SECONDS)
            except (TimeoutError, EOFError):
                self._stop()
                raise RenderError(
                    "the renderer could not start (it needs Typst and its fonts); try again"
                ) from None
            self._ready = True
        return process

    def _spawn(self) -> subprocess.Popen:
        root = str(settings.PACKAGE_DIR.parent)
        path = os.environ.get("PYTHONPATH", "")
        env = {
            **os.environ,
            "PYTHONPATH": root + (os.pathsep + path if path else ""),
            # One malloc arena per thread reserves 64 MB of address space each;
            # two keep the limit about what Typst uses, not what it reserves.
            "MALLOC_ARENA_MAX": "2",
            "RUST_BACKTRACE": "0",  # a failed allocation prints one line, not a trace
            "MUNBOOK_SANDBOX_MEMORY": str(self.memory),
            "MUNBOOK_SANDBOX_SECONDS": str(self.seconds),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "widgets.paper.sandbox_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self._ready, self.started = False, self.started + 1
        self._started_for = _munbook_env()
        return self._process

    def _arm_idle(self) -> None:
        """End the worker after ``idle`` seconds without a job (0: keep it)."""
        if not self.idle:
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        jobs = self.compiles
        self._idle_timer = threading.Timer(self.idle, self._stop_if_idle, args=(jobs,))
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _stop_if_idle(self, jobs: int) -> None:
        with self._lock:
            if self.compiles == jobs:  # no job since the timer was armed
                self._stop()

    def start(self, wait: bool = True) -> None:
        """Start the worker now (it loads its fonts), so the first compile is warm.

        ``wait=False`` returns at once: the worker gets ready while the caller
        checks and parses the paper (a one-shot command saves its start-up).
        """
        if wait:
            with self._lock:
                self._worker()
        elif self._lock.acquire(blocking=False):  # busy: a compile has a worker already
            try:
                if self._process is None or self._process.poll() is not None:
                    self._spawn()
            finally:
                self._lock.release()

    def _receive(self, process: subprocess.Popen, what: str, seconds: float) -> tuple[str, Any]:
        deadline = time.monotonic() + seconds
        try:
            header = _read(process, _HEADER.size, deadline)
            (size,) = _HEADER.unpack(header)
            if size > MAX_REPLY:
                raise RenderTooBig(self._memory_message(what))
            return pickle.loads(_read(process, size, deadline))
        except TimeoutError:
            self._stop()
            raise RenderTimeout(
                f"{what[0].upper()}{what[1:]} took too long to render (more than "
                f"{seconds:g} s); shorten it (long sections, many footnotes or sources) "
                f"and try again."
            ) from None
        except EOFError:
            self._stop()
            raise self._died(what, process) from None
        except RenderTooBig:
            self._stop()
            raise

    def _memory_message(self, what: str) -> str:
        return (
            f"{what[0].upper()}{what[1:]} needed more memory to render than allowed "
            f"({_mb(self.memory)}); shorten it and try again."
        )

    def _died(self, what: str, process: subprocess.Popen) -> RenderError:
        code = process.poll()
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, 3):
            return RenderTooBig(self._memory_message(what))
        return RenderError(f"the renderer for {what} stopped unexpectedly (exit code {code})")

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream:
                    stream.close()

    def stop(self) -> None:
        """End the worker (the next compile starts a new one)."""
        with self._lock:
            self._stop()


def _send(process: subprocess.Popen, job: object) -> None:
    data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    stdin = cast(IO[bytes], process.stdin)  # Popen made it: stdin=PIPE
    stdin.write(_HEADER.pack(len(data)) + data)
    stdin.flush()


def _read(process: subprocess.Popen, size: int, deadline: float) -> bytes:
    fd, chunks, left = cast(IO[bytes], process.stdout).fileno(), [], size
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _munbook_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("MUNBOOK_")}


@cache
def default() -> Sandbox:
    """This process's sandbox: one warm worker per kernel or CLI run, ended when idle."""
    return Sandbox(idle=IDLE_SECONDS)


def compile_typst(
    folder: Path, main: str, inputs: dict[str, str], formats: Sequence[Format], what: str
) -> list[Any]:
    """Compile with this process's sandbox (see ``Sandbox.compile``); in the worker, at once."""
    if sandbox_worker.IN_WORKER:
        status, value = sandbox_worker.run(
            folder=str(folder), main=main, inputs=inputs, formats=list(formats)
        )
        if status == "memory":
            raise MemoryError
        if status != "ok":
            raise RenderError(f"the template for {what} failed: {value}")
        return value
    return default().compile(folder, main, inputs, formats, what)
