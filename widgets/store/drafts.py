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

from ..core.limits import DRAFT_BYTES
from ..core.times import now
from ..exceptions import StoreError
from .records import Draft, DraftConflict, thinned
from .schema import drafts


class DraftMethods:
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
        body = json.dumps(content, ensure_ascii=False)
        if len(body.encode()) > DRAFT_BYTES:  # the limits are checked above; this is the floor
            raise StoreError(f"a draft is at most {DRAFT_BYTES:,} bytes; nothing was saved")
        latest = 0
        try:
            with self.begin() as conn:
                latest = self._latest_version(conn, delegation_id)
                if (based_on or 0) != latest:
                    raise DraftConflict(latest)
                conn.execute(
                    drafts.insert().values(
                        delegation_id=delegation_id,
                        version=latest + 1,
                        content=body,
                        words=words,
                        saved_at=saved_at or now(),
                    )
                )
                return latest + 1
        except sa.exc.IntegrityError:
            with self.begin() as conn:
                now_latest = self._latest_version(conn, delegation_id)
            if now_latest > latest:  # two saves raced for one version: the loser conflicts
                raise DraftConflict(now_latest) from None
            raise StoreError(f"no delegation with id {delegation_id}") from None

    @staticmethod
    def _latest_version(conn: Connection, delegation_id: int) -> int:
        return conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(drafts.c.version), 0)).where(
                drafts.c.delegation_id == delegation_id
            )
        ).scalar_one()

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
