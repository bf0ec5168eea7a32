"""The served kernel's ipykernel app: its messages sent by the thread that makes them.

Imported by ``widgets.kernel.launcher`` only, after it lowered the kernel's priority.

ipykernel reads shell messages on a thread of its own (for subshells) and sends
IOPub messages from another (so that threads may print): each message a page's
typing causes crossed threads twice, and on a machine busy with hundreds of
kernels each crossing waited for the GIL and the scheduler. A page's widget
messages need neither: a served kernel reads them and sends what they cause on
its main thread (output streams and the control thread's answers still go
through the IOPub thread, one send at a time). The README's load section
("What a typed update costs") has the figures.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import zmq
from ipykernel.iostream import IOPubThread
from ipykernel.kernelapp import IPKernelApp
from jupyter_client.session import Session

from .. import upstream
from . import guard


class MainThreadIOPub(IOPubThread):
    """ipykernel's IOPub thread, but the main thread sends its own messages.

    The thread is left what only it can do: the timed flushes of stdout and stderr,
    and messages from other threads (the control thread's; a served page's widgets
    send from the main thread only, so no widget's messages can overtake each other).
    A zmq socket is one thread's at a time, so every send and the close hold one
    lock; and the thread reads no subscriptions from the socket (ipykernel answers
    each with an "iopub_welcome" that no Jupyter client reads, and reading would be
    the socket used from two threads).
    """

    def __init__(self, socket: zmq.Socket, pipe: bool = False, session: Session | None = None):
        # No pipe for forked children's output: a served kernel forks none (its preview
        # worker is a new process), and the pipe's listening port would be one more socket.
        super().__init__(socket, pipe=False, session=session)
        self._one_at_a_time = threading.Lock()
        self._sending = threading.local()  # this thread is inside a send (see below)

    def _setup_xpub_listener(self) -> None:
        """No subscription reader (see the class)."""

    def send_multipart(self, *args: Any, **kwargs: Any) -> None:
        here = threading.current_thread()
        if here in (threading.main_thread(), self.thread) and not self._in_send():
            self._really_send(*args, **kwargs)
        else:
            # Another thread's message, or one sent from inside a send (a finalizer the
            # collector ran between two frames): the IOPub thread sends it after. Once
            # closed (the kernel is shutting down) nobody reads it: the control thread's
            # last status would fail on the closed pipe with a logged traceback.
            if self._in_send():
                super().send_multipart(*args, **kwargs)
                return
            with self._one_at_a_time:
                if not self.closed:
                    super().send_multipart(*args, **kwargs)

    def _in_send(self) -> bool:
        return getattr(self._sending, "active", False)

    def _really_send(self, *args: Any, **kwargs: Any) -> None:
        # A message goes out whole: an interrupt (SIGINT, a KeyboardInterrupt on the main
        # thread) waits until its last frame is sent, never leaving half a message queued.
        if self._in_send():  # re-entered with no IOPub thread left (shutting down)
            return
        blocked = threading.current_thread() is threading.main_thread()
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        self._sending.active = True
        try:
            with self._one_at_a_time:
                super()._really_send(*args, **kwargs)
        finally:
            self._sending.active = False
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def close(self) -> None:
        with self._one_at_a_time:  # the control thread may still be sending
            super().close()


class ServedKernelApp(IPKernelApp):
    """ipykernel's app, reading shell messages and sending IOPub on the main thread,
    its comm handlers behind ``guard`` (bounded before the gate, no tracebacks to the page)."""

    def init_kernel(self) -> None:
        super().init_kernel()
        guard.install(self.kernel)

    def init_sockets(self) -> None:
        super().init_sockets()
        # ipykernel's code runs without the shell thread when it is None (no subshells).
        self.shell_channel_thread = None

    def init_iopub(self, context: zmq.Context) -> None:
        # ipykernel's init_iopub, with the IOPub thread it makes (and starts) ours.
        with upstream.replaced("ipykernel.kernelapp:IOPubThread", MainThreadIOPub):
            super().init_iopub(context)
