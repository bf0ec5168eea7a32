"""``munbook serve``: Voilà over the generated workbooks and the staff apps.

``MunbookVoila`` is Voilà's own app with munbook's defaults as traitlets: it
serves ``settings.site_dir()`` and nothing beside it; no tree listing, no
contents API, no files route; markdown is rendered as text (raw HTML
escaped); at most ``max_kernels`` kernels at once (then a "busy" page, HTTP
503); kernels whose browser has gone are culled; the page sets the XSRF
cookie Voilà's shutdown-on-close needs; and the access log never prints a
query string (where access codes travel).

With ``pool`` > 0 (``--pool``) the entry page (``site/open.ipynb``) is served
from Voilà's preheated kernels; they count towards ``max_kernels``, a refill
waits for room and calm, and a request finding none ready starts one. With
``spare`` > 0 (``--spare``, for ``serve --workers``) as many more are kept
ready for pages moved from a dead worker (``peers.moved``).
"""

from __future__ import annotations

import gc
import logging
import os
import re
import socket
from pathlib import Path
from urllib.parse import quote

from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Float, Integer, default
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .. import settings
from ..exceptions import MunbookError
from ..workflows import generate
from . import orphans
from .handlers import (
    CLIENT_HEADER,
    ClosedHandler,
    GraceShutdownHandler,
    RenderHandler,
    RequestInfoHandler,
)
from .http_pages import SECURITY_HEADERS, DocsPage, LocalAsset, redact_logs, secured
from .http_pages import access_log as access_log
from .http_pages import plain_page as plain_page
from .http_pages import redacted_log as redacted_log
from .kernel_cap import CappedKernelManager as CappedKernelManager
from .kernel_cap import KernelsBusy as KernelsBusy
from .kernel_cap import check_pool as check_pool
from .kernel_cap import pool_and_spare, prepare_manager
from .kernel_cap import ready_first as ready_first
from .voila_hooks import EscapingMarkdownRenderer, LeanKernelSpecs, install_hooks

APPS = ("advisor", "chair")


class MunbookVoila(Voila):
    """Voilà with munbook's serving defaults."""

    name = "munbook-serve"
    max_kernels = Integer(help="Kernels at once; past it pages answer 503 busy.").tag(config=True)
    gate_timeout = Float(help="Seconds a page waits for its code, then frees its kernel.").tag(
        config=True
    )
    pool = Integer(0, help="Kernels kept preheated for the entry page (0: none).")
    spare = Integer(0, help="Preheated kernels beside the pool, for moved pages.")

    @default("max_kernels")
    def _default_max_kernels(self) -> int:
        return settings.max_kernels()

    @default("gate_timeout")
    def _default_gate_timeout(self) -> float:
        return settings.gate_timeout()

    @default("tornado_settings")
    def _default_tornado_settings(self) -> dict:
        return {
            "log_function": redacted_log,
            "xsrf_cookie_kwargs": {"samesite": "Strict"},
            "headers": dict(SECURITY_HEADERS),  # jupyter_server's handlers add these
            "websocket_max_message_size": settings.MAX_MESSAGE_BYTES,
        }

    @default("open_browser")
    def _default_open_browser(self) -> bool:
        return False

    @default("port_retries")
    def _default_port_retries(self) -> int:
        return 0

    def init_settings(self) -> dict:
        tornado_settings = super().init_settings()
        prepare_manager(self.kernel_manager, self.max_kernels, self.pool, self.log, self.spare)
        return tornado_settings

    def listen(self) -> None:
        # What is loaded by now lives as long as the server: out of the way of Python's
        # full collections (with 200 pages open each took 0.2-0.4 s; the pages waited).
        gc.collect()
        gc.freeze()
        self.orphan_check = orphans.start(self.kernel_manager)
        super().listen()

    def init_handlers(self) -> list:
        """Voilà's routes, with the page handler wrapped and the listings closed."""
        handlers = []
        for route in super().init_handlers():
            pattern, handler, *rest = route
            if handler is TornadoVoilaHandler:
                handlers.append((pattern, RenderHandler, *rest))
            elif handler is VoilaShutdownKernelHandler:
                handlers.append((pattern, GraceShutdownHandler, *rest))
            elif handler is RequestInfoSocketHandler:
                handlers.append((pattern, RequestInfoHandler, *rest))
            elif handler in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                handlers.append((pattern, ClosedHandler))
            elif isinstance(handler, type) and issubclass(handler, web.StaticFileHandler):
                handlers.append((pattern, secured(handler), *rest))  # Voilà's static files
            else:
                handlers.append(route)
        static = url_path_join(self.server_url, "munbook/static/fontawesome/(.*)")
        handlers.insert(0, (static, LocalAsset, {"path": str(settings.fontawesome_dir())}))
        docs = url_path_join(self.server_url, settings.DOCS_ROUTE)  # the guides, read-only
        handlers.insert(
            0,
            (
                f"{docs}/(.*)",
                DocsPage,
                {"path": str(settings.docs_dir()), "default_filename": "index.html"},
            ),
        )
        handlers.insert(0, (docs, secured(web.RedirectHandler), {"url": f"{docs}/"}))
        return handlers


def kernel_environment(ip: str, port: int, base_url: str = "/") -> None:
    """What kernels inherit: this server's own address and the gate timeout.

    Set before the app starts its pool: preheated kernels copy the environment then.
    """
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(ip, ip)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    os.environ["MUNBOOK_SERVER_URL"] = f"http://{host}:{port}{base_url}"
    os.environ["MUNBOOK_GATE_TIMEOUT"] = str(settings.gate_timeout())
    os.environ["VOILA_APP_IP"] = host  # where a preheated kernel asks for its request


def serving_config(
    cull_idle_seconds: int | None = None, pool: int = 0, root: Path | None = None
) -> Config:
    config = Config()
    voila = config.VoilaConfiguration
    voila.show_tracebacks = False
    voila.file_allowlist = []  # the pages need no file from the site folder
    voila.file_denylist = [r".*"]
    voila.allow_template_override = "NO"
    voila.allow_theme_override = "NO"
    # Voilà's lab page plus a plain "connection lost" message (templates/jupyter/...).
    voila.template = settings.PAGE_TEMPLATE
    voila.http_header_envs = [CLIENT_HEADER]  # as HTTP_X_MUNBOOK_CLIENT in the kernel
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(settings.PAGE_TEMPLATE_ROOT) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(settings.PAGE_TEMPLATE_ROOT), *paths])
    voila.multi_kernel_manager_class = CappedKernelManager
    voila.kernel_spec_manager_class = LeanKernelSpecs
    config.VoilaExporter.sanitize_html = True
    config.VoilaExporter.markdown_renderer_class = EscapingMarkdownRenderer
    # Kernels talk to their server over Unix sockets: no TCP ports, which the kernels of
    # several workers (serve --workers) would otherwise pick at random and collide on.
    config.KernelManager.transport = "ipc"
    kernels = config.MappingKernelManager
    kernels.cull_idle_timeout = cull_idle_seconds or settings.idle_timeout()
    kernels.cull_interval = 60
    kernels.cull_connected = False  # a page with its browser attached is never culled
    if pool:
        voila.preheat_kernel = True
        voila.default_pool_size = pool
        # Only the entry page is pooled, never the thousands of per-country workbooks.
        # Voilà matches these against each notebook's path under its (absolute) root.
        folder = os.path.abspath(root or settings.site_dir())
        entry = re.escape(os.path.join(folder, settings.ENTRY_PAGE))
        config.VoilaKernelManager.preheat_denylist = [rf"^(?!{entry}$).*"]
    return config


def install_apps() -> dict[str, Path]:
    """Copy the advisor and chair notebooks under site/apps and the entry page to site/."""
    folder = settings.ensure_dir(settings.apps_dir())
    installed = {}
    for name in APPS:
        source = settings.NOTEBOOKS_DIR / f"{name}.ipynb"
        target = folder / source.name
        generate.write_if_changed(target, source.read_text(encoding="utf-8"))  # unchanged: kept
        installed[name] = target
    entry = settings.entry_file()
    source = settings.NOTEBOOKS_DIR / settings.ENTRY_PAGE
    generate.write_if_changed(entry, source.read_text(encoding="utf-8"))
    installed["entry"] = entry
    return installed


def url_for(base: str, path: Path, code: str | None = None) -> str:
    """The Voilà URL of a notebook under site/, optionally carrying a code."""
    relative = path.resolve().relative_to(settings.site_dir().resolve()).as_posix()
    url = f"{base}/voila/render/{quote(relative)}"
    return f"{url}?code={quote(code)}" if code else url


def check_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise MunbookError(
                f"port {port} on {host} is in use; choose another with --port "
                "(`make demo PORT=8877` for the demo)"
            ) from None


def make_app(host: str = "127.0.0.1", port: int = 8866) -> MunbookVoila:
    """A configured, initialised Voilà app serving site/; call ``start()`` to run it."""
    check_port(host, port)
    install_hooks()
    pool, spare = pool_and_spare()
    install_apps()
    root = settings.ensure_dir(settings.site_dir())
    kernel_environment(host, port)
    app = MunbookVoila(config=serving_config(pool=pool + spare, root=root))
    app.pool, app.spare = pool, spare
    app.initialize([str(root), f"--port={port}", f"--Voila.ip={host}"])
    # Our redacted access lines go out through Voilà's own log handler.
    access_log.parent = app.log
    access_log.setLevel(logging.INFO)
    redact_logs()  # Tornado's and Jupyter's own lines too (a 404 logs its whole URL)
    return app
