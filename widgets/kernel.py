"""The launcher of the kernels ``munbook serve`` starts: ipykernel, leaner.

``python -m widgets.kernel -f CONNECTION_FILE`` is ``python -m ipykernel_launcher``
without ipykernel's debugger: importing debugpy (which a delegate's page never
uses: Voilà does not pass debug messages) costs every kernel about 8 MB RSS.
``munbook serve`` names this launcher in the kernel spec it serves (see
``widgets.voila_hooks.LeanKernelSpecs``); JupyterLab's kernels are unchanged.

The served spec also sets ``MALLOC_ARENA_MAX`` (fewer glibc arenas: the
kernel's threads do not each keep freed memory). ``malloc_trim`` after saves
was measured and left out: 0.4 MB back after 300 saves.
"""

from __future__ import annotations

import sys
from pathlib import Path

ARENAS = "2"  # MALLOC_ARENA_MAX of the served kernels (glibc's default: 8 per core)


def main() -> None:
    # ipykernel imports its debugger inside ``try: ... except ImportError``: a None entry
    # in sys.modules makes ``import debugpy`` raise ImportError, so the kernel has none.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the kernel's folder is added back later
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
