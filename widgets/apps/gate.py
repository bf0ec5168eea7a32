"""The access-code gate in front of every app page.

The code comes from ``?code=`` (Voilà hands the query string to the kernel as
``QUERY_STRING``) or from the code box (``code_field``: Enter submits, Show shows it). Wrong codes are remembered in the
store per client address (``munbook serve`` hands it to the kernel as
``HTTP_X_MUNBOOK_CLIENT``), so 30 pages opened at once, on any worker, get no
more tries than one page; the wait is a time before which tries are refused
(the kernel never sleeps). A code longer than ``MAX_CODE_CHARS`` is refused
before any work. A page
whose gate stays shut for ``settings.gate_timeout()`` seconds asks the server
to shut its kernel down, so strangers cannot hold kernels.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import os
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from .. import settings
from ..core.access import MAX_CODE_CHARS
from ..kernel import guard, priority
from ..store import now
from ..store.records import FAILURE_WINDOW
from .code_field import CodeField
from .html import shows_errors, stylesheet

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

FREE_TRIES = 3
MAX_DELAY = 30.0
WINDOW = FAILURE_WINDOW
DENIED = "That code does not open this page. Check it, or ask your advisor for yours."
TOO_LONG = f"An access code has at most {MAX_CODE_CHARS} characters. Check the code you were given."
CLIENT_ENV = "HTTP_X_MUNBOOK_CLIENT"  # the client's address, from munbook serve (never the browser)


def failure_scope() -> str:
    """The store's key for this client's wrong codes: its address, whatever the page
    (an IPv6 client by its /64, which one household or school network holds)."""
    address = os.environ.get(CLIENT_ENV, "").strip()[:64]
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return f"client:{address or 'unknown'}"


def code_from_url() -> str:
    """The ``code`` query parameter of the page, or ''."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("code")
    return values[0] if values else ""


def delay_after(failures: int) -> float:
    """Seconds before the next try, given earlier wrong codes in the window."""
    if failures < FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES), MAX_DELAY)


def _later(seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle | None:
    """Run ``callback`` on the kernel's event loop after ``seconds`` (None in a plain script)."""
    try:
        return asyncio.get_event_loop().call_later(seconds, callback)
    except RuntimeError:
        return None


def _kernel_id() -> str:
    """This kernel's id (from its connection file name), or '' outside a kernel."""
    try:
        from ipykernel.connect import get_connection_file

        stem = Path(get_connection_file()).stem
    except (ImportError, RuntimeError):
        return ""
    return stem.removeprefix("kernel-") if stem.startswith("kernel-") else ""


def free_kernel() -> bool:
    """Ask the ``munbook serve`` that started this kernel to shut it down.

    The server puts its own address in ``$MUNBOOK_SERVER_URL`` (never the
    request's Host header). Voilà's shutdown route wants an XSRF token: a
    matching cookie and form field, which any client may choose.
    """
    server, kernel = os.environ.get("MUNBOOK_SERVER_URL", ""), _kernel_id()
    if not server or not kernel:
        return False
    token = secrets.token_hex(16)
    request = urllib.request.Request(
        f"{server.rstrip('/')}/voila/api/shutdown/{kernel}",
        data=urlencode({"_xsrf": token}).encode(),
        headers={"Cookie": f"_xsrf={token}"},
        method="POST",
    )

    def post() -> None:
        # If the server cannot be reached, its idle culling frees the kernel later.
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=30).close()

    # A thread: the server's shutdown talks to this kernel while the request is open.
    threading.Thread(target=post, daemon=True).start()
    return True


Grant = TypeVar("Grant")  # what a right code opens: a delegation, a committee, a staff grant


class CodeGate(w.VBox, Generic[Grant]):
    """Shows a code box; replaces itself with ``open_page(grant)`` once ``check`` grants.

    ``check(code)`` returns something truthy (what the code opens) or a falsy value.
    """

    def __init__(
        self,
        title: str,
        check: Callable[[str], Grant | None],
        open_page: Callable[[Grant], w.Widget],
        store: StoreContract,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._check, self._open, self._store = check, open_page, store
        self._scope = failure_scope()
        self._mine: list[datetime] = []  # when this page recorded its wrong codes
        self._clock, self._not_before, self.opened, self.expired = clock, 0.0, False, False
        self.timeout = settings.gate_timeout()
        self.code = CodeField(placeholder="e.g. K7QX-M2PA-ZT9C")
        self.code.on_submit(self.try_code)  # Enter in the box
        self.button = w.Button(description="Open", button_style="primary")
        self.message = w.HTML()
        self.button.on_click(lambda _: self.try_code(self.code.value))
        intro = w.HTML(
            f"<h1 class='mb-title'>{title}</h1>"
            "<p>Type the access code you were given, then press Enter or <b>Open</b>. "
            "<b>Show</b> lets you check what you typed. If no code is entered within "
            f"{_duration(self.timeout)}, this page closes; reload it to start again.</p>"
        )
        row = w.HBox([self.code, self.button], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([intro, row, self.message, stylesheet()])
        self.add_class("mb-gate")
        self._timers = [_later(self.timeout, self.expire)]
        from_url = code_from_url()
        if from_url:
            self.try_code(from_url)

    @shows_errors("message")  # a store or page that fails says so, never a blank page
    def try_code(self, code: str) -> bool:
        """Open the page if ``code`` is right; otherwise say so and when to try again."""
        if self.expired:
            return False
        if len(code) > MAX_CODE_CHARS:  # before any other work: no strip, no store, no hash
            self.code.value = ""
            self._say(TOO_LONG)
            return False
        code = code.strip()
        if not code:
            self._say("Please enter your access code.")
            return False
        wait = max(self._not_before - self._clock(), self._shared_wait())
        if wait > 0:
            self._say(f"{DENIED} Too many wrong codes: try again in {math.ceil(wait)} s.")
            return False
        grant = self._check(code)
        if grant:
            self._cancel_timers()
            self.opened = True
            guard.opened()  # the page's own limits apply from here
            self.children = [self._open(grant)]
            priority.settle()  # the page is built: from now on the kernel answers its user
            return True
        failures = self._store.failures_since(self._scope, now() - WINDOW)
        self._store.record_failure(self._scope, keep=WINDOW)
        self._mine.append(now())
        self.code.value = ""
        delay = delay_after(failures + 1)
        if delay:
            self._not_before = self._clock() + delay
            self.button.disabled = True
            self._timers.append(_later(delay, self._unlock))
            self._say(f"{DENIED} Too many wrong codes: try again in {delay:.0f} s.")
        else:
            self._say(DENIED)
        return False

    def _shared_wait(self) -> float:
        """Seconds this client must still wait after wrong codes on any page or worker.

        The wait counts from its latest wrong code; the store keeps times, so this
        asks whether there was one within the delay its count earns.
        """
        at = now()
        delay = delay_after(self._store.failures_since(self._scope, at - WINDOW))
        if not delay:
            return 0.0
        since = at - timedelta(seconds=delay)
        mine = sum(1 for t in self._mine if t >= since)  # this page's own: its clock decides
        return delay if self._store.failures_since(self._scope, since) > mine else 0.0

    def _unlock(self) -> None:
        if not self.expired:
            self.button.disabled = False
            self._say(f"{DENIED} You can try again now.")

    def expire(self) -> None:
        """No right code in time: say so, close the box and free the kernel."""
        if self.opened or self.expired:
            return
        self.expired = True
        self.code.disabled = self.button.disabled = True
        self._say(
            f"This page waited {_duration(self.timeout)} for a code and has closed. "
            "Reload the page to try again."
        )
        # A moment for that message to reach the browser before the kernel goes.
        self._timers.append(_later(1.0, free_kernel))

    def _say(self, text: str) -> None:
        self.message.value = f"<span class='mb-denied mb-bad'>{text}</span>"

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            if timer is not None:
                timer.cancel()
        self._timers = []


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:.0f} seconds"
