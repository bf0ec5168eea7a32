"""A delegate's draft: what it holds, how words are counted, and how it is saved.

The draft is one JSON document per version:
``{"sections": {"A.background": md, ...}, "notes": {"A.0": text, ...},
"sources": [{author, title, publisher, date, url, accessed}, ...],
"disclosure": text}``. ``DraftSession`` is the one code path that saves
it, used by the workbook page and by the load benchmark alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .committees import Committee
from .store import Draft, DraftConflict, Store, now

# CJK, kana, hangul and Thai are written without spaces: count each character
# as a word there, and runs of letters or digits elsewhere.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\s{_UNSPACED}]*[^\W_][^\s{_UNSPACED}]*")
THIN_EVERY = 25  # thin the history after this many saves


def count_words(text: str) -> int:
    """Words in ``text``, as a delegate and a chair would count them."""
    return len(_WORD.findall(text or ""))


def section_key(topic: str, section: str) -> str:
    return f"{topic}.{section}"


def empty_draft() -> dict[str, Any]:
    return {"sections": {}, "notes": {}, "sources": [], "disclosure": ""}


def normalized(content: dict[str, Any] | None) -> dict[str, Any]:
    """``content`` with every expected key present (older versions may lack some)."""
    draft = empty_draft()
    draft.update(content or {})
    return draft


def paper_words(content: dict[str, Any]) -> int:
    """Words of the paper's sections (works cited and notes do not count)."""
    return sum(count_words(t) for t in normalized(content)["sections"].values())


def topic_words(content: dict[str, Any], committee: Committee, topic: str) -> int:
    sections = normalized(content)["sections"]
    return sum(
        count_words(sections.get(section_key(topic, s.key), "")) for s in committee.rules.sections
    )


@dataclass
class DraftSession:
    """Saves one delegation's draft, version after version, noticing other tabs."""

    store: Store
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
        """
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
