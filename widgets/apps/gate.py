"""The access-code gate in front of every app page.

The code comes from ``?code=`` (Voilà hands the query string to the kernel as
``QUERY_STRING``) or from the password box. Wrong codes are remembered in the
store per target, so guessing slows down even across page reloads.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs

import ipywidgets as w

from ..store import Store, now
from .html import shows_errors, stylesheet

FREE_TRIES = 3
MAX_DELAY = 30.0
WINDOW = timedelta(minutes=15)


def code_from_url() -> str:
    """The ``code`` query parameter of the page, or ''."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("code")
    return values[0] if values else ""


def delay_after(failures: int) -> float:
    """Seconds to wait before answering, given earlier wrong codes in the window."""
    if failures < FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES), MAX_DELAY)


class CodeGate(w.VBox):
    """Shows a code box; replaces itself with ``open_page(grant)`` once ``check`` grants.

    ``check(code)`` returns something truthy (what the code opens) or a falsy value.
    """

    def __init__(
        self,
        title: str,
        check: Callable[[str], object],
        open_page: Callable[[object], w.Widget],
        scope: str,
        store: Store,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._check, self._open, self._scope, self._store = check, open_page, scope, store
        self._sleep = sleep
        self.code = w.Password(placeholder="e.g. K7QX-M2PA-ZT9C", layout=w.Layout(width="16em"))
        self.button = w.Button(description="Open", button_style="primary")
        self.message = w.HTML()
        self.button.on_click(lambda _: self.try_code(self.code.value))
        intro = w.HTML(
            f"<h2 class='mb-title'>{title}</h2><p>Enter the access code you were given.</p>"
        )
        super().__init__([intro, w.HBox([self.code, self.button]), self.message, stylesheet()])
        self.add_class("mb-gate")
        from_url = code_from_url()
        if from_url:
            self.try_code(from_url)

    @shows_errors("message")  # a store or page that fails says so, never a blank page
    def try_code(self, code: str) -> bool:
        """Open the page if ``code`` is right; otherwise say so, after the delay."""
        code = code.strip()
        if not code:
            self.message.value = "<span class='mb-bad'>Please enter your access code.</span>"
            return False
        grant = self._check(code)
        if grant:
            self.children = [self._open(grant)]
            return True
        failures = self._store.failures_since(self._scope, now() - WINDOW)
        self._store.record_failure(self._scope)
        self.button.disabled = True
        self._sleep(delay_after(failures))
        self.button.disabled = False
        self.code.value = ""
        self.message.value = (
            "<span class='mb-denied mb-bad'>That code does not open this page. "
            "Check it, or ask your advisor for yours.</span>"
        )
        return False
