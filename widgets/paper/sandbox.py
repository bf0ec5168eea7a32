"""Every Typst compile runs here: in a worker process, with a time and a memory limit.

A ``Sandbox`` keeps one warm worker (``python -m widgets.paper.sandbox_worker``,
started with exec, never a bare fork: Typst runs threads; that module imports
only Typst and the fonts, so it is ready sooner). The worker loads
the fonts once, caps its own address space (``RLIMIT_AS``) and compiles one
job at a time. The caller waits at most ``seconds``; past that the worker is
killed and the next compile starts a fresh one. A worker that runs out of
memory dies (Typst aborts on a failed allocation) or answers ``MemoryError``;
either way the caller gets a plain ``RenderError`` saying what to do.

Jobs and replies travel over the worker's stdin and stdout as length-prefixed
pickles; only this module writes either end.
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
from typing import Any

from .. import settings
from ..core.limits import RENDER_MEMORY, RENDER_SECONDS
from ..exceptions import MunbookError
from .sandbox_worker import HEADER as _HEADER

Format = tuple[str, float | None]  # ("pdf", None) or ("png", ppi)
MAX_REPLY = 512 * 1024 * 1024  # bytes: a reply larger than this is not read into the kernel
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

    def __init__(self, seconds: float = RENDER_SECONDS, memory: int = RENDER_MEMORY):
        self.seconds, self.memory = seconds, memory
        self._process: subprocess.Popen | None = None
        self._ready = False  # the live worker has said it is ready
        self._lock = threading.Lock()
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
        job = (str(folder), main, inputs, list(formats))
        with self._lock:
            self.compiles += 1
            process = self._worker()
            try:
                _send(process, job)
                status, value = self._receive(process, what)
            except BrokenPipeError:
                self._stop()
                raise self._died(what, process) from None
        if status == "ok":
            return value
        if status == "memory":
            self.stop()
            raise RenderTooBig(self._memory_message(what))
        raise RenderError(f"the template for {what} failed: {value}")

    def _worker(self) -> subprocess.Popen:
        """The live worker, started if needed, once it has said it is ready."""
        if self._process is None or self._process.poll() is not None:
            self._spawn()
        if not self._ready:
            # The time limit is the compile's: wait for the worker's fonts first.
            try:
                _read(self._process, 1, time.monotonic() + STARTUP_SECONDS)
            except (TimeoutError, EOFError):
                self._stop()
                raise RenderError(
                    "the renderer could not start (it needs Typst and its fonts); try again"
                ) from None
            self._ready = True
        return self._process

    def _spawn(self) -> None:
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

    def _receive(self, process: subprocess.Popen, what: str) -> tuple[str, Any]:
        deadline = time.monotonic() + self.seconds
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
                f"{self.seconds:g} s); shorten it (long sections, many footnotes or sources) "
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
    process.stdin.write(_HEADER.pack(len(data)) + data)
    process.stdin.flush()


def _read(process: subprocess.Popen, size: int, deadline: float) -> bytes:
    fd, chunks, left = process.stdout.fileno(), [], size
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


@cache
def default() -> Sandbox:
    """This process's sandbox (one warm worker per kernel or CLI run)."""
    return Sandbox()


def compile_typst(
    folder: Path, main: str, inputs: dict[str, str], formats: Sequence[Format], what: str
) -> list[Any]:
    """Compile with this process's sandbox (see ``Sandbox.compile``)."""
    return default().compile(folder, main, inputs, formats, what)
