"""The kernel's store's held drafts, in plain SQL: as ``held.py`` does for ``Store``.

A mixin of ``KernelStore`` (``lite.py``); it needs that class's ``_cursor``,
``_rows``, ``_write`` and ``_db`` and, like it, no SQLAlchemy.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..core.times import now
from ..exceptions import StoreError
from .records import Draft, draft_body

_INSERT = (
    "INSERT INTO held_drafts (delegation_id, based_on, content, words, saved_at) "
    "VALUES (?, ?, ?, ?, ?)"
)


class LiteHeldMethods:
    """``hold_draft``, ``held_draft`` and ``drop_held`` over the kernel's one connection."""

    _db: Any
    _cursor: Any
    _rows: Any
    _write: Any

    def hold_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> None:
        """As ``Store.hold_draft``: keep ``content`` aside, replacing the one kept before."""
        body, at = draft_body(content), saved_at or now()
        if at.tzinfo is None:
            raise StoreError("refusing a datetime without a time zone")
        with self._cursor() as cur:
            cur.execute(
                self._db.sql("DELETE FROM held_drafts WHERE delegation_id = ?"), (delegation_id,)
            )
            args = (delegation_id, based_on, body, words, self._db.bind(at.astimezone(UTC)))
            cur.execute(self._db.sql(_INSERT), args)

    def held_draft(self, delegation_id: int) -> Draft | None:
        rows = self._rows(
            "SELECT based_on, content, words, saved_at FROM held_drafts WHERE delegation_id = ?",
            delegation_id,
        )
        if not rows:
            return None
        based_on, content, words, saved_at = rows[0]
        return Draft(delegation_id, based_on, json.loads(content), words, self._db.time(saved_at))

    def drop_held(self, delegation_id: int) -> None:
        self._write("DELETE FROM held_drafts WHERE delegation_id = ?", delegation_id)
