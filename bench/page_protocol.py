"""The served page's protocol, as chromium speaks it: one simulated delegate's page.

``open_workbook`` GETs the workbook page with its code, reads the kernel id,
opens the kernel websocket (Jupyter's v1 binary protocol, or JSON) and loads the
widgets as ipywidgets' manager does; ``Page`` then types into a box with widget
``update`` messages under ipywidgets' own throttle and follows the status line
("Saving…", "All changes saved"). Used by ``bench/loadgen.py`` and the tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')

SAVED = "All changes saved"

SAVING = "Saving…"

RECONNECTING = "Reconnecting to the store"  # the status line while the store does not answer

AUTOSAVE_DELAY = 1.0  # widgets.apps.workbook.SAVE_DELAY: the page saves this long after a change

OPEN_SECONDS = 300  # a page (and its kernel start) slower than this counts as failed

SECTION_CLASS = re.compile(r"^mb-section-(\w+)-(\w+)$")

V1 = "v1.kernel.websocket.jupyter.org"  # Jupyter's binary websocket protocol, chromium's choice

# LOADGEN_PROTOCOL=json: the legacy JSON protocol, which the server decodes and re-encodes.
PROTOCOL = os.environ.get("LOADGEN_PROTOCOL", "v1")


@dataclass
class Delegate:
    country: str
    committee: str
    code: str
    path: str  # the workbook, relative to Voilà's root
    delegation_id: int


@dataclass
class Outcome:
    delegate: Delegate
    open_seconds: float | None = None  # GET until the sections are editable
    latencies: list[float] = field(default_factory=list)  # update sent -> "All changes saved"
    saves: list[float] = field(default_factory=list)  # "Saving…" -> saved, less the delay
    # Each save's time in the kernel ("Saving…" sent -> "All changes saved" sent, less the
    # delay) and on the way back (sent -> here), from the kernel's message dates.
    save_parts: list[tuple[float, float]] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # section key -> text sent
    kernel_id: str = ""
    memory_kb: tuple[int, int] | None = None  # (RSS, PSS) of its kernel
    error: str = ""
    # When its worker dies (run_delegate_reopening): when the page lost its kernel, when a
    # save was acknowledged again after reopening, and acknowledged texts the reopened page lacked.
    failed_at: list[float] = field(default_factory=list)
    writing_again_at: list[float] = field(default_factory=list)
    lost_on_reopen: int = 0
    # Each reopen's timeline (time.monotonic()): cut off, GET sent, page answered, widget
    # states in, first save acknowledged; the worker that answered (the proxy's cookie) and
    # when its kernel process started (before the GET: a preheated kernel from the pool).
    reopens: list[dict] = field(default_factory=list)
    v1: bool = False  # spoke the v1 (binary) websocket protocol
    # When the page said "Reconnecting to the store" (the store away), and every save it
    # acknowledged (time.monotonic()).
    reconnecting: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)


def envelope(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    """A Jupyter message to the kernel's shell channel, as a dict."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "loadgen",
        "version": "5.3",
        "date": datetime.now(UTC).isoformat(),
    }
    return {
        "header": header,
        "parent_header": {},
        "metadata": metadata or {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


def message_v1(msg: dict) -> bytes:
    """A message in the v1 websocket protocol (binary, parts kept as JSON bytes), as
    JupyterLab's services (Voilà's page in chromium) send it: the server relays it as is."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    return serialize_msg_to_ws_v1(msg, msg["channel"], pack=lambda part: json.dumps(part).encode())


def decode_v1(frame: bytes) -> dict:
    """A v1 message from the websocket: header and content read back."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    _channel, parts = deserialize_msg_from_ws_v1(frame)
    header = json.loads(parts[0])
    return {
        "header": header,
        "msg_type": header["msg_type"],
        "parent_header": json.loads(parts[1]),
        "content": json.loads(parts[3]),
    }


def decode(frame: str | bytes) -> dict:
    """A message from the websocket: JSON text, or the binary form when it carries buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


class PageClosed(Exception):
    """The page's kernel websocket closed while the delegate was writing."""


class Page:
    """One delegate's open page: its kernel websocket and the widget states it learnt.

    Typing follows ipywidgets' own throttle, as chromium runs it: one update per
    widget in flight; what is typed meanwhile waits, merged, until the kernel says
    it is idle after that update, then goes as one update.
    """

    def __init__(self, ws, session: str):
        self.ws, self.session = ws, session
        # The v1 protocol is what chromium speaks when the server offers it.
        self.v1 = getattr(ws, "selected_subprotocol", None) == V1
        self.states: dict[str, dict] = {}
        self.got_states = asyncio.Event()
        self.saved = asyncio.Event()
        self.status_id = ""
        # Typed and not yet known saved: [typed at, model id, value, msg id, applied]. A save
        # covers an update only if the kernel had finished it (its idle status came first).
        self.unsaved: list[list] = []
        self.in_flight: dict[str, str] = {}  # model id -> msg id of its update in flight
        self.waiting: dict[str, tuple[float, str]] = {}  # model id -> (first typed at, value)
        self.latencies: list[float] = []
        self.saving_at: float | None = None
        self.saving_sent: float | None = None  # the kernel's date on "Saving…"
        self.saves: list[float] = []
        self.save_parts: list[tuple[float, float]] = []
        self.acked: dict[str, str] = {}  # model id -> the last value the page said was saved
        self.first_ack: float | None = None
        self.ack_times: list[float] = []  # every "All changes saved"
        self.reconnecting: list[float] = []  # every "Reconnecting to the store"
        self.closed = asyncio.Event()  # the websocket closed (its server or worker went away)
        self.kernel_id, self.reader = "", None
        self.answered_at = self.states_at = 0.0  # the page's HTML in; the widget states in

    async def read(self) -> None:
        try:
            while (frame := await self.ws.read_message()) is not None:
                msg = decode_v1(frame) if self.v1 else decode(frame)
                kind = msg.get("msg_type", msg.get("header", {}).get("msg_type"))
                if kind == "comm_msg":
                    self.on_comm(msg["content"], msg.get("header", {}))
                elif kind == "status" and msg["content"].get("execution_state") == "idle":
                    await self.on_idle(msg.get("parent_header", {}).get("msg_id"))
        finally:
            self.closed.set()

    def close(self) -> None:
        self.ws.close()
        if self.reader:
            self.reader.cancel()

    def on_comm(self, content: dict, header: dict) -> None:
        data = content.get("data", {})
        if data.get("method") == "update_states":
            self.states = {k: v["state"] for k, v in data["states"].items()}
            self.status_id = next(
                # The status line is a span of class mb-status (the stylesheet widget names it too).
                (
                    k
                    for k, s in self.states.items()
                    if "class='mb-status" in str(s.get("value", ""))
                ),
                "",
            )
            self.got_states.set()
        elif data.get("method") == "update" and content.get("comm_id") == self.status_id:
            value = str(data.get("state", {}).get("value", ""))
            if RECONNECTING in value:
                self.reconnecting.append(time.monotonic())
            if SAVING in value and self.saving_at is None:
                self.saving_at = time.monotonic()  # the kernel's autosave timer starts now
                self.saving_sent = _sent(header)
            if SAVED in value:
                if self.saving_sent and (sent := _sent(header)):
                    kernel = max(0.0, sent - self.saving_sent - AUTOSAVE_DELAY)
                    self.save_parts.append((kernel, max(0.0, time.time() - sent)))
                self.saving_sent = None
                self.on_saved(time.monotonic())

    def on_saved(self, now: float) -> None:
        """ "All changes saved": every update the kernel had finished is in the store."""
        self.ack_times.append(now)
        if self.saving_at is not None:
            self.saves.append(max(0.0, now - self.saving_at - AUTOSAVE_DELAY))
            self.saving_at = None
        applied = [entry for entry in self.unsaved if entry[4]]
        self.latencies += [now - typed_at for typed_at, *_ in applied]
        for _, model_id, value, *_ in applied:
            self.acked[model_id] = value
            self.first_ack = self.first_ack or now
        self.unsaved = [entry for entry in self.unsaved if not entry[4]]
        if not self.unsaved and not self.waiting:
            self.saved.set()

    async def on_idle(self, msg_id: str | None) -> None:
        """The kernel finished a message: an update of ours is applied; send what waited."""
        for entry in self.unsaved:
            if entry[3] == msg_id:
                entry[4] = True
        done = [model for model, sent in self.in_flight.items() if sent == msg_id]
        for model_id in done:
            del self.in_flight[model_id]
            if model_id in self.waiting:
                typed_at, value = self.waiting.pop(model_id)
                await self._send_update(model_id, value, typed_at)

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        """Send a shell message; its msg id."""
        msg = envelope(msg_type, content, self.session, metadata)
        if self.v1:
            await self.ws.write_message(message_v1(msg), binary=True)
        else:
            await self.ws.write_message(json.dumps(msg))
        return msg["header"]["msg_id"]

    async def load_widgets(self) -> None:
        """What ipywidgets' manager does when a page opens: ask the kernel for every state."""
        await self.send("comm_info_request", {"target_name": "jupyter.widget"})
        control = uuid.uuid4().hex
        await self.send(
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},
        )
        await self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        await self.until(self.got_states, OPEN_SECONDS)

    async def until(self, event: asyncio.Event, seconds: float) -> None:
        """Wait for ``event``; PageClosed if the websocket closes first, TimeoutError after."""
        waits = [asyncio.ensure_future(e.wait()) for e in (event, self.closed)]
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        if not event.is_set():
            raise PageClosed if self.closed.is_set() else TimeoutError(f"nothing in {seconds} s")

    def sections(self) -> dict[str, str]:
        """Section key (``A.background``) -> the Textarea's model id."""
        found = {}
        for model_id, state in self.states.items():
            for css in state.get("_dom_classes", []):
                if match := SECTION_CLASS.match(css):
                    found[f"{match[1]}.{match[2]}"] = model_id
        return found

    async def type(self, model_id: str, value: str) -> None:
        """The box's whole text after a keystroke (or a few): sent, or kept until idle."""
        self.saved.clear()
        if model_id in self.in_flight:  # chromium's throttle: merged into the waiting update
            typed_at = self.waiting.get(model_id, (time.monotonic(), ""))[0]
            self.waiting[model_id] = (typed_at, value)
            return
        await self._send_update(model_id, value, time.monotonic())

    async def _send_update(self, model_id: str, value: str, typed_at: float) -> None:
        data = {"method": "update", "state": {"value": value}, "buffer_paths": []}
        msg_id = await self.send("comm_msg", {"comm_id": model_id, "data": data})
        self.in_flight[model_id] = msg_id
        self.unsaved.append([typed_at, model_id, value, msg_id, False])


def _sent(header: dict) -> float | None:
    """When the kernel sent a message (its header's date), in seconds since the epoch."""
    try:
        return datetime.fromisoformat(header["date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


def words(n: int, seed: str) -> str:
    """Deterministic text with accents and a non-Latin word, so encoding is exercised too."""
    vocab = ["police", "médicaments", "Lyon", "cyber", "AFRIPOL", "警察", "réseau", "data"]
    return " ".join(f"{vocab[(i * 7 + len(seed)) % len(vocab)]}{i}" for i in range(n))


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    """Keep the cookies a response sets (the proxy's worker cookie), as a browser does."""
    for line in headers.get_list("Set-Cookie") if headers else []:
        name, _, value = line.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}


async def open_workbook(base: str, who: Delegate, jar: dict[str, str] | None = None) -> Page:
    """GET the page with its code, open its kernel websocket, load its widgets.

    ``jar`` carries cookies from the page to the websocket (and to a reopened page),
    so behind ``serve --workers`` both reach the worker that holds the kernel.
    """
    jar = {} if jar is None else jar
    url = f"{base}/voila/render/{quote(who.path)}?code={quote(who.code)}"
    page = await AsyncHTTPClient().fetch(
        HTTPRequest(url, headers=_cookies(None, jar) or None, request_timeout=OPEN_SECONDS)
    )
    answered_at = time.monotonic()
    kernel_id = KERNEL_ID.search(page.body.decode())[1]
    ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    session = uuid.uuid4().hex
    request = HTTPRequest(f"{ws_url}?session_id={session}", headers=_cookies(page.headers, jar))
    ws = await websocket_connect(
        request, max_message_size=2**26, subprotocols=[V1] if PROTOCOL == "v1" else None
    )
    client = Page(ws, session)
    client.kernel_id, client.answered_at = kernel_id, answered_at
    client.reader = asyncio.ensure_future(client.read())
    await client.load_widgets()
    client.states_at = time.monotonic()
    return client
