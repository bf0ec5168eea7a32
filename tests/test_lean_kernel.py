"""The served kernel's settings (widgets.kernel.SERVED_CONFIG), checked in a real kernel.

One kernel started from the spec ``munbook serve`` serves; a client plays the page,
sending widget messages over the shell channel as ipywidgets' manager does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from widgets.kernel import launcher as kernel
from widgets.kernel import priority
from widgets.serving.voila_hooks import LeanKernelSpecs

ROOT = Path(__file__).resolve().parent.parent


class Kernel:
    def __init__(self, **env: str) -> None:
        self.manager = KernelManager(kernel_name="python3", kernel_spec_manager=LeanKernelSpecs())
        self.manager.start_kernel(env={**os.environ, "PYTHONPATH": str(ROOT), **env})
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str) -> str:
        """Run ``code`` (not kept in any history) and return what it printed."""
        seen: list[str] = []
        reply = self.client.execute_interactive(
            code,
            store_history=False,
            timeout=300,
            output_hook=lambda m: seen.append(m["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(seen).strip()

    def update(self, model_id: str, state: dict) -> dict:
        """Send a widget update as the page does; returns the message (to send it again)."""
        data = {"method": "update", "state": state, "buffer_paths": []}
        msg = self.client.session.msg("comm_msg", {"comm_id": model_id, "data": data})
        self.client.shell_channel.send(msg)
        return msg

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def served() -> Iterator[Kernel]:
    started = Kernel()
    # What a page's gate does once its code is right: past it, the page's own limits apply
    # (widgets.kernel.guard bounds the messages before it).
    started.run("from widgets.kernel import guard; guard.opened()")
    yield started
    started.close()


def test_the_served_kernel_keeps_no_ipython_history(served: Kernel):
    out = served.run(
        "import threading\n"
        "hm = get_ipython().history_manager\n"
        "print(hm.enabled, hm.save_thread, any('History' in t.name for t in threading.enumerate()))"
    )
    assert out.split() == ["False", "None", "False"]


def test_a_refused_widget_message_does_not_load_ipythons_rich_tracebacks(served: Kernel):
    # A page whose tab index is stale: ipywidgets refuses it and shows the traceback.
    model = served.run(
        "import sys, ipywidgets as w\n"
        "tabs = w.Tab(children=[w.HTML(), w.HTML()])\n"
        "print(tabs.model_id)"
    )
    served.update(model, {"selected_index": 5})
    out = served.run(
        "print(tabs.selected_index, sorted(m for m in ('stack_data', 'executing', 'asttokens')"
        " if m in sys.modules))"
    )
    assert out == "0 []"  # refused, and formatted without stack_data


def test_thousands_of_updates_keep_a_bounded_signature_history(served: Kernel):
    model = served.run(
        "import ipywidgets as w\nbox = w.Textarea()\nseen = []\n"
        "box.observe(lambda c: seen.append(1), names='value')\nprint(box.model_id)"
    )
    count = kernel.DIGESTS + 300
    text = ""
    for n in range(count):
        text = (text + f" word{n}")[-2000:]  # the whole text in every update, as chromium
        served.update(model, {"value": text})
        if n % 100 == 0:
            time.sleep(0.05)  # a page's pace, so the kernel's queue stays short
    out = served.run(
        "s = get_ipython().kernel.session\n"
        "print(len(seen), len(s.digest_history), s.digest_history_size, box.value[-8:])"
    )
    changes, kept, bound, last = out.split()
    assert int(changes) == count and last == text[-8:]  # every update arrived
    assert int(kept) <= int(bound) + 1 == kernel.DIGESTS + 1  # not one per message


def test_a_replayed_widget_message_is_still_refused(served: Kernel):
    model = served.run("import ipywidgets as w\nreplayed = w.Textarea()\nprint(replayed.model_id)")
    first = served.update(model, {"value": "first"})
    served.update(model, {"value": "second"})
    served.client.shell_channel.send(first)  # the same signed message again
    time.sleep(0.5)
    assert served.run("print(replayed.value)") == "second"


def test_shell_messages_are_read_on_the_main_thread_and_widgets_do_not_echo(served: Kernel):
    out = served.run(
        "import threading, ipywidgets.widgets.widget as ww\n"
        "k = get_ipython().kernel\n"
        "print(k.shell_channel_thread, any('Shell' in t.name for t in threading.enumerate()),"
        " ww.JUPYTER_WIDGETS_ECHO)"
    )
    assert out.split() == ["None", "False", "False"]
    # Widget updates still arrive in order, and are not sent back (no echo_update).
    model = served.run("import ipywidgets as w\nquiet = w.Textarea()\nprint(quiet.model_id)")
    sent = {served.update(model, {"value": f"text {n}"})["header"]["msg_id"] for n in range(20)}
    answers = []  # message types the kernel sent in reply to the updates
    while sum(kind == "status" for kind in answers) < 2 * len(sent):  # busy and idle each
        msg = served.client.iopub_channel.get_msg(timeout=60)
        if msg["parent_header"].get("msg_id") in sent:
            answers.append(msg["msg_type"])
    assert set(answers) == {"status"}  # no comm message: nothing echoed
    assert served.run("print(quiet.value)") == "text 19"


def test_the_main_thread_sends_its_iopub_and_printing_still_reaches_the_page(served: Kernel):
    """Widget messages go out from the main thread; other threads' output as before."""
    out = served.run(
        "import sys, threading\n"
        "iopub = get_ipython().kernel.iopub_thread\n"
        "sent = []\n"
        "real = iopub.socket.send_multipart\n"
        "iopub.socket.send_multipart = lambda *a, **k: (sent.append(threading.current_thread().name), real(*a, **k))[1]\n"
        "print('x'); sys.stdout.flush()\n"
        "import ipywidgets as w; probe = w.HTML('a'); probe.value = 'b'\n"
        "import time; time.sleep(0.5)\n"
        "iopub.socket.send_multipart = real\n"
        "print(type(iopub).__name__, sorted(set(sent)))"
    )
    # The widget's messages from the main thread; the print's from the IOPub thread.
    assert out.splitlines()[-1] == "MainThreadIOPub ['IOPub', 'MainThread']"
    # Threads printing at once (their output flushed by the IOPub thread, every send under
    # one lock): all of it arrives before the cell's idle (a thread's may name no parent).
    served.client.execute(
        "def chatter(n):\n"
        "    for i in range(200):\n"
        "        sys.stdout.write(f'{n}:{i}\\n')  # one write: lines stay whole\n"
        "threads = [threading.Thread(target=chatter, args=(n,)) for n in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]",
        store_history=False,
    )
    printed = []
    while True:
        msg = served.client.iopub_channel.get_msg(timeout=60)
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif (msg["msg_type"], msg["content"].get("execution_state")) == ("status", "idle"):
            break  # the cell's: this client sent nothing else
    assert sorted("".join(printed).split()) == sorted(
        f"{n}:{i}" for n in range(4) for i in range(200)
    )
    served.client.get_shell_msg(timeout=60)  # the execute reply
    assert served.run("print(6 * 7)") == "42"


# Each of these cost every open workbook megabytes (bench/kernel_steps.py): SQLAlchemy
# 11 MB (the kernel's store is a KernelStore), pydantic and YAML 9 MB (committees come
# from their validated JSON), nbformat/nbconvert/pypdf (previews run in the sandbox).
HEAVY = ("sqlalchemy", "pydantic", "yaml", "alembic", "nbformat", "nbconvert", "pypdf", "pandas")


def test_a_served_workbook_loads_no_heavy_module(home):
    from widgets.core import access, committees
    from widgets.store import Store
    from widgets.workflows import generate

    committees._load_cached.cache_clear()  # validated in this home: its JSON is written here
    generate.generate("interpol", country_names=["Kenya"], progress=False)  # makes Kenya
    store = Store()
    kenya, code = store.find_delegation("interpol", "KEN").id, access.new_code()
    store.add_code(code, "delegate", "interpol", kenya)
    served = Kernel(QUERY_STRING=f"code={code}")  # the entry page as Voilà runs it
    try:
        started_at = served.run(
            "from widgets.kernel import priority\n"
            "print(priority.session_nice() if priority._lowered_session else 'not-lowered')"
        )
        out = served.run(
            "from widgets.apps.entry import entry_page, warm\n"
            "page = entry_page(warm()); display(page); app = page.children[0]\n"
            "print(priority.session_nice())\n"
            "box = next(iter(app.sections.values())); box.value = 'Kenya works with AFRIPOL.'\n"
            "app.save_now(); app.history_panel.fill()\n"
            "import sys\n"
            f"print(type(app).__name__, app.session.version, [m for m in {HEAVY!r} if m in sys.modules])"
        )
    finally:
        served.close()
    settled, opened = out.splitlines()
    assert opened == "WorkbookApp 1 []"
    assert "AFRIPOL" in str(store.latest_draft(kenya).content)
    # Low while starting and building (the server first), normal once the page is open.
    if started_at == "not-lowered":
        pytest.skip("no session nice value to lower here (no autogroups): the kernel stays low")
    assert (int(started_at), int(settled)) == (priority.START_NICE, 0)


def test_a_served_kernel_has_a_memory_ceiling(served: Kernel):
    from widgets import settings

    out = served.run("import resource; print(resource.getrlimit(resource.RLIMIT_DATA)[0])")
    assert int(out) == settings.kernel_memory_mb() * 2**20
    # One allocation past it fails in the kernel (MemoryError), and the kernel goes on.
    out = served.run(
        "try:\n"
        f"    b = bytearray({settings.kernel_memory_mb() + 1} * 2**20)\n"
        "    print('allocated')\n"
        "except MemoryError:\n"
        "    print('refused')\n"
    )
    assert out == "refused"
    assert served.run("print(1 + 1)") == "2"
