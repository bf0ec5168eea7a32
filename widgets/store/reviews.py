"""The store's review methods: each chair's scores per paper, and when feedback is released.

A mixin of ``Store`` (``api.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..core.times import now
from ..exceptions import StoreError
from .base import StoreBase
from .schema import delegations, feedback_releases, reviews
from .staff import refuse_revoked


class ReviewMethods(StoreBase):
    """Reviews and feedback release times; needs ``begin`` from ``Store``."""

    def save_review(
        self, delegation_id: int, chair: str, scores: dict[str, float], comments: str = ""
    ) -> None:
        """Insert or replace one chair's review of one delegation's paper."""
        values = {"scores": json.dumps(scores), "comments": comments, "updated_at": now()}
        with self.begin() as conn:
            refuse_revoked(conn, chair)
            updated = conn.execute(
                reviews.update()
                .where(reviews.c.delegation_id == delegation_id, reviews.c.chair == chair)
                .values(**values)
            )
            if updated.rowcount == 0:
                conn.execute(
                    reviews.insert().values(delegation_id=delegation_id, chair=chair, **values)
                )

    def set_feedback_release(self, committee: str, release_at: datetime) -> None:
        """Feedback of ``committee`` becomes visible to delegates from ``release_at``."""
        if release_at.tzinfo is None:
            raise StoreError("a release time needs a time zone (or UTC)")
        with self.begin() as conn:
            conn.execute(
                feedback_releases.delete().where(feedback_releases.c.committee == committee)
            )
            conn.execute(
                feedback_releases.insert().values(
                    committee=committee, release_at=release_at, set_at=now()
                )
            )

    def feedback_release(self, committee: str) -> datetime | None:
        query = sa.select(feedback_releases.c.release_at).where(
            feedback_releases.c.committee == committee
        )
        with self.begin() as conn:
            return conn.execute(query).scalar()

    def reviews(self, delegation_id: int) -> list[dict[str, Any]]:
        rows = self.rows_of(reviews, delegation_id, reviews.c.chair)
        return [{**row, "scores": json.loads(row["scores"])} for row in rows]

    def committee_reviews(self, committee: str) -> dict[int, list[dict[str, Any]]]:
        """Every review in ``committee``, by delegation id (chairs in name order), in one query."""
        query = (
            sa.select(*reviews.c)
            .select_from(reviews.join(delegations, delegations.c.id == reviews.c.delegation_id))
            .where(delegations.c.committee == committee)
            .order_by(reviews.c.delegation_id, reviews.c.chair)
        )
        found: dict[int, list[dict[str, Any]]] = {}
        with self.begin() as conn:
            for row in conn.execute(query):
                found.setdefault(row.delegation_id, []).append(
                    {**row._mapping, "scores": json.loads(row.scores)}
                )
        return found
