"""A stranger against ``munbook serve``, through Voilà's real protocol (page GET, kernel
websocket, widget comm messages): nothing they send fills a kernel, reaches the page as a
traceback, lands a code in the log, spreads the wrong-code back-off or loads from outside."""

from __future__ import annotations

import contextlib
import http.client
import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CHROMIUM, Served

from widgets import settings
from widgets.apps.gate import DENIED, FREE_TRIES, TOO_LONG
from widgets.core import access
from widgets.kernel import guard
from widgets.store import Store, now

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from attacks import html_state
from raw_page import RawPage, kernel_rss

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"


def texts(states: dict) -> str:
    return " ".join(str(s.get("value", "")) for s in states.values())


@pytest.fixture
def server(home: Path, demo_home, tmp_path: Path, monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    monkeypatch.setenv("MUNBOOK_POOL", "0")
    served = Served(home, tmp_path / "serve.log")
    served.start()
    yield served
    served.kill()


def test_a_flood_of_widget_states_before_the_code_leaves_the_kernel_as_it_was(server: Served):
    page = RawPage(server.base, KENYA)
    page.states()
    before = kernel_rss(server.process.pid, page.kernel_id)
    blob = "x" * 2**20  # 1 MB of HTML state, 30 times: a stranger's widgets
    for _ in range(30):
        page.send("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                                "data": {"state": html_state(blob),
                                         "buffer_paths": []}},
                  {"version": "2.1.0"})  # fmt: skip
    # One message past the server's limit closes the socket; the kernel is not reached.
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed, OSError):  # the server may close mid-send
        page.send("comm_msg", {"comm_id": "x", "data": {"value": "y" * settings.MAX_MESSAGE_BYTES}})
        page.read(5)
    assert page.ws.close_code is not None  # closed: 1009 "message too big" (or reset mid-send)
    page.reconnect()
    states = page.states()  # the kernel still answers, and holds none of the stranger's widgets
    assert not any(s.get("value") == blob for s in states.values())
    grown = kernel_rss(server.process.pid, page.kernel_id) - before
    assert grown < 20 * 2**20, f"the kernel grew by {grown / 2**20:.0f} MB"
    assert "refused a page message (a comm the page may not open)" in server.log.read_text()
    page.close()


def test_messages_before_the_code_are_bounded_in_count_and_size(server: Served):
    page = RawPage(server.base, KENYA)
    states = page.states()
    code_box = next(k for k, s in states.items() if "CodeField" in s.get("_anywidget_id", ""))
    big = "K" * (guard.PREGATE_BYTES + 1)
    page.send("comm_msg", {"comm_id": code_box,
                           "data": {"method": "update", "state": {"value": big},
                                    "buffer_paths": []}})  # fmt: skip
    page.read(2)
    assert not any(s.get("value") == big for s in page.states().values())  # never applied
    log = server.log.read_text()
    assert f"bytes before the code (at most {guard.PREGATE_BYTES})" in log
    page.close()


def test_a_malformed_comm_message_streams_no_traceback(server: Served):
    page = RawPage(server.base, KENYA)
    states = page.states()
    code_box = next(k for k, s in states.items() if "CodeField" in s.get("_anywidget_id", ""))
    page.received.clear()
    page.send("comm_open", {"comm_id": "a", "target_name": "jupyter.widget.control", "data": {}})
    page.send("comm_open", {"comm_id": "b", "target_name": "no.such.target", "data": {}})
    page.send("comm_msg", {"comm_id": "a", "data": {"method": "no-such-method", "x": [1]}})
    page.send("comm_msg", {"data": "not even a comm id"})
    # A value of the wrong type: ipywidgets shows the trait error with the shell's traceback.
    page.send("comm_msg", {"comm_id": code_box, "data": {"method": "update",
                           "state": {"value": 5}, "buffer_paths": []}})  # fmt: skip
    page.states()  # answered after every message above was handled
    seen = json.dumps(page.received)
    for trace in ("Traceback", "site-packages", 'File \\"', "TraitError", '"error"'):
        assert trace not in seen, f"the page got {trace!r}"
    assert "an error in the served kernel" in server.log.read_text()
    page.close()


@pytest.mark.parametrize("path", [KENYA, "apps/chair.ipynb", "apps/advisor.ipynb", "open.ipynb"])
def test_every_gate_refuses_a_code_past_its_length_before_any_work(server: Served, path, home):
    page = RawPage(server.base, path, code="A" * (access.MAX_CODE_CHARS + 1))
    assert TOO_LONG in texts(page.states())
    assert Store().failures_since("client:127.0.0.1", now() - timedelta(hours=1)) == 0
    page.close()


def test_no_code_reaches_the_server_log(server: Served):
    code = "AAAA-LOG2-TEST"
    host, port = server.base.removeprefix("http://").split(":")
    asked = {
        404: f"/voila/render/workbooks/interpol/kenyaa.ipynb?code={code}",
        403: f"/voila/files/x.ipynb?code={code}",
        500: f"/voila/templates/?code={code}",
    }
    for path in [*asked.values(), f"/voila/render/{KENYA}?x=1&code={code}"]:
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
    log = server.log.read_text()
    assert " 404 " in log or "404" in log
    assert code not in log and quote(code) not in log
    assert "code=[redacted]" in log


def test_every_answer_carries_the_security_headers(server: Served):
    page = RawPage(server.base, KENYA)
    headers = {k.lower(): v for k, v in page.headers.items()}
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "https:" not in csp and "cdn" not in csp
    page.close()
    host, port = server.base.removeprefix("http://").split(":")
    for path in ("/munbook/static/fontawesome/css/all.min.css", "/", "/voila/tree",
                 "/voila/static/voila.js", "/voila/static/no-such-file.js"):  # fmt: skip
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert response.getheader("Referrer-Policy") == "no-referrer", path
        if path.endswith(".css"):
            assert response.status == 200 and "css" in response.getheader("Content-Type")
        conn.close()


def test_wrong_codes_count_per_address_across_pages(server: Served, demo_home):
    """Pages opened at once with wrong codes from one address get the tries of one page;
    a delegate on another address opens their workbook at once."""
    from concurrent.futures import ThreadPoolExecutor

    pages = 8
    with ThreadPoolExecutor(pages) as pool:
        opened = list(pool.map(lambda n: RawPage(server.base, KENYA, f"WRONG-{n:04d}-CODE"),
                               range(pages)))  # fmt: skip
    for page in opened:
        page.close()
    checked = Store().failures_since("client:127.0.0.1", now() - timedelta(hours=1))
    # Checked one after another, each page waits for the ones before it: at most the free
    # tries and the waits their count earns within a few seconds.
    assert 1 <= checked <= FREE_TRIES + 2, f"{checked} of {pages} wrong codes were checked"
    mine = RawPage(server.base, KENYA, demo_home["Kenya"], source="127.0.0.2")
    states = mine.states()
    assert DENIED not in texts(states) and "Kenya" in texts(states)
    mine.close()


def test_the_workbook_loads_nothing_from_outside(server: Served, browser, demo_home):
    """With every request off this machine refused, the page opens, shows its icons and
    never asked another host."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    outside: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(server.base) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(server.url(KENYA, demo_home["Kenya"]), timeout=120_000)
    page.wait_for_selector("text=Kenya", timeout=120_000)
    # The face is declared only if munbook's Font Awesome CSS loaded; load() fetches its font.
    icons = page.evaluate(
        "async () => (await document.fonts.load('900 16px \"Font Awesome 6 Free\"')).length"
    )
    context.close()
    assert outside == [], f"the page asked other hosts: {outside}"
    assert icons > 0, "Font Awesome 6 did not load from munbook serve"
