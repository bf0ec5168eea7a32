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
import logging
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from .. import settings
from ..core import committees, countries
from ..exceptions import MunbookError
from ..kernel.request import preheated, wait_for_request
from ..kernel.unannounced import unannounced
from ..store import Delegation, KernelStore, now
from .gate import CodeGate
from .workbook import WorkbookApp

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

TITLE = "Your position paper workbook"
NOT_SET_UP = "This workbook is not set up on this server. Ask your advisor."
log = logging.getLogger(__name__)


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
            store=opened,
        )


def open_workbook(store: StoreContract, delegation: Delegation) -> w.Widget:
    """The delegation's workbook, as its own page shows it, once its workbook is generated."""
    info, nation = committees.load(delegation.committee), countries.lookup(delegation.country)
    # `munbook generate` decides which delegations have a workbook on this server.
    if not settings.workbook_file(info.key, nation.name).exists():
        return w.HTML(f"<p>{escape(NOT_SET_UP)}</p>")
    return WorkbookApp(store, delegation, info, nation)
