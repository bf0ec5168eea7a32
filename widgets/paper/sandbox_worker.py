"""The sandbox's worker process (``python -m widgets.paper.sandbox_worker``).

It caps its own address space, loads the fonts once, says it is ready, then
compiles one job at a time from stdin until stdin closes (``paper.sandbox``
starts it and holds the time limit). It imports only Typst and the fonts: no
store, no committee files, so a one-shot command's worker is ready sooner.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from pathlib import Path
from typing import Any

HEADER = struct.Struct("!Q")  # the length before each job and reply (a pickle)
CALL_FACTOR = 3  # a call's time limit, in compiles' (paper.sandbox.CALL_FACTOR)
IN_WORKER = False  # True inside the worker: a called function's compiles run here, at once
COMPILERS: dict[tuple[str, str], Any] = {}  # the worker's Typst compilers, by template


def serve() -> None:
    """The worker's loop: limits first, then one job after another until stdin closes."""
    import resource
    import signal

    global IN_WORKER
    IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel's interrupts are not the worker's
    memory = int(os.environ["MUNBOOK_SANDBOX_MEMORY"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = float(os.environ["MUNBOOK_SANDBOX_SECONDS"])
    inbox, outbox = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the replies
    from . import fonts

    fonts.fonts()  # once per worker, before saying it is ready
    outbox.write(b"R")
    outbox.flush()
    while True:
        header = inbox.read(HEADER.size)
        if len(header) < HEADER.size:
            return  # the caller is gone
        job = pickle.loads(inbox.read(HEADER.unpack(header)[0]))
        # Should the caller die mid-compile, the worker still ends soon after the limit.
        watchdog = threading.Timer(seconds * CALL_FACTOR * 2 + 5, os._exit, args=(4,))
        watchdog.daemon = True
        watchdog.start()
        reply = answer(job)
        watchdog.cancel()
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.write(HEADER.pack(len(data)) + data)
        outbox.flush()
        if reply[0] == "memory":
            return


def answer(job: tuple) -> tuple[str, Any]:
    """One job: ("load", module), ("call", "module:function", args) or ("typst", ...)."""
    if job[0] == "load":
        __import__(job[1])
        return "ok", None
    if job[0] == "call":
        return call(*job[1:])
    return run(*job[1:])


def call(function: str, args: tuple) -> tuple[str, Any]:
    """A ``call`` job: the function's value, or the MunbookError it raised (its message)."""
    import importlib

    from ..exceptions import MunbookError

    module, name = function.split(":")
    try:
        return "ok", getattr(importlib.import_module(module), name)(*args)
    except MemoryError:
        return "memory", None
    except MunbookError as exc:  # its message only: not every error class unpickles
        return "error", str(exc)


def run(folder: str, main: str, inputs: dict, formats: list) -> tuple[str, Any]:
    """A Typst job: ("ok", [pdf bytes or page images per format]), ("memory", None) or ("typst", why)."""
    import typst

    from . import fonts

    try:
        compiler = COMPILERS.get((folder, main))
        if compiler is None:
            compiler = typst.Compiler(
                str(Path(folder) / main), root=folder, font_paths=fonts.fonts()
            )
            COMPILERS[(folder, main)] = compiler
        out = []
        for kind, ppi in formats:
            # The same inputs twice: Typst's memoised layout makes the second export cheap.
            result = compiler.compile(format=kind, ppi=ppi, sys_inputs=inputs)
            out.append(result if kind == "pdf" or isinstance(result, list) else [result])
        return "ok", out
    except MemoryError:
        return "memory", None
    except typst.TypstError as exc:
        return "typst", exc.message


if __name__ == "__main__":
    # Serve from the package's module, not from __main__: a called function's compiles
    # read IN_WORKER there (widgets.paper.sandbox.compile_typst).
    from widgets.paper import sandbox_worker

    sandbox_worker.serve()
