"""What a served kernel takes from its page: bounded before the gate opens, never a traceback.

A served page's browser only ever answers the kernel's widgets: it opens one comm
of its own (``jupyter.widget.control``, to ask for every widget's state) and sends
updates to widgets the kernel made. So a served kernel refuses every other
``comm_open`` (a stranger's 5 MB widget states would otherwise stay in its memory),
and until a gate opens (``opened``) takes at most ``PREGATE_MESSAGES`` comm messages
of at most ``PREGATE_BYTES`` each. A message that fails, and any traceback,
is logged to the server's log (the kernel's real stderr), never streamed to the page.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from .. import upstream

PAGE_TARGETS = frozenset({"jupyter.widget.control"})  # comms a served page may open
PREGATE_MESSAGES = 200  # comm messages before the code: a gate needs a handful
PREGATE_BYTES = 4096  # one such message, JSON and buffers: a code is at most 64 characters

log = logging.getLogger("munbook.kernel")
_state = {"open": False, "seen": 0, "dropped": 0}

Handler = Callable[[Any, Any, dict[str, Any]], Any]


def opened() -> None:
    """A gate let its person in: from now on the page's own limits apply."""
    _state["open"] = True


def is_open() -> bool:
    return bool(_state["open"])


def server_log() -> None:
    """Send this kernel's log lines to its real stderr (the server's log), not to the page.

    ipykernel replaces ``sys.stderr`` with a stream to the page; Python's last-resort
    handler writes to whatever ``sys.stderr`` is, so a library's logged traceback
    reached the browser.
    """
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[kernel %(levelname)s %(name)s] %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


def size(msg: dict[str, Any]) -> int:
    """Bytes of a message's content and buffers, as the page sent them (near enough)."""
    buffers = sum(len(memoryview(b).cast("B")) for b in msg.get("buffers") or ())
    return len(json.dumps(msg.get("content", {}), default=str)) + buffers


def admitted(msg: dict[str, Any]) -> bool:
    """Whether a comm message from the page may reach its comm."""
    msg_type = msg.get("header", {}).get("msg_type")
    content = msg.get("content") or {}
    if msg_type == "comm_open" and content.get("target_name") not in PAGE_TARGETS:
        return _drop("a comm the page may not open", content.get("target_name"))
    if is_open():
        return True
    _state["seen"] += 1
    if _state["seen"] > PREGATE_MESSAGES:
        return _drop(f"more than {PREGATE_MESSAGES} messages before the code", msg_type)
    if (n := size(msg)) > PREGATE_BYTES:
        return _drop(f"{n} bytes before the code (at most {PREGATE_BYTES})", msg_type)
    return True


def _drop(why: str, what: object) -> bool:
    _state["dropped"] += 1
    if _state["dropped"] <= 3 or _state["dropped"] % 1000 == 0:  # a flood is one line, not many
        shown = repr(what)[:80]  # the stranger chose it: bounded, one line
        log.warning("refused a page message (%s): %s; %d refused", why, shown, _state["dropped"])
    return False


def guarded(handler: Handler) -> Handler:
    """``handler`` behind ``admitted``, its errors logged and never sent to the page."""

    def guard(stream: Any, ident: Any, msg: dict[str, Any]) -> Any:
        if not admitted(msg):
            return None
        try:
            return handler(stream, ident, msg)
        except Exception:
            log.warning("a page message failed", exc_info=True)
            return None

    guard.__wrapped__ = handler  # type: ignore[attr-defined]
    return guard


def install(kernel: Any) -> None:
    """Guard the kernel's comm handlers (ipykernel's ``shell_handlers`` table), and send
    its tracebacks to the server's log: ipywidgets shows a widget's failed update with
    the shell's ``showtraceback``, which streams it to the page."""
    server_log()
    for msg_type in ("comm_open", "comm_msg", "comm_close"):
        handler = kernel.shell_handlers[msg_type]
        upstream.replace(f"comm.base_comm:CommManager.{msg_type}", guarded(handler),
                         on=kernel.shell_handlers)  # fmt: skip
    if getattr(kernel, "shell", None) is not None:
        upstream.replace("IPython.core.interactiveshell:InteractiveShell.showtraceback",
                         logged_traceback, on=kernel.shell)  # fmt: skip


def logged_traceback(*args: Any, **kwargs: Any) -> None:
    log.warning("an error in the served kernel", exc_info=True)
