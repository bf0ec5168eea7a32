"""Where a served kernel's memory goes: its RSS and PSS after each step of opening a workbook.

One kernel started from the spec ``munbook serve`` serves (``widgets.kernel``),
in a fresh home with one INTERPOL delegation (Kenya) and its code; the steps
are run in it one after the other, as the entry page runs them, and after
each the kernel's ``/proc/PID/smaps_rollup`` is read (RSS, PSS, anonymous)
with the number of modules it has loaded:

    python bench/kernel_steps.py [DATABASE_URL]    # default: a SQLite file in the home

``make bench steps`` runs it on PostgreSQL (MUNBOOK_BENCH_PG), where the
kernel also loads the driver.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = (
    ("a bare served kernel", "pass"),
    ("+ ipywidgets", "import ipywidgets"),
    ("+ the committee module", "import widgets.core.committees"),
    ("+ the store's module", "from widgets.store import KernelStore"),
    (
        "+ the store opened (driver, a query)",
        "store = KernelStore(); store.delegation_for_code('x')",
    ),
    (
        "+ committee and country data",
        "from widgets.core import committees, countries\n"
        "committees.load('interpol'); countries.lookup('KEN')",
    ),
    ("+ the workbook app's modules", "from widgets.apps.entry import entry_page"),
    (
        "+ the workbook built (the page)",
        "page = entry_page(store)\ndisplay(page)\n"
        "assert page.children[0].__class__.__name__ == 'WorkbookApp'",
    ),
    ("+ gc.collect()", "import gc; gc.collect()"),
    ("+ typing: 1,800 widget updates", "type"),
    (
        "+ 300 more saves of 2 sections",
        "app = page.children[0]\nboxes = list(app.sections.values())[:2]\n"
        "for n in range(300):\n"
        "    boxes[n * 2 // 300].value += ' word%d and some more words' % n\n"
        "    assert app.save_now() is not False, app.save_status.children\n",
    ),
    ("+ 6 previews (sandbox worker)", "for _ in range(6):\n    app.paper_panel.refresh()"),
    ("+ the history tab", "app.history_panel.fill()"),
    (
        "heavy modules loaded (none expected)",
        "import sys\nprint([m for m in ('sqlalchemy', 'pydantic', 'yaml', 'alembic', 'nbformat') "
        "if m in sys.modules])",
    ),
)
MODULES = "import sys; print(len(sys.modules))"


def rollup(pid: int) -> dict[str, int]:
    """RSS, PSS and anonymous memory of one process, in kB."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {k: int(v) for k, v in re.findall(r"^(Rss|Pss|Anonymous):\s+(\d+) kB", text, re.M)}


def prepare(url: str) -> str:
    """A home with Kenya's workbook and a live code; returns the code."""
    from widgets.core import access
    from widgets.store import Store, migrate
    from widgets.workflows import generate

    migrate.upgrade(url or None)
    generate.generate("interpol", country_names=["Kenya"], progress=False)
    store = Store(url or None)
    delegation = store.find_delegation("interpol", "KEN").id  # made by generate
    code = access.new_code()
    store.add_code(code, "delegate", "interpol", delegation)
    store.dispose()
    return code


class Kernel:
    """A served kernel (the spec munbook serve serves) that runs code and reports its memory."""

    def __init__(self, env: dict[str, str]) -> None:
        from jupyter_client.manager import KernelManager

        from widgets.serving.voila_hooks import LeanKernelSpecs

        self.manager = KernelManager(kernel_name="python3", kernel_spec_manager=LeanKernelSpecs())
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        self.pid = self.manager.provisioner.process.pid

    def run(self, code: str) -> str:
        seen: list[str] = []
        reply = self.client.execute_interactive(
            code,
            store_history=False,
            timeout=300,
            output_hook=lambda m: seen.append(m["content"].get("text", "")),
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r}: {reply['content'].get('evalue')}")
        return "".join(seen).strip()

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def type_an_hour(kernel: Kernel, updates: int = 1_800, chunk: int = 5) -> str:
    """An hour's typing as the page sends it: one widget update a few keystrokes, whole text."""
    boxes = kernel.run(
        "app = page.children[0]\nprint(*[b.model_id for b in list(app.sections.values())[:2]])"
    )
    text, session = "", kernel.client.session
    for n in range(updates):
        model = boxes.split()[n * 2 // updates]
        text = "" if n == updates // 2 else text
        text += f"w{n} "[:chunk].ljust(chunk)
        data = {"method": "update", "state": {"value": text}, "buffer_paths": []}
        kernel.client.shell_channel.send(session.msg("comm_msg", {"comm_id": model, "data": data}))
        if n % 50 == 0:
            kernel.run("app.save_now()")  # the autosave, about once a second of typing
    return kernel.run("app.save_now(); print(app.session.version)")


def measure(url: str = "", steps=STEPS) -> list[tuple[str, dict[str, int], int]]:
    """(step, its rollup in kB, modules loaded) after each step, in one served kernel."""
    home = Path(tempfile.mkdtemp(prefix="munbook-steps-"))
    os.environ["MUNBOOK_HOME"] = str(home)
    if url:
        os.environ["MUNBOOK_DB"] = url
    code = prepare(url)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUERY_STRING": f"code={code}"}
    kernel = Kernel(env)
    rows = []
    try:
        for name, source in steps:
            said = type_an_hour(kernel) if source == "type" else kernel.run(source)
            if said:
                print(f"{name}: {said}")
            rows.append((name, rollup(kernel.pid), int(kernel.run(MODULES))))
    finally:
        kernel.close()
    return rows


def table(rows) -> str:
    lines = [f"{'step':<40} {'RSS MB':>7} {'+':>6} {'PSS MB':>7} {'anon MB':>8} {'modules':>8}"]
    before = 0
    for name, kb, modules in rows:
        rss = kb["Rss"] / 1024
        lines.append(
            f"{name:<40} {rss:7.1f} {rss - before:+6.1f} {kb['Pss'] / 1024:7.1f} "
            f"{kb['Anonymous'] / 1024:8.1f} {modules:8d}"
        )
        before = rss
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(table(measure(sys.argv[1] if len(sys.argv) > 1 else "")))
