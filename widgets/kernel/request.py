"""A preheated kernel's wait for its request: Voilà's protocol, signed, with deadlines.

Voilà starts pool kernels before anyone asks; each waits on a websocket
(``/voila/query/<kernel id>``) until the server hands it a page's request (one
JSON object: the CGI variables, ``QUERY_STRING`` with its ``?code=``). The
kernel signs its id with its session key (``sign``), which only it and its
server hold, so nobody else can wait in its place (``serving.serve``'s
``RequestInfoHandler`` checks it, and keeps each waiter's entry its own). The
socket is pinged every ``PING_SECONDS``: a server that has gone is noticed within
twice that, and one that cannot be reached for ``CONNECT_SECONDS`` leaves the
page to ask for the code. (One socket for the whole wait: a reconnect could
close just as the server hands the request over.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from pathlib import Path

CONNECT_SECONDS = 5.0  # to reach the server's request socket
PING_SECONDS = 20.0  # keepalive on the waiting socket
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
    """The request, or None when the socket cannot be had for ``CONNECT_SECONDS`` (refused,
    or no server) or the server goes away while this kernel waits."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    deadline = time.monotonic() + CONNECT_SECONDS
    while time.monotonic() < deadline:
        try:
            with connect(
                url,
                open_timeout=CONNECT_SECONDS,
                max_size=MAX_BYTES,
                ping_interval=PING_SECONDS,
                ping_timeout=PING_SECONDS,
            ) as socket:
                deadline = float("inf")  # connected: wait as long as the pool keeps it
                message = socket.recv()
        except (OSError, InvalidHandshake, ConnectionClosed):
            if deadline == float("inf"):
                return None  # the server went away
            time.sleep(0.2)  # refused (this kernel's last socket is closing), or no server yet
            continue
        return message if isinstance(message, str) else message.decode("utf-8", "replace")
    return None
