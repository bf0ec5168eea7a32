"""The store: the schema (``schema``) and the one API that reads and writes it (``api``)."""

from .api import Delegation, Draft, DraftConflict, Store, now

__all__ = ["Delegation", "Draft", "DraftConflict", "Store", "now"]
