"""munbook serve's page handlers: Voilà's, each with what munbook needs of it.

``RenderHandler`` serves a page (the busy page at the kernel cap, the XSRF cookie,
the client's address for the kernel); ``GraceShutdownHandler`` frees a closed
page's kernel a few seconds late; ``RequestInfoHandler`` hands a preheated kernel
its request, and nobody else; ``ClosedHandler`` answers the routes munbook closes.
"""

from __future__ import annotations

import time

from jupyter_core.utils import ensure_async
from tornado import web
from tornado.ioloop import IOLoop
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler

from ..kernel import request as request_signature
from .http_pages import SecureHeaders, client_address, plain_page
from .kernel_cap import KernelsBusy, ready_first
from .peers import moved

CLIENT_HEADER = "X-Munbook-Client"
BUSY = "The server is busy, try again in a minute."
SHUTDOWN_GRACE = 3.0  # seconds; the workbook autosaves 1 s after the last keystroke


class RenderHandler(TornadoVoilaHandler):
    """Voilà's page handler: busy page at the kernel cap, and the XSRF cookie set."""

    _pooled = False  # this request takes a started kernel from the entry page's pool

    async def get(self, path=None):
        # Touching the token sets the `_xsrf` cookie, which Voilà's page sends back
        # when it closes (POST /voila/api/shutdown/<kernel>); without it: 403, kernel kept.
        self.xsrf_token  # noqa: B018
        # The kernel learns its client's address from the server alone (never the browser's
        # header of that name): wrong codes are counted per address (apps/gate.py).
        self.request.headers[CLIENT_HEADER] = client_address(self.request)
        manager = self.kernel_manager
        manager.last_page = time.monotonic()
        keep = 0 if moved(self.request.headers) else manager.spare  # spares: moved pages'
        self._pooled = bool(path) and ready_first(manager, path, keep)
        if not self._pooled and manager.is_full():
            raise KernelsBusy()
        manager.pages_open += 1  # pool refills wait until no page is being made
        try:
            await super().get(path)
        finally:
            manager.pages_open -= 1
            manager.last_page = time.monotonic()

    def should_use_rendered_notebook(self, *args) -> bool:
        # Only a started pool kernel; otherwise a fresh start, as without a pool.
        return self._pooled and super().should_use_rendered_notebook(*args)

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 503:
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(plain_page("munbook · busy", BUSY))
            return
        super().write_error(status_code, **kwargs)


class GraceShutdownHandler(VoilaShutdownKernelHandler):
    """Voilà's shutdown-on-close, a few seconds late: the page's last typing is saved first.

    A closed tab's keystrokes may still be on their way, and the workbook saves
    a second after the last one; shutting the kernel down at once would lose them.
    """

    @web.authenticated
    async def post(self, kernel_id: str) -> None:
        manager = self.kernel_manager
        if kernel_id not in manager:
            raise web.HTTPError(404)

        async def shutdown() -> None:
            if kernel_id in manager:
                await ensure_async(manager.shutdown_kernel(kernel_id))

        IOLoop.current().call_later(SHUTDOWN_GRACE, shutdown)
        self.set_status(204)
        self.finish()


class RequestInfoHandler(RequestInfoSocketHandler):
    """Voilà's socket that hands a preheated kernel its request, for that kernel only.

    Voilà (0.5) let anyone open it for any id, and its ``on_close`` deleted the newest
    waiter when the closing socket was not in its table (a second socket for the same
    id had replaced it): a stranger could take away a pool kernel's request for good.
    Here only the kernel itself may wait (it signs its id with its session key, which
    only it and this server hold), one socket per kernel, and a close removes its own
    entry alone. A request it could not hand over at once is forgotten once handed.
    """

    _kernel_id = ""

    def open(self, kernel_id: str) -> None:
        waiters = RequestInfoSocketHandler._waiters
        if not self._signed_by(kernel_id) or kernel_id in waiters:
            self.close(1008, "refused")
            return
        self._kernel_id = kernel_id
        super().open(kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)

    def _signed_by(self, kernel_id: str) -> bool:
        manager = self.settings["kernel_manager"]
        if kernel_id not in manager:
            return False
        key = manager.get_kernel(kernel_id).session.key
        return request_signature.matches(key, kernel_id, self.get_argument("sig", ""))

    def on_close(self) -> None:
        waiters = RequestInfoSocketHandler._waiters
        if self._kernel_id and waiters.get(self._kernel_id) is self:
            del waiters[self._kernel_id]


class ClosedHandler(SecureHeaders):
    """Routes Voilà offers that munbook closes: the tree listing, the contents API."""

    def prepare(self) -> None:
        if self.request.path.rstrip("/") in ("", "/voila"):
            if not self.settings["kernel_manager"].ready():  # HAProxy's health check
                self.set_status(503)
            self.finish(plain_page("munbook", "Open the link you were given with your code."))
            return
        self.set_status(404)
        self.finish(plain_page("Not found", "There is nothing here."))
