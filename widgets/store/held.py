"""The store's held drafts: a draft past a limit, kept aside until it is shorter.

A mixin of ``Store`` (``api.py``). One per delegation, replaced at each refused
save and dropped at the next saved version; never a version, so never the
paper or its preview. ``lite_held.py`` is the kernel's store's twin.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..core.times import now
from .base import StoreBase
from .records import Draft, draft_body
from .schema import held_drafts


class HeldMethods(StoreBase):
    """Held drafts of a delegation; needs ``begin`` from ``Store``."""

    def hold_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> None:
        """Keep ``content`` aside (replacing the one kept before); StoreError past the byte floor."""
        row = {
            "delegation_id": delegation_id,
            "based_on": based_on,
            "content": draft_body(content),
            "words": words,
            "saved_at": saved_at or now(),
        }
        where = held_drafts.c.delegation_id == delegation_id
        with self.begin() as conn:
            conn.execute(held_drafts.delete().where(where))
            conn.execute(held_drafts.insert().values(row))

    def held_draft(self, delegation_id: int) -> Draft | None:
        """The draft kept aside (``version`` is the one it was typed on), if any."""
        query = held_drafts.select().where(held_drafts.c.delegation_id == delegation_id)
        with self.begin() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Draft(delegation_id, row.based_on, json.loads(row.content), row.words, row.saved_at)

    def drop_held(self, delegation_id: int) -> None:
        with self.begin() as conn:
            conn.execute(held_drafts.delete().where(held_drafts.c.delegation_id == delegation_id))
