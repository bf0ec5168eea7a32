"""The store: the schema (``schema``), its migrations (``migrate``) and the one API (``api``)."""

from .api import Delegation, Draft, DraftConflict, Store, now

__all__ = ["Delegation", "Draft", "DraftConflict", "Store", "now"]
