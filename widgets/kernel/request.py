"""A preheated kernel's wait for its request: Voilà's protocol, signed, with deadlines.

Voilà starts pool kernels before anyone asks; each waits on a websocket
(``/voila/query/<kernel id>``) until the server hands it a page's request (one
JSON object: the CGI variables, ``QUERY_STRING`` with its ``?code=``). The
kernel signs its id with its session key (``sign``), which only it and its
server hold, so nobody else can wait in its place (``serving.serve``'s
``RequestInfoHandler`` checks it). No wait is unbounded: each connection waits
``RECHECK_SECONDS`` and reconnects (a request handed over meanwhile waits in
the server's cache and comes at once), and a server that cannot be reached
for ``CONNECT_SECONDS`` leaves the page to ask for the code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from pathlib import Path

CONNECT_SECONDS = 5.0  # to reach the server's request socket
RECHECK_SECONDS = 10.0  # one wait on it, then a fresh connection
MAX_BYTES = 2**20  # a request's variables: a URL and a few headers


def sign(key: bytes, kernel_id: str) -> str:
    """The kernel's proof that it is ``kernel_id``'s: an HMAC of the id with its session key."""
    return hmac.new(key, f"voila-query:{kernel_id}".encode(), hashlib.sha256).hexdigest()


def matches(key: bytes, kernel_id: str, signature: str) -> bool:
    return bool(key) and hmac.compare_digest(sign(key, kernel_id), signature)


def preheated() -> bool:
    """True in a kernel Voilà started for its pool (before any request)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def session_key() -> bytes:
    """This kernel's session key, from its connection file (b'' outside a kernel)."""
    try:
        from ipykernel.connect import get_connection_file

        info = json.loads(Path(get_connection_file()).read_text(encoding="utf-8"))
    except (ImportError, RuntimeError, OSError, ValueError):
        return b""
    return str(info.get("key", "")).encode()


def wait_for_request() -> None:
    """Block until Voilà hands this preheated kernel a request; put its CGI variables in os.environ.

    The protocol of ``voila.utils.wait_for_request``, without importing
    ``voila.utils`` (about 47 MB more in every kernel). A kernel that was not
    preheated (``VOILA_PREHEAT`` unset or False) has them already.
    """
    if not preheated():
        return
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    url = f"ws://{host}:{port}{base}voila/query/{kernel_id}?sig={sign(session_key(), kernel_id)}"
    raw: str | None = ""
    while raw == "":  # connected, and nothing yet: still in the pool, wait again
        raw = one_wait(url)
    if raw is None:  # no request info: the page asks for the code instead
        return
    try:
        info = json.loads(raw)
    except ValueError:
        return
    if isinstance(info, dict):
        os.environ.update({str(k): str(v) for k, v in info.items()})


def one_wait(url: str) -> str | None:
    """One connection's wait: the request, '' if none came in ``RECHECK_SECONDS``, or None
    when the socket cannot be had for ``CONNECT_SECONDS`` (refused, or no server)."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    deadline = time.monotonic() + CONNECT_SECONDS
    while time.monotonic() < deadline:
        try:
            with connect(url, open_timeout=CONNECT_SECONDS, max_size=MAX_BYTES) as socket:
                try:
                    message = socket.recv(timeout=RECHECK_SECONDS)
                except TimeoutError:
                    return ""
        except (OSError, InvalidHandshake, ConnectionClosed):
            # Refused (this kernel's last socket is still closing), or no server yet.
            time.sleep(0.2)
            continue
        return message if isinstance(message, str) else message.decode("utf-8", "replace")
    return None
