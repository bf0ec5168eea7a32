"""The store: the schema (``schema``), its migrations (``migrate``) and the one API (``api``).

``Store`` (SQLAlchemy Core) is imported when first named: a delegate's kernel
uses ``KernelStore`` (``lite.py``, the driver alone) and never loads SQLAlchemy.
"""

from typing import Any

from ..core.times import now
from .records import Delegation, Draft, DraftConflict

__all__ = ["Delegation", "Draft", "DraftConflict", "KernelStore", "Store", "now"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from .api import Store

        return Store
    if name == "KernelStore":
        from .lite import KernelStore

        return KernelStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
