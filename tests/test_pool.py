"""The delegates' entry page (site/open.ipynb) and the pool of preheated kernels behind it.

One code opens the workbook it names: found by ``Store.delegation_for_code``,
shown behind the same gate as the per-country pages. Served from Voilà's
preheated kernels (``munbook serve --pool``) or, with ``--pool 0``, from a
kernel started for the request; a real server, real kernels, real chromium.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from conftest import CHROMIUM, Served, free_port
from test_browser import SECTION, TIMEOUT, open_page, wait_saved

from widgets import settings
from widgets.apps.gate import DENIED
from widgets.cli import main
from widgets.core import access
from widgets.exceptions import MunbookError
from widgets.serving import serve
from widgets.store import Store

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import loadgen
import page_protocol

DRAFT = "Kenya's Pharmacy and Poisons Board — saved before the page opened."
ENTRY = settings.ENTRY_PAGE


# ---- the lookup and the settings -------------------------------------------------------


def test_a_code_names_its_delegation_and_nothing_else(store: Store):
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau")
    japan = store.add_delegation("interpol", "JPN", "Aiko Sato")
    codes = {d: store.issue_code("delegate", "interpol", d) for d in (kenya, japan)}
    chair = store.issue_code("chair", "interpol")
    assert store.delegation_for_code(codes[kenya]) == kenya
    assert store.delegation_for_code(" " + codes[japan].lower().replace("-", " ")) == japan
    assert store.delegation_for_code(chair) is None, "staff codes open no workbook"
    assert store.delegation_for_code("AAAA-BBBB-CCCC") is None
    padded = codes[kenya] + " " * (access.MAX_CODE_CHARS - len(codes[kenya]))
    assert store.delegation_for_code(padded) == kenya
    assert store.delegation_for_code(padded + " ") is None, "one past the limit: not hashed"
    store.revoke_codes("delegate", kenya)
    assert store.delegation_for_code(codes[kenya]) is None


def test_pool_size_is_bounded_and_below_the_cap(monkeypatch):
    monkeypatch.delenv("MUNBOOK_POOL")
    monkeypatch.delenv("MUNBOOK_MAX_KERNELS", raising=False)  # the cap follows the memory
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "12")  # unasked: a quarter of a small cap
    assert settings.pool_size() == 3
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "1000")  # and at most POOL (8) of a large one
    assert settings.pool_size() == settings.POOL == 8
    monkeypatch.setenv("MUNBOOK_POOL", "100")
    assert settings.pool_size() == 100
    monkeypatch.setenv("MUNBOOK_POOL", "101")  # one past the bound
    with pytest.raises(MunbookError, match="MUNBOOK_POOL='101': must be a number from 0 to 100"):
        settings.pool_size()
    out = CliRunner().invoke(main, ["serve", "--pool", "101", "--port", str(free_port())])
    assert out.exit_code == 2 and "0<=x<=100" in out.output
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "8")
    monkeypatch.setenv("MUNBOOK_POOL", "8")  # asked for, it is checked against the cap
    with pytest.raises(MunbookError, match="kernel cap above it"):
        serve.check_pool(settings.pool_size(), settings.max_kernels())
    monkeypatch.setenv("MUNBOOK_POOL", "-1")
    with pytest.raises(MunbookError, match="MUNBOOK_POOL='-1'"):
        settings.pool_size()
    assert serve.check_pool(39, 40) == 39
    with pytest.raises(MunbookError, match="lower --pool or raise --max-kernels"):
        serve.check_pool(40, 40)
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "40")  # the default cap follows the memory
    out = CliRunner().invoke(main, ["serve", "--pool", "40", "--port", str(free_port())])
    assert out.exit_code == 2 and "a pool of 40 preheated kernels" in out.output


def test_refills_wait_for_calm_and_restarts_do_not():
    """A refill waits while a page is being made or was just asked for (at most the patience)."""
    from widgets.serving import kernel_cap

    calls: list[tuple[str, str | None]] = []

    class Manager(serve.CappedKernelManager):
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):  # Voilà's name
            calls.append((notebook_path, kernel_id))
            return {"kernel_id": kernel_id or "new"}

    manager = Manager()
    kernel_cap.defer_refills(manager)

    async def scenario() -> list[float]:
        start = time.monotonic()
        manager.pages_open, manager.last_page = 1, start  # a page is being made
        refill = asyncio.ensure_future(manager._initialize("open.ipynb"))
        restart = await manager._initialize("open.ipynb", "k1")  # a restart is not held
        await asyncio.sleep(1.0)
        held = not refill.done()
        manager.pages_open = 0  # the page is answered; calm comes POOL_CALM s later
        manager.last_page = time.monotonic()
        await refill
        return [held, restart["kernel_id"], time.monotonic() - manager.last_page]

    held, restarted, after_page = loadgen.run_async(scenario())  # a loop may run (playwright)
    assert held and restarted == "k1"
    assert after_page >= kernel_cap.POOL_CALM
    assert calls == [("open.ipynb", "k1"), ("open.ipynb", None)]

    async def never_calm() -> float:  # pages without end: the patience bounds the wait
        manager.pages_open = 1
        start = time.monotonic()
        await manager.wait_for_calm()
        return time.monotonic() - start

    kernel_cap.POOL_PATIENCE, patience = 1.0, kernel_cap.POOL_PATIENCE
    try:
        assert 1.0 <= loadgen.run_async(never_calm()) < 3.0
    finally:
        kernel_cap.POOL_PATIENCE = patience


def test_voila_refills_through_initialize():
    """defer_refills relies on Voilà's refill awaiting ``self._initialize(notebook, None, ...)``."""
    import inspect

    from voila import voila_kernel_manager

    source = inspect.getsource(voila_kernel_manager.voila_kernel_manager_factory)
    assert "self._initialize(notebook_name, None, **kwargs)" in source
    assert "async def _initialize(" in source


def test_widgets_made_unannounced_publish_once_the_block_ends(monkeypatch):
    """Inside ``unannounced()`` a widget's comm is registered but says nothing; after, it does."""
    import comm
    import ipywidgets as w
    from comm.base_comm import BaseComm

    from widgets.kernel.unannounced import unannounced

    published: list[str] = []

    class Recording(BaseComm):  # what reaches the kernel's iopub socket
        def publish_msg(self, msg_type, **kwargs):
            published.append(msg_type)

    from ipywidgets.widgets.widget import _instances

    earlier = set(_instances)  # other tests' widgets: not this test's to close
    monkeypatch.setattr(comm, "create_comm", Recording)
    w.Textarea()  # announced as usual: a comm_open for it, its layout and its style
    assert published == ["comm_open"] * 3
    with unannounced() as made:
        box = w.Textarea(value="before")
        box.value = "inside"
        gone = w.HTML("made and closed before the page connects")
        gone.close()
    assert published == ["comm_open"] * 3, "nothing published inside the block"
    assert len(made) == 6 and all(c.primary is False for c in made)
    assert comm.get_comm_manager().get_comm(box.comm.comm_id) is box.comm, "messages reach it"
    assert w.Widget.get_manager_state()["state"][box.model_id]["state"]["value"] == "inside"
    box.value = "after"  # the page is connected now: updates go out
    assert published == ["comm_open"] * 3 + ["comm_msg"]
    for model_id in set(_instances) - earlier:
        _instances[model_id].close()


def test_only_the_entry_page_is_pooled(home: Path):
    config = serve.serving_config(pool=3, root=home / "site")
    assert config.VoilaConfiguration.preheat_kernel is True
    (deny,) = config.VoilaKernelManager.preheat_denylist
    assert not re.match(deny, str(home / "site" / ENTRY))
    for other in ("apps/advisor.ipynb", "workbooks/interpol/kenya.ipynb", "x/open.ipynb"):
        assert re.match(deny, str(home / "site" / other))
    assert "preheat_kernel" not in serve.serving_config(pool=0).VoilaConfiguration


# ---- a real server ---------------------------------------------------------------------


async def _page_states(base: str, code: str | None) -> dict[str, dict]:
    """The widget states of the entry page as the browser's widget manager gets them."""
    query = f"?code={quote(code)}" if code else ""
    response = await page_protocol.AsyncHTTPClient().fetch(
        f"{base}/voila/render/{ENTRY}{query}", request_timeout=300
    )
    kernel = page_protocol.KERNEL_ID.search(response.body.decode())[1]
    ws = await page_protocol.websocket_connect(
        base.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels?session_id=t"
    )
    client = page_protocol.Page(ws, "t")
    reader = asyncio.ensure_future(client.read())
    await client.load_widgets()
    ws.close()
    reader.cancel()
    return {**client.states, "kernel": {"id": kernel}}


def page_states(base: str, code: str | None = None) -> dict[str, dict]:
    return loadgen.run_async(_page_states(base, code))


def texts(states: dict) -> str:
    return " ".join(str(s.get("value", "")) for s in states.values())


def sections(states: dict) -> dict[str, str]:
    page = page_protocol.Page(None, "")
    page.states = states
    return {key: states[model]["value"] for key, model in page.sections().items()}


def waiting(log: Path) -> int:
    return log.read_text(errors="replace").count("101 GET /voila/query/")


@pytest.fixture
def pooled(home: Path, demo_home: dict[str, str], tmp_path: Path, monkeypatch):
    """``munbook serve`` with 2 preheated kernels (cap 4, pages close after 8 s without code)."""
    monkeypatch.setenv("MUNBOOK_POOL", "2")
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "4")
    monkeypatch.setenv("MUNBOOK_GATE_TIMEOUT", "8")
    server = Served(home, tmp_path / "serve.log")
    server.start()
    deadline = time.monotonic() + 120
    while waiting(server.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert waiting(server.log) >= 2, server.log.read_text()
    yield server
    server.kill()


def test_the_entry_page_opens_the_code_s_workbook_from_the_pool(pooled, demo_home, home):
    store = Store()
    kenya = store.find_delegation("interpol", "KEN")
    store.save_draft(kenya.id, {"sections": {"A.background": DRAFT}}, None)
    states = page_states(pooled.base, demo_home["Kenya"])
    assert sections(states)["A.background"] == DRAFT
    assert "Kenya" in texts(states) and "INTERPOL" in texts(states)
    assert "Using pre-heated kernel" in pooled.log.read_text()
    # Another delegate, code typed loosely: their workbook, not Kenya's.
    japan = page_states(pooled.base, demo_home["Japan"].lower().replace("-", " "))
    assert "Japan" in texts(japan) and sections(japan)["A.background"] == ""
    # A wrong code: the refusal, no workbook; the failure is counted for the client address.
    wrong = page_states(pooled.base, "AAAA-BBBB-CCCC")
    assert DENIED in texts(wrong) and not sections(wrong)
    assert store.failures_since("client:127.0.0.1", store.delegation(kenya.id).created_at) == 1
    # No code: the gate asks for one, then frees its kernel after the gate timeout.
    empty = page_states(pooled.base)
    assert "Type the access code you were given" in texts(empty) and not sections(empty)
    deadline = time.monotonic() + 60
    while loadgen.kernel_memory(empty["kernel"]["id"]) and time.monotonic() < deadline:
        time.sleep(1)
    assert loadgen.kernel_memory(empty["kernel"]["id"]) is None, "the gate freed its kernel"
    assert "Traceback" not in pooled.log.read_text()


def test_the_pool_stays_under_the_kernel_cap(pooled, home):
    """Cap 4, pool 2: pages take pool kernels; refills wait for room; past the cap, busy."""
    who = loadgen.delegates_from(home, 2, entry=True)
    opened = [page_states(pooled.base, d.code) for d in who]
    assert all(sections(states) for states in opened)
    deadline = time.monotonic() + 120  # the refills start once the pages are calm
    while waiting(pooled.log) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(serve_kernels(pooled)) == 4
    pages = [page_states(pooled.base) for _ in range(2)]  # the cap is now full
    assert all("Type the access code you were given" in texts(states) for states in pages)
    assert len(serve_kernels(pooled)) <= 4
    with pytest.raises(urllib.error.HTTPError) as busy:
        urllib.request.urlopen(f"{pooled.base}/voila/render/{ENTRY}", timeout=60)
    assert busy.value.code == 503


def serve_kernels(server: Served) -> list[int]:
    import psutil

    children = psutil.Process(server.process.pid).children(recursive=True)
    return [p.pid for p in children if "widgets.kernel" in " ".join(p.cmdline())]


def test_without_a_pool_the_entry_page_starts_a_kernel_for_the_request(served, demo_home):
    states = page_states(served.base, demo_home["Kenya"])
    assert "Kenya" in texts(states) and "A.background" in sections(states)
    assert "pre-heated" not in served.log.read_text()


@pytest.mark.browser
def test_the_entry_page_in_chromium(home, demo_home, tmp_path, monkeypatch, page):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    monkeypatch.setenv("MUNBOOK_POOL", "1")
    server = Served(home, tmp_path / "serve.log")
    server.start()
    try:
        deadline = time.monotonic() + 120
        while waiting(server.log) < 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        open_page(page, f"{server.base}/voila/render/{ENTRY}?code={demo_home['Kenya']}")
        page.wait_for_selector(".mb-app", timeout=TIMEOUT)
        assert "Kenya" in page.inner_text(".mb-app")
        page.get_by_role("tab", name="Write").click()
        page.locator(SECTION).fill("Typed in the entry page.")
        wait_saved(page, 1)
        assert "Using pre-heated kernel" in server.log.read_text()
    finally:
        server.kill()
    kenya = Store().find_delegation("interpol", "KEN")
    assert Store().latest_draft(kenya.id).content["sections"]["A.background"] == (
        "Typed in the entry page."
    )


# ---- a stranger on the request socket (/voila/query) ------------------------------------


def _refused(base: str, kernel_id: str, sig: str = "", then=None) -> bool:
    """Whether the server closes a socket to a pool kernel's request socket at once;
    ``then()`` runs while it is open."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = (
        base.replace("http", "ws", 1) + f"/voila/query/{kernel_id}" + (f"?sig={sig}" if sig else "")
    )
    with connect(url, open_timeout=10) as socket:
        if then:
            then()
        try:
            socket.recv(timeout=3)
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False
    return False


def test_a_stranger_on_the_request_socket_cannot_stall_the_pool(pooled: Served, demo_home):
    """Voilà's on_close deleted the newest pool kernel's waiter (issue: four rounds of this left
    every kernel busy and every page 503). Each stranger's socket is refused now, and a
    delegate still opens their workbook from the pool afterwards."""
    import uuid

    taken: list[str] = []
    for _ in range(4):
        fake = str(uuid.uuid4())

        def take_a_kernel_and_come_again(fake: str = fake) -> None:
            # Takes a pool kernel (its gate waits 8 s for a code); the pool refills.
            taken.append(page_states(pooled.base)["kernel"]["id"])
            time.sleep(2)
            assert _refused(pooled.base, fake), "a second socket for an id nobody signed"

        assert _refused(pooled.base, fake, then=take_a_kernel_and_come_again)
    deadline = time.monotonic() + 60  # the stranger's gates time out and free their kernels
    while any(loadgen.kernel_memory(k) for k in taken) and time.monotonic() < deadline:
        time.sleep(1)
    states = page_states(pooled.base, demo_home["Kenya"])
    assert "Kenya" in texts(states) and "A.background" in sections(states)
    assert "Using pre-heated kernel" in pooled.log.read_text()
    # A live kernel's id (the page's HTML names it) without its signature is refused too.
    assert _refused(pooled.base, states["kernel"]["id"], sig="0" * 64)


def test_a_kernel_waits_for_its_request_with_a_deadline(monkeypatch):
    """No server to ask: the wait ends after CONNECT_SECONDS, and the gate asks for the code."""
    from widgets.kernel import request

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(free_port()))
    monkeypatch.setattr(request, "CONNECT_SECONDS", 1.0)
    monkeypatch.setattr(request, "session_key", lambda: b"key")
    start = time.monotonic()
    request.wait_for_request()
    assert time.monotonic() - start < 5
    assert request.matches(b"k", "id", request.sign(b"k", "id"))
    assert not request.matches(b"", "id", request.sign(b"", "id"))  # no key, no proof
    assert not request.matches(b"k", "other", request.sign(b"k", "id"))
