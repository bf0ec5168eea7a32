"""bench/loadgen.py against a real `munbook serve`: its messages do what chromium's do."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from test_browser import SECTION, TIMEOUT, open_page, wait_saved

from widgets.store import Store

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import loadgen
import page_protocol

TEXT = "Kenya's Pharmacy and Poisons Board — 警察 and AFRIPOL, 2024."


def test_simulated_delegates_open_type_and_every_text_is_stored(served, home: Path):
    figures = loadgen.run(served.base, home, 2, 4, interval=0.5, chunk=7, server_pid=None)
    assert figures["errors"] == []
    assert figures["opened"] == 2
    assert figures["lost"] == 0
    assert figures["saves"] >= 2
    for out in figures["outcomes"]:
        assert out.v1  # the binary protocol chromium speaks, chosen by the server
        assert out.typed and all(out.typed.values())
        rss, pss = out.memory_kb
        assert 0 < pss <= rss


def test_the_legacy_json_protocol_works_too(served, home: Path, monkeypatch):
    monkeypatch.setattr(page_protocol, "PROTOCOL", "json")  # the server decodes every message then
    figures = loadgen.run(served.base, home, 1, 3, interval=0.5, chunk=7, server_pid=None)
    assert figures["errors"] == [] and figures["opened"] == 1 and figures["lost"] == 0


def test_a_wrong_code_gets_no_section_boxes(served, home: Path):
    (kenya,) = loadgen.delegates_from(home, 1)
    kenya.code = "AAAA-BBBB-CCCC"
    out = loadgen.run_async(loadgen.drive(served.base, [kenya], 1, 0.5, 5))[0]
    assert "no section boxes" in out.error


@pytest.mark.browser
def test_loadgen_and_chromium_store_the_same_draft(served, page, home: Path):
    """The same text typed by chromium into Kenya's workbook and by the loadgen into Japan's."""
    kenya, japan = loadgen.delegates_from(home, 2)
    open_page(page, served.url(kenya.path, kenya.code))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    page.locator(SECTION).click()
    page.locator(SECTION).press_sequentially(TEXT, delay=5)
    wait_saved(page)

    async def type_japan() -> None:
        out = loadgen.Outcome(japan)
        response = await page_protocol.AsyncHTTPClient().fetch(
            f"{served.base}/voila/render/{japan.path}?code={japan.code}", request_timeout=300
        )
        kernel = page_protocol.KERNEL_ID.search(response.body.decode())[1]
        ws = await page_protocol.websocket_connect(
            served.base.replace("http", "ws") + f"/api/kernels/{kernel}/channels?session_id=x"
        )
        client = page_protocol.Page(ws, "x")
        reader = asyncio.ensure_future(client.read())
        await client.load_widgets()
        box = client.sections()["A.background"]
        ends = [*range(1, len(TEXT), 4), len(TEXT)]  # keystrokes in bursts, as from a browser
        for end in ends:
            await client.type(box, TEXT[:end])
        await asyncio.wait_for(client.saved.wait(), 60)
        ws.close()
        reader.cancel()
        out.typed = {"A.background": TEXT}

    loadgen.run_async(type_japan())
    store = Store()
    by_browser = store.latest_draft(kenya.delegation_id).content
    by_loadgen = store.latest_draft(japan.delegation_id).content
    assert by_browser["sections"]["A.background"] == TEXT
    assert by_loadgen == by_browser
    assert store.latest_draft(japan.delegation_id).words == (
        store.latest_draft(kenya.delegation_id).words
    )
