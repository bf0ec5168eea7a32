"""``make bench attacks``: what a stranger's flood leaves in a kernel, and how many wrong codes
30 pages opened at once get checked, through the real protocol (bench/raw_page.py).

The flood is 30 widget states of 1 MB sent to a workbook page before its code, against
``munbook serve`` and against stock Voilà serving the same folder. The back-off figure is
wrong codes checked per minute: 30 pages from one address, 3 tries each, against one page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from raw_page import RawPage, kernel_rss

KENYA = "workbooks/interpol/kenya.ipynb"
FLOOD, FLOOD_BYTES = 30, 2**20


def html_state(value: str) -> dict:
    """A whole HTML widget's state, as ipywidgets' front end would open one."""
    controls = {"_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0"}
    views = {"_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0"}
    return {**controls, **views, "_model_name": "HTMLModel", "_view_name": "HTMLView",
            "value": value}  # fmt: skip


def flood(base: str, server_pid: int) -> float:
    """MB a kernel grew by after the flood (its RSS once it answered again)."""
    page = RawPage(base, KENYA)
    page.states()
    before = kernel_rss(server_pid, page.kernel_id)
    blob = "x" * FLOOD_BYTES
    for _ in range(FLOOD):
        state = html_state(blob)
        content = {
            "comm_id": uuid.uuid4().hex,
            "target_name": "jupyter.widget",
            "data": {"state": state, "buffer_paths": []},
        }
        page.send("comm_open", content, {"version": "2.1.0"})
    page.states()  # the kernel has taken every message before it answers this
    grown = (kernel_rss(server_pid, page.kernel_id) - before) / 2**20
    page.close()
    return grown


def wrong_tries(base: str, pages: int) -> int:
    """Pages opened at once with a wrong code in the URL, then two more typed: checked ones."""

    def one(n: int) -> None:
        page = RawPage(base, KENYA, f"WRONG-{n:04d}-CODE")
        states = page.states()
        box = next(k for k, s in states.items() if "CodeField" in s.get("_anywidget_id", ""))
        button = next(k for k, s in states.items() if s.get("_model_name") == "ButtonModel")
        for attempt in range(2):
            update = {
                "method": "update",
                "state": {"value": f"WRONG-{n:04d}-{attempt:04d}"},
                "buffer_paths": [],
            }
            page.send("comm_msg", {"comm_id": box, "data": update})
            click = {"method": "custom", "content": {"event": "click"}}
            page.send("comm_msg", {"comm_id": button, "data": click})
            page.read(0.5)
        page.close()

    with ThreadPoolExecutor(min(pages, 10)) as pool:
        list(pool.map(one, range(pages)))
    from widgets.store import Store, now

    return Store().failures_since("client:127.0.0.1", now() - timedelta(hours=1))


def serve(home: Path, command: list[str], log: Path, port: int) -> subprocess.Popen:
    import urllib.request

    env = {**os.environ, "MUNBOOK_HOME": str(home), "MUNBOOK_POOL": "0"}
    process = subprocess.Popen(
        command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/{KENYA}", timeout=30)
            return process
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{command[0]} did not answer: {log.read_text()[-2000:]}")


def main(report: Callable, fresh_home: Callable) -> None:
    from conftest import free_port

    from widgets.store import fresh
    from widgets.workflows import generate

    home = fresh_home()
    fresh.ensure_ready()  # the schema, as munbook serve would make it
    generate.generate("interpol", country_names=["Kenya"], progress=False)
    bin_dir = Path(sys.executable).parent
    figures = {}
    for name, command in (
        ("munbook", [str(bin_dir / "munbook"), "serve"]),
        (
            "stock",
            [str(bin_dir / "voila"), str(home / "site"), "--no-browser", "--Voila.ip=127.0.0.1"],
        ),
    ):
        port = free_port()
        process = serve(home, [*command, f"--port={port}"], home / f"{name}.log", port)
        try:
            figures[name] = flood(f"http://127.0.0.1:{port}", process.pid)
            if name == "munbook":
                start = time.monotonic()
                one = wrong_tries(f"http://127.0.0.1:{port}", 1)
                many = wrong_tries(f"http://127.0.0.1:{port}", 30) - one
                per_minute = many / (time.monotonic() - start) * 60
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=60)
    mine, stock = figures["munbook"], figures["stock"]
    report(
        "attacks",
        f"a flood of {FLOOD} x 1 MB widgets before the code: kernel +{mine:.0f} MB "
        f"(stock Voilà +{stock:.0f} MB)",
        "under 20 MB",
        mine < 20,
    )
    report(
        "attacks",
        f"wrong codes checked: 30 pages x 3 tries {many} ({per_minute:.0f} a minute), "
        f"one page x 3 tries {one}",
        "30 pages no more than a few past one page",
        many <= one + 5,
    )
