"""The store's draft methods: versions saved with a conflict check, read back, thinned.

A mixin of ``Store`` (``api.py``): every save is a new version; a save based on
an old version (another tab or device saved in between) is a DraftConflict.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.times import now
from ..exceptions import StoreError
from .base import StoreBase
from .records import Draft, draft_body, thinned, unsaved
from .schema import drafts

# Built once: a workbook saves about once a second while its delegate types, and building
# the statements anew each time cost more CPU than running them.
_LATEST_VERSION = sa.select(sa.func.coalesce(sa.func.max(drafts.c.version), 0)).where(
    drafts.c.delegation_id == sa.bindparam("delegation_id")
)
# The next version, only if ``based_on`` is still the latest: the check and the insert in one
# statement (the database's CPU per save went down by about a third). No row back: stale.
_NEXT_VERSION = (
    drafts.insert()
    .from_select(
        ["delegation_id", "version", "content", "words", "saved_at"],
        sa.select(
            sa.bindparam("delegation_id", type_=sa.Integer),
            sa.func.coalesce(sa.func.max(drafts.c.version), 0) + 1,
            sa.cast(sa.bindparam("content", type_=sa.Text), sa.Text),  # PostgreSQL: a typed text
            sa.bindparam("words", type_=sa.Integer),
            sa.bindparam("saved_at", type_=drafts.c.saved_at.type),
        )
        .where(drafts.c.delegation_id == sa.bindparam("delegation_id"))
        .having(sa.func.coalesce(sa.func.max(drafts.c.version), 0) == sa.bindparam("based_on")),
    )
    .returning(drafts.c.version)
)


class DraftMethods(StoreBase):
    """Draft versions of a delegation; needs ``begin`` from ``Store``."""

    def save_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int | None,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> int:
        """Store a new version; raise DraftConflict unless ``based_on`` is the latest."""
        body = draft_body(content)
        if saved_at is not None and saved_at.tzinfo is None:  # as KernelStore: not wrapped
            raise StoreError("refusing a datetime without a time zone")
        values = {
            "delegation_id": delegation_id,
            "based_on": based_on or 0,
            "content": body,
            "words": words,
            "saved_at": saved_at or now(),
        }
        try:
            with self.begin() as conn:
                saved = conn.execute(_NEXT_VERSION, values).scalar()
        except sa.exc.IntegrityError:  # two saves raced for one version, or no such delegation
            saved = None
        if saved is not None:
            return saved
        with self.begin() as conn:
            latest = self._latest_version(conn, delegation_id)
        raise unsaved(delegation_id, based_on, latest)

    @staticmethod
    def _latest_version(conn: Connection, delegation_id: int) -> int:
        return conn.execute(_LATEST_VERSION, {"delegation_id": delegation_id}).scalar_one()

    def latest_draft(self, delegation_id: int) -> Draft | None:
        return self.draft(delegation_id, None)

    def draft(self, delegation_id: int, version: int | None) -> Draft | None:
        """One version, or the latest when ``version`` is None."""
        query = drafts.select().where(drafts.c.delegation_id == delegation_id)
        query = (
            query.where(drafts.c.version == version)
            if version
            else query.order_by(drafts.c.version.desc()).limit(1)
        )
        with self.begin() as conn:
            row = conn.execute(query).first()
        return _draft(row) if row else None

    def thin_drafts(self, delegation_id: int, keep_recent: int = 50, keep_hourly: int = 200) -> int:
        """Delete old versions: keep the newest ``keep_recent``, then the last of each hour.

        The latest version is always among those kept. Returns how many were deleted.
        """
        doomed = thinned(self.draft_history(delegation_id), keep_recent, keep_hourly)
        if doomed:
            with self.begin() as conn:
                conn.execute(
                    drafts.delete().where(
                        drafts.c.delegation_id == delegation_id, drafts.c.version.in_(doomed)
                    )
                )
        return len(doomed)

    def draft_history(self, delegation_id: int) -> list[tuple[int, datetime, int]]:
        """(version, saved_at, words) of every stored version, newest first."""
        query = (
            sa.select(drafts.c.version, drafts.c.saved_at, drafts.c.words)
            .where(drafts.c.delegation_id == delegation_id)
            .order_by(drafts.c.version.desc())
        )
        with self.begin() as conn:
            return [(v, t, w) for v, t, w in conn.execute(query)]


def _draft(row: Any) -> Draft:
    return Draft(
        delegation_id=row.delegation_id,
        version=row.version,
        content=json.loads(row.content),
        words=row.words,
        saved_at=row.saved_at,
    )
