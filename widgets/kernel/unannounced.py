"""Widgets made before their page connects: registered in the kernel, not announced.

While Voilà runs a page's notebook no browser is connected yet. Once it
connects, the page's widget manager asks the kernel for every widget's state
in one message (``request_states`` on the ``jupyter.widget.control`` comm).
The ``comm_open`` (and ``update``) message each widget publishes while it is
made reaches the Voilà server alone, which decodes each one twice (its
activity watcher and nbclient running the cell): about 400 messages for one
workbook, most of the server's CPU in a burst of delegates (``make bench
burst``). Inside ``unannounced()`` each new widget's comm is registered as
usual (messages from the page reach it) but publishes nothing until the block
ends; from then on it publishes as any comm does. (Inside the block
ipywidgets does not even compute the updates: a comm with no kernel yet gets
none.)

Only for code that runs before the page is connected: a widget made by a
button click must be announced, or the page never learns of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import comm

from .. import upstream


def _silent(*args, **kwargs) -> None:
    """A comm's ``publish_msg`` while its page is not connected: nobody to tell."""


@contextmanager
def unannounced() -> Iterator[list]:
    """Comms created inside are registered but publish nothing until the block ends.

    Yields the list of those comms (for tests). Not re-entrant across threads:
    the kernel runs a cell on one thread, and nothing else makes widgets then.
    """
    create, made = comm.create_comm, []

    def register_quietly(*args, **kwargs):
        # A secondary comm is not opened (no comm_open); register it as open() would.
        kwargs["primary"] = False
        made_comm = create(*args, **kwargs)
        comm.get_comm_manager().register_comm(made_comm)
        made_comm.publish_msg = _silent  # shadows the method until the block ends
        made.append(made_comm)
        return made_comm

    upstream.replace("comm:create_comm", register_quietly)
    try:
        yield made
    finally:
        upstream.replace("comm:create_comm", create)
        kernel = _kernel()
        for made_comm in made:
            made_comm.__dict__.pop("publish_msg", None)
            # ipykernel's comm learns its kernel when it first publishes, and ipywidgets
            # sends no update through a comm whose ``kernel`` is None: tell it now.
            if getattr(made_comm, "kernel", True) is None:
                made_comm.kernel = kernel


def _kernel():
    """The running ipykernel, or None (a plain script or test: nothing to publish to)."""
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    return Kernel.instance() if Kernel.initialized() else None
