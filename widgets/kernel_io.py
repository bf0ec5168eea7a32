"""The served kernel's ipykernel app: its messages sent by the thread that makes them.

Imported by ``widgets.kernel`` only, after it lowered the kernel's priority.

ipykernel reads shell messages on a thread of its own (for subshells) and sends
IOPub messages from another (so that threads may print): each message a page's
typing causes crossed threads twice, and on a machine busy with hundreds of
kernels each crossing waited for the GIL and the scheduler. A page's widget
messages need neither: a served kernel reads them and sends what they cause on
its main thread (output streams and the control thread's answers still go
through the IOPub thread, one send at a time). README, "Sustained writing", has
the figures.
"""

from __future__ import annotations

import threading

from ipykernel import kernelapp
from ipykernel.iostream import IOPubThread
from ipykernel.kernelapp import IPKernelApp


class MainThreadIOPub(IOPubThread):
    """ipykernel's IOPub thread, but the main thread sends its own messages.

    The thread is left what only it can do: the timed flushes of stdout and stderr,
    and messages from other threads (the control thread's). A zmq socket is one
    thread's at a time, so every send holds one lock; and the thread reads no
    subscriptions from the socket (ipykernel answers each with an "iopub_welcome"
    that no Jupyter client reads, and reading would be the socket used from two threads).
    """

    def __init__(self, socket, pipe: bool = False, session=None) -> None:
        # No pipe for forked children's output: a served kernel forks none (its preview
        # worker is a new process), and the pipe's listening port would be one more socket.
        super().__init__(socket, pipe=False, session=session)
        self._one_at_a_time = threading.Lock()

    def _setup_xpub_listener(self) -> None:
        """No subscription reader (see the class)."""

    def send_multipart(self, *args, **kwargs) -> None:
        if threading.current_thread() in (threading.main_thread(), self.thread):
            self._really_send(*args, **kwargs)
        else:
            super().send_multipart(*args, **kwargs)  # scheduled on the IOPub thread

    def _really_send(self, *args, **kwargs) -> None:
        with self._one_at_a_time:
            super()._really_send(*args, **kwargs)


class ServedKernelApp(IPKernelApp):
    """ipykernel's app, reading shell messages and sending IOPub on the main thread."""

    def init_sockets(self) -> None:
        super().init_sockets()
        # ipykernel's code runs without the shell thread when it is None (no subshells).
        self.shell_channel_thread = None

    def init_iopub(self, context) -> None:
        # ipykernel's init_iopub, with the IOPub thread it makes (and starts) ours.
        kernelapp.IOPubThread = MainThreadIOPub
        super().init_iopub(context)
