"""Autosave: ``DraftSession`` is the one code path that saves a delegate's draft.

Every save is a new version (see ``core.words`` for the draft's shape); the
workbook page and the load benchmark both use it. A draft past any limit of
``core.limits`` is refused here, before the store sees it. When another tab
saved first, the two are merged field by field against the version this tab
started from (``core.merge``); only a field both changed waits for the delegate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core import limits
from ..core.merge import Clash, merge
from ..core.words import empty_draft, normalized, paper_words
from ..store import Draft, DraftConflict, now

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

THIN_EVERY = 25  # thin the history after this many saves
MERGE_TRIES = 3  # tabs saving in a race: merge again at most this often, then ask


@dataclass
class DraftSession:
    """Saves one delegation's draft, version after version, noticing other tabs."""

    store: StoreContract
    delegation_id: int
    version: int = 0
    saved_at: datetime | None = None
    conflict: int | None = None  # the newer version another tab saved, while fields clash
    clashes: list[Clash] = field(default_factory=list)  # the fields both tabs changed
    merged: dict[str, Any] | None = None  # what the page shows now, after a merge
    from_theirs: list[str] = field(default_factory=list)  # fields the merge took from the other
    base: dict[str, Any] = field(default_factory=empty_draft, repr=False)  # ``version``'s content
    _saves: int = field(default=0, repr=False)

    def load(self, version: int | None = None) -> dict[str, Any]:
        """The latest (or a given) version's content; the session follows the latest."""
        latest = self.store.latest_draft(self.delegation_id)
        self._follow(latest)
        if version and latest and version != latest.version:
            older = self.store.draft(self.delegation_id, version)
            return normalized(older.content if older else None)
        return normalized(self.base)

    def follow(self, version: int) -> None:
        """Save next as typed on ``version`` (a held draft's): newer versions are merged in."""
        self._follow(self.store.draft(self.delegation_id, version) if version else None)
        if self.version != version:  # thinned away: the latest is the nearest base
            self._follow(self.store.latest_draft(self.delegation_id))

    def _follow(self, draft: Draft | None) -> None:
        self.version = draft.version if draft else 0
        self.saved_at = draft.saved_at if draft else None
        self.base = normalized(draft.content if draft else None)
        self.conflict, self.clashes = None, []

    def save(self, content: dict[str, Any]) -> bool:
        """Store ``content`` as a new version; False (``conflict`` and ``clashes`` set) if fields clash.

        Another tab's newer version is merged in first: ``merged`` is then the content
        the page must show. Raises ``LimitExceeded`` (nothing saved) when past a limit.
        """
        limits.enforce(normalized(content))
        for _ in range(MERGE_TRIES):
            at = now()
            try:
                self.version = self.store.save_draft(
                    self.delegation_id,
                    content,
                    self.version,
                    words=paper_words(content),
                    saved_at=at,
                )
            except DraftConflict:
                content = self._merge(content)
                if self.conflict:
                    return False
                limits.enforce(content)  # both halves fit, the whole may not
                continue
            self.saved_at, self.base = at, normalized(content)
            self._saves += 1
            if self._saves % THIN_EVERY == 0:
                self.store.thin_drafts(self.delegation_id)
            return True
        self.conflict = self.version  # still racing: the delegate decides
        return False

    def _merge(self, mine: dict[str, Any]) -> dict[str, Any]:
        """Merge ``mine`` with the latest version; follow it; set ``clashes`` and ``conflict``."""
        started_from = self.base
        self._follow(self.store.latest_draft(self.delegation_id))
        result = merge(started_from, mine, self.base)
        self.merged = result.content
        self.from_theirs += result.from_theirs
        if result.clashes:
            self.conflict, self.clashes = self.version, result.clashes
        return result.content

    def take_merged(self) -> tuple[dict[str, Any], list[str]] | None:
        """(the merged content, fields taken from the other tab) once, for the page to show."""
        if self.merged is None:
            return None
        found = (self.merged, self.from_theirs)
        self.merged, self.from_theirs = None, []
        return found

    def resolved(self) -> None:
        """The delegate chose every clashing field: the next save is an ordinary one."""
        self.conflict, self.clashes = None, []
