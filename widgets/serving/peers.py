"""The workers of one ``serve --workers``: their ports, who is up, and pages moved between them.

HAProxy sends a page to the worker its cookie names, or to another when that one is
down, and passes the name on (``MOVED_HEADER``). Anyone can send any cookie, so a
page counts as moved (and may take the spare kernels kept for a dead worker's
delegates) only when the name is one of this server's peers and that peer does not
answer its health check, as HAProxy saw it.
"""

from __future__ import annotations

import os
import socket
import urllib.request

from .kernel_cap import NAME_ENV

MOVED_HEADER = "X-Munbook-Worker"
PEERS_ENV = "MUNBOOK_WORKER_PEERS"  # every worker's name=host:port (serve --workers)
PEER_TIMEOUT = 0.5  # seconds for a peer's health check: a live one on loopback answers at once


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def loopback(host: str) -> str:
    return {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether a server's health check (``GET /``) says 200: up and ready for pages."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def peers() -> dict[str, str]:
    """The workers of this ``serve --workers`` by name, as base URLs (``$MUNBOOK_WORKER_PEERS``)."""
    found = {}
    for item in os.environ.get(PEERS_ENV, "").split(","):
        name, _, address = item.partition("=")
        if name and address:
            found[name] = f"http://{address}"
    return found


def moved(headers) -> bool:
    """True for a page HAProxy moved here from another worker that is down now.

    Without a name (a plain ``munbook serve``) no page is moved; a made-up name or a
    live worker's name (HAProxy would have sent the page there) is not either.
    """
    here = os.environ.get(NAME_ENV, "")
    came = headers.get(MOVED_HEADER, "").strip()
    if not (here and came and came != here):
        return False
    peer = peers().get(came)
    return peer is not None and not answers(f"{peer}/", PEER_TIMEOUT)
