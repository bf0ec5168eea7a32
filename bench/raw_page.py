"""One page through Voilà's real protocol (page GET, kernel websocket, JSON messages), from a
chosen loopback source address: what a stranger's script sends, with nothing of a browser."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import time
import uuid
from urllib.parse import quote

import psutil
from websockets.sync.client import connect

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')


class RawPage:
    """One page through the real protocol, from a chosen loopback source address."""

    def __init__(self, base: str, path: str, code: str = "", source: str = "127.0.0.1"):
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=300, source_address=(source, 0))
        conn.request("GET", f"/voila/render/{path}" + (f"?code={quote(code)}" if code else ""))
        response = conn.getresponse()
        self.status, self.headers, body = (
            response.status,
            dict(response.getheaders()),
            response.read(),
        )
        conn.close()
        self.kernel_id = KERNEL_ID.search(body.decode())[1]
        self.base, self.source = base, source
        self.reconnect()

    def reconnect(self) -> None:
        """A new kernel websocket for the same page (a reload of the socket, not the page)."""
        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{self.kernel_id}/channels"
        self.sockets = getattr(self, "sockets", None) or contextlib.ExitStack()
        socket = connect(f"{url}?session_id={uuid.uuid4().hex}", max_size=2**26,
                         source_address=(self.source, 0))  # fmt: skip
        self.ws = self.sockets.enter_context(socket)
        self.received: list[dict] = []

    def send(self, msg_type: str, content: dict, metadata: dict | None = None, buffers=()) -> None:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "t",
                  "username": "t", "version": "5.3"}  # fmt: skip
        msg = {"header": header, "parent_header": {}, "metadata": metadata or {},
               "content": content, "channel": "shell", "buffers": list(buffers)}  # fmt: skip
        self.ws.send(json.dumps(msg))

    def read(self, seconds: float) -> list[dict]:
        """Every message for ``seconds`` (or until the socket closes)."""
        from websockets.exceptions import ConnectionClosed

        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = self.ws.recv(timeout=left)
            except (TimeoutError, ConnectionClosed):
                break
            if isinstance(frame, str):
                self.received.append(json.loads(frame))
        return self.received

    def states(self) -> dict[str, dict]:
        """What ipywidgets' manager asks for when a page opens: every widget's state."""
        control = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                "data": {}}, {"version": "1.0.0"})  # fmt: skip
        self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for msg in self.read(1):
                data = msg.get("content", {}).get("data", {})
                if isinstance(data, dict) and data.get("method") == "update_states":
                    return {k: v["state"] for k, v in data["states"].items()}
        raise AssertionError("the kernel sent no widget states")

    def close(self) -> None:
        self.sockets.close()


def kernel_rss(server_pid: int, kernel_id: str) -> int:
    """Resident bytes of the kernel ``kernel_id`` that the server ``server_pid`` started."""
    for child in psutil.Process(server_pid).children(recursive=True):
        if any(kernel_id in part for part in child.cmdline()):
            return child.memory_info().rss
    raise AssertionError(f"no kernel process for {kernel_id}")
