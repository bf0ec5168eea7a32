"""The delegates' entry page: one served page that opens the workbook its code names.

``munbook serve`` keeps a pool of kernels preheated on this page (Voilà's
``preheat_kernel``): the first cell imports the workbook app and opens the
store before anyone asks; the second waits for a request (``wait_for_request``),
reads ``?code=`` and shows that delegation's workbook behind the same gate as
the per-country pages (wrong codes slow down, a page left without a code frees
its kernel, a store that fails says so). Without a pool the same notebook runs
top to bottom in a fresh kernel, with the request already in its environment.
"""

from __future__ import annotations

import atexit
import gc
import json
import logging
import os
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from .. import settings
from ..core import committees, countries
from ..exceptions import MunbookError
from ..kernel.unannounced import unannounced
from ..store import Delegation, KernelStore, now
from .gate import CodeGate
from .workbook import WorkbookApp

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

TITLE = "Your position paper workbook"
NOT_SET_UP = "This workbook is not set up on this server. Ask your advisor."
log = logging.getLogger(__name__)
REQUEST_SECONDS = 5.0  # to reach the server's request socket; then it waits for a request


def warm() -> KernelStore | MunbookError:
    """What a kernel does before its request: open the store (or keep why it cannot).

    A preheated kernel also rehearses a workbook, so its delegate's page is
    as quick as a tenth page would be.
    """
    try:
        store = KernelStore()
    except MunbookError as exc:  # shown to the delegate who gets this kernel
        return exc
    if preheated():
        rehearse(store)
        # A kernel waiting in the pool holds no database connection (the next query opens one).
        store.dispose()
    return store


def preheated() -> bool:
    """True in a kernel Voilà started for its pool (before any request)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def rehearse(store: StoreContract) -> None:
    """Build a workbook for no delegation and throw it away.

    The first workbook a kernel builds reads committee files, fact tables and
    CLDR names and compiles its queries: about three times slower than the
    next one. Nothing of the rehearsal stays (its widgets are closed).
    """
    try:
        info = next(iter(committees.all_committees().values()))
        nation = countries.all_countries()[0]
        nobody = Delegation(0, info.key, nation.alpha3, "", "", now())
        with unannounced():  # no page will ever show it, nor hear of its closing
            try:
                app = WorkbookApp(store, nobody, info, nation)
                atexit.unregister(app._flush)
            finally:
                w.Widget.close_all()
    except Exception:  # the delegate's own page will say what is wrong
        log.warning("rehearsing a workbook failed", exc_info=True)
    finally:
        gc.collect()


def wait_for_request() -> None:
    """Block until Voilà hands this preheated kernel a request; put its CGI variables in os.environ.

    The protocol of ``voila.utils.wait_for_request`` (a websocket on
    ``/voila/query/<kernel id>`` that sends one JSON object), without importing
    ``voila.utils``, which would add about 47 MB to every kernel. A kernel that
    was not preheated (``VOILA_PREHEAT`` unset or False) has them already.
    """
    if not preheated():
        return
    from websockets.sync.client import connect

    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = f"ws://{host}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    try:
        with connect(url, open_timeout=REQUEST_SECONDS, max_size=2**20) as socket:
            info = json.loads(socket.recv())
    except (OSError, ValueError):  # no request info: the page asks for the code instead
        return
    os.environ.update({str(k): str(v) for k, v in info.items()})


def entry_page(store: StoreContract | MunbookError | None = None) -> w.Widget:
    """Wait for the request, then the gate for ``?code=``; the code's workbook once it opens."""
    wait_for_request()
    if store is None:
        store = warm()
    if isinstance(store, MunbookError):  # e.g. the schema is not made yet: never a blank page
        return w.HTML(f"<p class='mb-over'>{escape(str(store))}</p>")
    opened = store

    def check(code: str) -> Delegation | None:
        found = opened.delegation_for_code(code)
        return opened.delegation(found) if found is not None else None

    # The page is not connected yet: it asks for every widget's state once it is.
    with unannounced():
        return CodeGate(
            TITLE,
            check=check,
            open_page=lambda delegation: open_workbook(opened, delegation),
            scope="delegate:entry",
            store=opened,
        )


def open_workbook(store: StoreContract, delegation: Delegation) -> w.Widget:
    """The delegation's workbook, as its own page shows it, once its workbook is generated."""
    info, nation = committees.load(delegation.committee), countries.lookup(delegation.country)
    # `munbook generate` decides which delegations have a workbook on this server.
    if not settings.workbook_file(info.key, nation.name).exists():
        return w.HTML(f"<p>{escape(NOT_SET_UP)}</p>")
    return WorkbookApp(store, delegation, info, nation)
