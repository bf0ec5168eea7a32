"""Hooks into Voilà for ``munbook serve``: leaner kernels, escaped markdown, templates
compiled once.

``LeanKernelSpecs`` goes in through Voilà's setting for it
(``VoilaConfiguration.kernel_spec_manager_class``), ``EscapingMarkdownRenderer``
through the exporter's (``VoilaExporter.markdown_renderer_class``); the template
cache has no setting, see ``install_template_cache``.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert.filters.markdown_mistune import IPythonRenderer
from voila import notebook_renderer
from voila.exporter import VoilaExporter, VoilaMarkdownRenderer

from . import kernel

# glibc's thresholds, fixed: by default, once a big buffer is freed (a preview's PDF and
# page images arrive as one pickle of about a megabyte) glibc raises them and then keeps
# up to twice that much freed memory in the kernel's heap for good.
MALLOC = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


class LeanKernelSpecs(KernelSpecManager):
    """Kernel specs as installed, but the served Python kernel is ``widgets.kernel``'s.

    Same interpreter and kernel (ipykernel), without its debugger and with
    ``kernel.SERVED_ENV`` set: about 8 MB less RSS a kernel, measured, and no
    widget echoes.
    Voilà's documented hook (``VoilaConfiguration.kernel_spec_manager_class``).
    """

    def get_kernel_spec(self, kernel_name: str):
        spec = super().get_kernel_spec(kernel_name)
        if spec.language == "python" and spec.argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [spec.argv[0], "-m", "widgets.kernel", *spec.argv[3:]]
            spec.env = {**kernel.SERVED_ENV, **MALLOC, **spec.env}
            spec.metadata = {**spec.metadata, "debugger": False}
        return spec


class EscapingMarkdownRenderer(VoilaMarkdownRenderer):
    """Notebook markdown for Voilà pages: raw HTML escaped, no local file inlined."""

    def __init__(self, *args, **kwargs):
        kwargs.update(escape=True, allow_harmful_protocols=False)
        super().__init__(*args, **kwargs)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        # Voilà's renderer would read `url` from the served folder and inline it.
        return IPythonRenderer.image(self, text, url, title)


class TemplateBytecode(BytecodeCache):
    """Compiled page templates, kept in memory for the server's life (jinja2's own hook).

    Voilà makes a new exporter, so a new jinja Environment, for every page and
    every pool kernel; each compiled its templates again (about 70 ms of the
    server's CPU a page, measured). With this cache a page loads them in ~1 ms.
    A template whose source changes is compiled again (jinja checks a checksum).
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = TemplateBytecode()


class CachedTemplatesExporter(VoilaExporter):
    """Voilà's exporter whose jinja Environment shares ``TEMPLATES`` (still one per page)."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = TEMPLATES
        return environment


def install_template_cache() -> None:
    """Make Voilà's page renderer use ``CachedTemplatesExporter``.

    Voilà (0.5) builds its exporter in code (``NotebookRenderer.initialize``
    calls the ``VoilaExporter`` name of ``voila.notebook_renderer``), with no
    setting for the class: replacing that one name is the only way in.
    tests/test_lean.py fails if Voilà stops building it that way.
    """
    notebook_renderer.VoilaExporter = CachedTemplatesExporter
