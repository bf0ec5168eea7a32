"""Lean kernels: the served kernel spec, previews in the sandbox worker, idle workers ended."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from widgets import _serving as serving_settings  # where max_kernels() reads the memory
from widgets import settings
from widgets.exceptions import MunbookError
from widgets.paper import sandbox
from widgets.serving.voila_hooks import TEMPLATES, CachedTemplatesExporter, LeanKernelSpecs

ROOT = Path(__file__).resolve().parent.parent


def test_the_served_python_kernel_has_no_debugger_and_few_malloc_arenas():
    specs = LeanKernelSpecs()
    spec = specs.get_kernel_spec("python3")
    assert spec.argv[1:3] == ["-m", "widgets.kernel"] and spec.env["MALLOC_ARENA_MAX"] == "2"
    assert spec.env["MALLOC_MMAP_THRESHOLD_"] == spec.env["MALLOC_TRIM_THRESHOLD_"] == "131072"
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(env={**os.environ, "PYTHONPATH": str(ROOT)})
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        seen = []
        client.execute_interactive(
            "import os, sys; print(any(m.startswith(('debugpy', 'pydevd')) and sys.modules[m] for m in sys.modules), os.environ.get('MALLOC_ARENA_MAX'))",
            timeout=60,
            output_hook=lambda m: seen.append(m["content"].get("text", "")),
        )
        assert "".join(seen).split() == ["False", "2"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_preview_leaves_nbconvert_nbformat_and_pypdf_out_of_the_kernel(home: Path):
    from widgets.workflows import generate

    generate.generate("interpol", country_names=["Kenya"], progress=False)
    code = (
        "import sys\n"
        "from widgets.store import Store\n"
        "from widgets.workflows.papers import preview_in_worker\n"
        "store = Store()\n"
        "delegation = store.find_delegation('interpol', 'KEN')\n"
        "rendered, checks = preview_in_worker(store, delegation.id)\n"
        "assert rendered.pdf.startswith(b'%PDF') and rendered.images and checks\n"
        "print(sorted(m for m in ('nbconvert', 'nbformat', 'pypdf', 'typst') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]"]


def test_a_call_in_the_worker_returns_its_value_or_its_munbook_error():
    box = sandbox.Sandbox(seconds=20)
    try:
        assert box.call("os.path:join", "a", "b") == "a/b"
        with pytest.raises(MunbookError, match="public URL"):
            box.call("widgets.settings:check_public_url", "not a url")
        assert box.started == 1  # the same warm worker answered both
    finally:
        box.stop()


def test_an_idle_worker_ends_and_the_next_compile_starts_another(home: Path):
    box = sandbox.Sandbox(seconds=20, idle=1)
    folder = settings.TEMPLATES_DIR / "position_paper"
    try:
        assert box.call("os.path:basename", str(folder)) == "position_paper"
        first = box._process
        deadline = time.monotonic() + 30
        while first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.poll() is not None and box._process is None  # ended after 1 s idle
        assert box.call("os.path:basename", "x/y") == "y" and box.started == 2
    finally:
        box.stop()


def test_voila_still_builds_its_page_exporter_from_the_name_munbook_replaces(monkeypatch):
    import inspect

    from voila import notebook_renderer

    from widgets.serving.voila_hooks import install_template_cache

    # If Voilà stops building its exporter from this name, the cache silently stops working.
    assert "VoilaExporter(" in inspect.getsource(notebook_renderer.NotebookRenderer.initialize)
    assert issubclass(CachedTemplatesExporter, notebook_renderer.VoilaExporter)
    monkeypatch.setattr(notebook_renderer, "VoilaExporter", notebook_renderer.VoilaExporter)
    install_template_cache()
    assert notebook_renderer.VoilaExporter is CachedTemplatesExporter


def test_page_templates_compile_once_for_every_exporter():
    from voila.paths import collect_template_paths

    paths = collect_template_paths(["nbconvert"], "lab")
    first = CachedTemplatesExporter(template_paths=paths, template_name="lab")
    assert first.template is not None and TEMPLATES.compiled
    compiled = dict(TEMPLATES.compiled)
    second = CachedTemplatesExporter(template_paths=paths, template_name="lab")
    assert second.environment is not first.environment  # one Environment a page, as Voilà's
    assert second.environment.bytecode_cache is TEMPLATES
    assert second.template.render is not None and TEMPLATES.compiled == compiled  # nothing new


def test_the_default_kernel_cap_follows_the_memory(monkeypatch):
    for free, cap in ((24_000, 100), (12_000, 50), (1_000, 20), (500_000, 400), (None, 40)):
        monkeypatch.setattr(serving_settings, "available_mb", lambda free=free: free)
        assert settings.max_kernels() == cap
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "7")  # a setting wins over the memory
    assert settings.max_kernels() == 7


def test_a_new_preview_closes_the_last_ones_page_images(home: Path):
    from widgets.apps.workbook import WorkbookApp
    from widgets.core import committees, countries
    from widgets.store import Store

    db = Store()
    delegation = db.delegation(db.add_delegation("interpol", "KEN", "W. Kamau", "Nairobi"))
    app = WorkbookApp(db, delegation, committees.load("interpol"), countries.lookup("KEN"))
    app.paper_panel.refresh()
    first = app.paper_panel.preview.children
    assert first and all(image.comm is not None for image in first)
    app.paper_panel.refresh()
    assert app.paper_panel.preview.children and all(image.comm is None for image in first)
