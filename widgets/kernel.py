"""The launcher of the kernels ``munbook serve`` starts: ipykernel, leaner.

``python -m widgets.kernel -f CONNECTION_FILE`` is ``python -m ipykernel_launcher``
without ipykernel's debugger: importing debugpy (which a delegate's page never
uses: Voilà does not pass debug messages) costs every kernel about 8 MB RSS.
``munbook serve`` names this launcher in the kernel spec it serves (see
``widgets.voila_hooks.LeanKernelSpecs``); JupyterLab's kernels are unchanged.

The served spec also sets ``MALLOC_ARENA_MAX`` (fewer glibc arenas: the
kernel's threads do not each keep freed memory). A served kernel runs at a
lower CPU priority than its Voilà server (``KERNEL_NICE``): the server is the
one process every page of a worker goes through, and when 30 kernels start at
once (a burst, a dead worker's delegates reopening) it was starved of CPU, so
every page waited for it (measured: pages finishing together 30-50 s late). ``malloc_trim`` after saves
was measured and left out: 0.4 MB back after 300 saves.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

ARENAS = "2"  # MALLOC_ARENA_MAX of the served kernels (glibc's default: 8 per core)
KERNEL_NICE = 10  # a kernel's CPU weight is about a tenth of its server's


def lower_priority(nice: int = KERNEL_NICE) -> None:
    """Lower this process's CPU priority (and its autogroup's, where Linux groups sessions).

    Kernels start in a session of their own (jupyter_client), and with autogroups
    (Linux's default) the scheduler shares CPU between sessions, not processes:
    the session's own nice value is what counts there.
    """
    with contextlib.suppress(OSError):
        os.nice(nice)
    # No autogroups (or not Linux): the process's nice value is enough.
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(nice))


def main() -> None:
    lower_priority()  # before the imports: they are most of a kernel start's CPU
    # ipykernel imports its debugger inside ``try: ... except ImportError``: a None entry
    # in sys.modules makes ``import debugpy`` raise ImportError, so the kernel has none.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the kernel's folder is added back later
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
