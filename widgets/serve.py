"""``munbook serve``: Voilà over the generated workbooks and the staff apps.

``MunbookVoila`` is Voilà's own app with munbook's defaults as traitlets: no
tracebacks for users, idle kernels culled, and an access log that never
prints a query string (where access codes travel).
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from urllib.parse import quote

from traitlets import default
from traitlets.config import Config
from voila.app import Voila

from . import settings
from .exceptions import MunbookError
from .workflows import generate

APPS = ("advisor", "chair")
access_log = logging.getLogger("munbook.access")


def redacted_log(handler) -> None:
    """Tornado's access log line, without the query string (codes travel there)."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    request = handler.request
    access_log.log(
        level,
        "%d %s %s %.0fms",
        status,
        request.method,
        request.path,
        1000 * request.request_time(),
    )


class MunbookVoila(Voila):
    """Voilà with munbook's serving defaults."""

    name = "munbook-serve"

    @default("tornado_settings")
    def _default_tornado_settings(self) -> dict:
        return {"log_function": redacted_log}

    @default("open_browser")
    def _default_open_browser(self) -> bool:
        return False

    @default("port_retries")
    def _default_port_retries(self) -> int:
        return 0


def serving_config(cull_idle_seconds: int = 3600) -> Config:
    config = Config()
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|jpeg|gif|svg)$"]
    config.MappingKernelManager.cull_idle_timeout = cull_idle_seconds
    config.MappingKernelManager.cull_interval = 60
    config.MappingKernelManager.cull_connected = False
    return config


def install_apps() -> dict[str, Path]:
    """Copy the advisor and chair notebooks under home()/apps (unchanged ones stay)."""
    folder = settings.ensure_dir(settings.apps_dir())
    installed = {}
    for name in APPS:
        source = settings.NOTEBOOKS_DIR / f"{name}.ipynb"
        target = folder / source.name
        generate.write_if_changed(target, source.read_text(encoding="utf-8"))
        installed[name] = target
    return installed


def url_for(base: str, path: Path, code: str | None = None) -> str:
    """The Voilà URL of a notebook under home(), optionally carrying a code."""
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
                f"port {port} on {host} is in use; choose another with --port"
            ) from None


def make_app(host: str = "127.0.0.1", port: int = 8866) -> MunbookVoila:
    """A configured, initialised Voilà app serving home(); call ``start()`` to run it."""
    check_port(host, port)
    install_apps()
    root = settings.ensure_dir(settings.site_dir())
    app = MunbookVoila(config=serving_config())
    app.initialize([str(root), f"--port={port}", f"--Voila.ip={host}"])
    # Our redacted access lines go out through Voilà's own log handler.
    access_log.parent = app.log
    access_log.setLevel(logging.INFO)
    return app
