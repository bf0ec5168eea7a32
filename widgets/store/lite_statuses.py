"""The kernel's store's review statuses, in plain SQL: read only, as ``statuses.py`` reads them.

A mixin of ``KernelStore`` (``lite.py``); the delegate's header shows where
their paper stands. No SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

from ..core.review_status import Mark

_MARKS = (
    "SELECT r.id, r.submission_id, r.status, r.set_by_key, r.set_by_name, r.note, r.set_at "
    "FROM review_statuses r JOIN submissions s ON s.id = r.submission_id "
    "WHERE s.delegation_id = ? ORDER BY r.set_at, r.id"
)


class LiteStatusMethods:
    """``status_marks`` over the kernel's one connection."""

    _db: Any
    _rows: Any

    def status_marks(self, delegation_id: int) -> list[Mark]:
        """As ``Store.status_marks``: every status on the delegation's submissions, oldest first."""
        return [
            Mark(id_, sub, status, key, name, note, self._db.time(at))
            for id_, sub, status, key, name, note, at in self._rows(_MARKS, delegation_id)
        ]
