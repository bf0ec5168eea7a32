"""Autosave: ``DraftSession`` is the one code path that saves a delegate's draft.

Every save is a new version (see ``core.words`` for the draft's shape); the
workbook page and the load benchmark both use it. A draft past any limit of
``core.limits`` is refused here, before the store sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core import limits
from ..core.words import normalized, paper_words
from ..store import Draft, DraftConflict, now

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

THIN_EVERY = 25  # thin the history after this many saves


@dataclass
class DraftSession:
    """Saves one delegation's draft, version after version, noticing other tabs."""

    store: StoreContract
    delegation_id: int
    version: int = 0
    saved_at: datetime | None = None
    conflict: int | None = None  # the newer version another tab saved
    _saves: int = field(default=0, repr=False)

    def load(self, version: int | None = None) -> dict[str, Any]:
        """The latest (or a given) version's content; the session follows the latest."""
        latest = self.store.latest_draft(self.delegation_id)
        self._follow(latest)
        if version and latest and version != latest.version:
            older = self.store.draft(self.delegation_id, version)
            return normalized(older.content if older else None)
        return normalized(latest.content if latest else None)

    def _follow(self, draft: Draft | None) -> None:
        self.version = draft.version if draft else 0
        self.saved_at = draft.saved_at if draft else None
        self.conflict = None

    def save(self, content: dict[str, Any], overwrite: bool = False) -> bool:
        """Store ``content`` as a new version; False (and ``conflict`` set) when stale.

        ``overwrite`` saves over a newer version on purpose, after the delegate chose to.
        Raises ``LimitExceeded`` (nothing saved) when ``content`` is past a limit.
        """
        limits.enforce(normalized(content))
        based_on = self.conflict if overwrite and self.conflict else self.version
        at = now()
        try:
            self.version = self.store.save_draft(
                self.delegation_id, content, based_on, words=paper_words(content), saved_at=at
            )
        except DraftConflict as exc:
            self.conflict = exc.latest
            return False
        self.conflict = None
        self.saved_at = at
        self._saves += 1
        if self._saves % THIN_EVERY == 0:
            self.store.thin_drafts(self.delegation_id)
        return True
