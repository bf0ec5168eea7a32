"""The store: the schema (``schema``), its migrations (``migrate``) and the one API (``api``)."""

from .api import Delegation, Store, now
from .drafts import Draft, DraftConflict

__all__ = ["Delegation", "Draft", "DraftConflict", "Store", "now"]
