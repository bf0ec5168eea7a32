"""The launcher of the kernels ``munbook serve`` starts: ipykernel, leaner.

``python -m widgets.kernel -f CONNECTION_FILE`` is ``python -m ipykernel_launcher``
without ipykernel's debugger: importing debugpy (which a delegate's page never
uses: Voilà does not pass debug messages) costs every kernel about 8 MB RSS.
``munbook serve`` names this launcher in the kernel spec it serves (see
``widgets.serving.voila_hooks.LeanKernelSpecs``); JupyterLab's kernels are unchanged.
Its app (``widgets.kernel.iopub.ServedKernelApp``) handles a page's messages on the
main thread, without ipykernel's thread hand-overs.

The served spec also sets ``SERVED_ENV``: ``MALLOC_ARENA_MAX`` (fewer glibc
arenas: the kernel's threads do not each keep freed memory) and no widget
echoes; and the kernel runs with
``SERVED_CONFIG`` (each line says what it saves, measured with tracemalloc in a
served kernel: README, "Kernel memory"). ``malloc_trim`` after saves was
measured and left out: 0.4 MB back after 300 saves.

A served kernel starts at a lower CPU priority than its Voilà server, until
its page is built (``widgets.kernel.priority``).
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from .. import settings
from . import priority

ARENAS = "2"  # MALLOC_ARENA_MAX of the served kernels (glibc's default: 8 per core)
DIGESTS = 2048  # incoming message signatures remembered to refuse a replayed one
SERVED_CONFIG = (
    # No IPython history: Voilà runs the page's cells with store_history=False, so the
    # SQLite file, its connection and its saving thread held nothing (1.7 MB RSS).
    "--HistoryManager.enabled=False",
    # Plain tracebacks: IPython's default ("Context") imports stack_data, executing and
    # pygments' lexers and keeps the parsed source of every file in the traceback: one
    # refused widget message (a tab index out of range) left 14.8 MB RSS in the kernel
    # for good (0.7 MB with plain tracebacks).
    "--InteractiveShell.xmode=Plain",
    # jupyter_client keeps every incoming message's signature, up to 65,536 (97 B each
    # plus the set: 8-10 MB once a delegate has sent that many updates, about one a
    # keystroke); the newest DIGESTS (about 0.3 MB) still refuse a replayed message.
    f"--Session.digest_history_size={DIGESTS}",
)
SERVED_ENV = {
    "MALLOC_ARENA_MAX": ARENAS,
    # ipywidgets 8 sends every update back to the page ("echo_update"), so that several
    # pages showing one kernel's widgets agree. A served kernel has one page, and the
    # echo of a section carried its whole text on every keystroke: about a third of the
    # messages a typing delegate costs the kernel and the server (README, "Sustained").
    "JUPYTER_WIDGETS_ECHO": "0",
    # One BLAS thread (numpy, in staff apps): a thread per core, each with its stack,
    # would count against the kernel's memory ceiling (cap_memory) on a many-core server.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def cap_memory() -> int:
    """Cap this kernel's data (heap and anonymous memory, ``RLIMIT_DATA``) at
    ``settings.kernel_memory_mb()``: past it an allocation fails with MemoryError, which
    the kernel logs, instead of the machine swapping. Returns the cap in bytes."""
    cap = settings.kernel_memory_mb() * 2**20
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    return cap


def main() -> None:
    priority.lower()  # before the imports: they are most of a kernel start's CPU
    cap_memory()
    # ipykernel imports its debugger inside ``try: ... except ImportError``: a None entry
    # in sys.modules makes ``import debugpy`` raise ImportError, so the kernel has none.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the kernel's folder is added back later
    from .iopub import ServedKernelApp

    # Command-line settings win over any ipython_kernel_config.py the machine has.
    ServedKernelApp.launch_instance(argv=[*sys.argv[1:], *SERVED_CONFIG])


if __name__ == "__main__":
    main()
