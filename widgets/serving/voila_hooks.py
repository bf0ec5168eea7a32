"""Hooks into Voilà for ``munbook serve``: leaner kernels, escaped markdown, templates
compiled once, no trust check per page.

``LeanKernelSpecs`` goes in through Voilà's setting for it
(``VoilaConfiguration.kernel_spec_manager_class``), ``EscapingMarkdownRenderer``
through the exporter's (``VoilaExporter.markdown_renderer_class``); the template
cache and the contents manager have none, see ``install_hooks``.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server.services.contents.largefilemanager import LargeFileManager
from nbconvert.filters.markdown_mistune import IPythonRenderer
from voila.exporter import VoilaExporter, VoilaMarkdownRenderer

from .. import upstream
from ..kernel import launcher as kernel

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
    upstream.replace("voila.notebook_renderer:VoilaExporter", CachedTemplatesExporter)


class UntrustedContents(LargeFileManager):
    """Voilà's contents manager, without Jupyter's trust check on every page opened.

    Trust decides whether outputs saved in a notebook are shown without running it.
    munbook serves notebooks saved without outputs and Voilà runs them, yet each page
    GET signed the notebook, looked it up in Jupyter's signature database (a file in
    the user's Jupyter data folder, outside munbook's home) and logged "Notebook X is
    not trusted": hundreds of lines burying the log when a committee opened its pages.
    """

    def mark_trusted_cells(self, nb, path: str = "") -> None:
        # What the failed check marked, without the notary: making one opens its database.
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.metadata["trusted"] = False


def install_hooks() -> None:
    """The hooks Voilà has no setting for: the template cache and the contents manager.

    Voilà (0.5) makes its contents manager in ``Voila.init_settings`` from the
    ``LargeFileManager`` name of ``voila.app``; tests/test_serve.py finds the trust
    warning in a served page's log again if it stops doing so.
    """
    install_template_cache()
    upstream.replace("voila.app:LargeFileManager", UntrustedContents)
