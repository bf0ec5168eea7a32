"""Every name munbook replaces in, or reads from inside, the Jupyter stack and the standard library.

munbook reaches into ipykernel, Voilà, jupyter_server, comm and zipfile for speed,
memory and safety. Each such name is a row of ``PATCHES``: what it is, where munbook
does it, why, and the versions it was tested on (pyproject.toml excludes the next
major of each). ``problems()`` checks that each still has the shape munbook relies
on; tests/test_upstream.py runs it per row, so an upstream change fails by name.

Every replacement goes through ``replace`` (or ``replaced``, for one call): it refuses
a name that is not in the table, so the table cannot fall behind the code
(tests/test_upstream.py also checks that no other module assigns into upstream's).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass

from .exceptions import MunbookError

TESTED = "ipykernel 7.4, voila 0.5.13, jupyter_server 2.21, comm 0.2.3, Python 3.11"


@dataclass(frozen=True)
class Patch:
    target: str  # module:attribute (dots inside the attribute walk into it)
    how: str  # replaced, swapped for a call, subclassed, overridden, read, called
    where: str  # the munbook module that does it
    why: str
    needs: tuple[str, ...] = ()  # attributes the target must still have
    replaces: tuple[str, ...] = ()  # names munbook puts in place on an instance of it


PATCHES = (
    Patch("voila.notebook_renderer:VoilaExporter", "replaced", "serving.voila_hooks",
          "page templates compiled once per server, not once per page",
          ("_create_environment",)),
    Patch("voila.app:LargeFileManager", "replaced", "serving.voila_hooks",
          "no notebook trust check (and signature database) per page", ("mark_trusted_cells",)),
    Patch("voila.request_info_handler:RequestInfoSocketHandler", "subclassed", "serving.serve",
          "only the kernel itself waits for its request; a close removes its own entry",
          ("_waiters", "_cache", "open", "on_close", "send_updates")),
    Patch("voila.tornado.handler:TornadoVoilaHandler", "subclassed", "serving.serve",
          "the kernel cap's busy page, the XSRF cookie, the client address",
          ("get", "should_use_rendered_notebook")),
    Patch("voila.shutdown_kernel_handler:VoilaShutdownKernelHandler", "subclassed",
          "serving.serve", "a closed page's last typing saved before its kernel goes", ("post",)),
    Patch("voila.voila_kernel_manager:voila_kernel_manager_factory", "read", "serving.kernel_cap",
          "pool refills wait for calm (_initialize), started kernels first (_pools)",
          replaces=("_initialize",)),
    Patch("jupyter_server.services.kernels.kernelmanager:AsyncMappingKernelManager",
          "overridden", "serving.activity",
          "a cheaper activity watch; _kernel_connections read to reclaim orphans",
          ("start_watching_activity", "track_message_type", "_kernel_connections")),
    Patch("ipykernel.kernelapp:IOPubThread", "swapped for a call", "kernel.iopub",
          "a served kernel's main thread sends its own IOPub messages"),
    Patch("ipykernel.iostream:IOPubThread", "subclassed", "kernel.iopub",
          "sends from the main thread under one lock; no subscription reader",
          ("_really_send", "_setup_xpub_listener", "send_multipart", "close")),
    Patch("ipykernel.kernelapp:IPKernelApp", "subclassed", "kernel.iopub",
          "no shell thread; comm handlers behind kernel.guard",
          ("init_sockets", "init_iopub", "init_kernel", "shell_channel_thread")),
    Patch("comm.base_comm:CommManager", "wrapped", "kernel.guard",
          "ipykernel's shell_handlers call these; the guard bounds them before the code",
          ("comm_open", "comm_msg", "comm_close"), ("comm_open", "comm_msg", "comm_close")),
    Patch("IPython.core.interactiveshell:InteractiveShell", "replaced on the instance",
          "kernel.guard", "a served kernel's tracebacks go to the server's log, not the page",
          ("showtraceback",), ("showtraceback",)),
    Patch("comm:create_comm", "swapped for a call", "kernel.unannounced",
          "widgets made before the page connects publish nothing"),
    Patch("zipfile:_EndRecData", "called", "workflows.ingest_sources",
          "a zip's entry count read before any entry is"),
)  # fmt: skip


def resolve(target: str) -> object:
    module, _, attribute = target.partition(":")
    found: object = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def problems(patch: Patch) -> list[str]:
    """What no longer holds for ``patch`` (empty while upstream keeps its shape)."""
    try:
        found = resolve(patch.target)
    except (ImportError, AttributeError) as exc:
        return [f"{patch.target} ({patch.where}: {patch.why}) is gone: {exc}"]
    return [
        f"{patch.target}.{name} ({patch.where}: {patch.why}) is gone"
        for name in patch.needs
        if not hasattr(found, name) and name not in getattr(found, "class_traits", dict)()
    ]


class UnlistedPatch(MunbookError):
    """A replacement of an upstream name that ``PATCHES`` does not list."""


def _row(name: str) -> tuple[Patch, str]:
    """The row that lists ``name`` ("module:Attr" or "module:Attr.replaced") and the name
    replaced ("" for the row's own target)."""
    for patch in PATCHES:
        if name == patch.target:
            return patch, ""
        head, _, tail = name.rpartition(".")
        if head == patch.target and tail in patch.replaces:
            return patch, tail
    raise UnlistedPatch(f"{name} is not in widgets/upstream.py's PATCHES: add its row first")


def replace(name: str, new: object, *, on: object = None) -> object:
    """Put ``new`` in place of the upstream ``name`` and return what was there.

    ``name`` is a row's target (a module's attribute), or a row's target and one of its
    ``replaces`` names, set on ``on`` (an instance of the target, or a mapping of them).
    """
    patch, attribute = _row(name)
    if not attribute:
        module, _, attribute = patch.target.partition(":")
        if on is not None or "." in attribute:
            raise UnlistedPatch(f"{name}: only a module's own name is replaced there")
        on = importlib.import_module(module)
    elif on is None:
        raise UnlistedPatch(f"{name} is replaced on an instance: pass it as on=")
    if isinstance(on, MutableMapping):
        old = on[attribute]
        on[attribute] = new
    else:
        old = getattr(on, attribute)
        setattr(on, attribute, new)
    return old


@contextmanager
def replaced(name: str, new: object, *, on: object = None) -> Iterator[object]:
    """``replace`` for the length of a ``with`` block; yields what was there."""
    old = replace(name, new, on=on)
    try:
        yield old
    finally:
        replace(name, old, on=on)
