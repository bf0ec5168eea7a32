"""Both stores satisfy ``StoreContract``: mypy checks these two assignments.

A module of its own, so that neither store imports the contract's check (the
contract names ``Store`` for ``full_store``; ``api.py`` importing it back
would make an import circle). Nothing in munbook imports it; the contract's
tests do, and mypy reads it with the rest of ``widgets``.
"""

from __future__ import annotations

from .api import Store
from .contract import StoreContract
from .lite import KernelStore

KERNEL_STORE: type[StoreContract] = KernelStore
STORE: type[StoreContract] = Store
