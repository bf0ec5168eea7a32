"""The store's review statuses: a chair's word on a submission, kept as added rows.

A mixin of ``Store`` (``api.py``). Rows are never changed (the database's
triggers refuse it, ``append_only.py``); what a delegation's status is follows
from them by ``core.review_status.standing``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..core.review_status import Mark, Standing, check_mark, standing
from ..core.times import now
from ..exceptions import StoreError
from .base import StoreBase, new_id
from .schema import delegations, review_statuses, submissions
from .staff import refuse_revoked


def mark_of(row: Any) -> Mark:
    return Mark(
        id=row.id,
        submission_id=row.submission_id,
        status=row.status,
        set_by_key=row.set_by_key,
        set_by_name=row.set_by_name,
        note=row.note,
        set_at=row.set_at,
    )


class StatusMethods(StoreBase):
    """Add and read review statuses; needs ``begin`` from ``Store``."""

    def add_status(
        self,
        submission_id: int,
        status: str,
        set_by_key: str,
        set_by_name: str,
        note: str = "",
        at: datetime | None = None,
    ) -> int:
        """Add one status row (StatusError when a part is unknown or too long); its id."""
        check_mark(status, set_by_key, set_by_name, note)
        exists = sa.select(submissions.c.id).where(submissions.c.id == submission_id)
        with self.begin() as conn:
            refuse_revoked(conn, set_by_key)
            if conn.execute(exists).first() is None:
                raise StoreError(f"no submission with id {submission_id}; nothing was saved")
            result = conn.execute(
                review_statuses.insert().values(
                    submission_id=submission_id,
                    status=status,
                    set_by_key=set_by_key,
                    set_by_name=set_by_name,
                    note=note,
                    set_at=at or now(),
                )
            )
            return new_id(result)

    def status_marks(self, delegation_id: int) -> list[Mark]:
        """Every status set on the delegation's submissions, oldest first."""
        query = (
            sa.select(*review_statuses.c)
            .select_from(
                review_statuses.join(
                    submissions, submissions.c.id == review_statuses.c.submission_id
                )
            )
            .where(submissions.c.delegation_id == delegation_id)
            .order_by(review_statuses.c.set_at, review_statuses.c.id)
        )
        with self.begin() as conn:
            return [mark_of(row) for row in conn.execute(query)]

    def standings(self, committee: str | None = None) -> dict[int, Standing]:
        """Each delegation's derived status (of ``committee``, or all), by id, in two queries."""
        where = [] if committee is None else [delegations.c.committee == committee]
        ids = (
            sa.select(delegations.c.id, submissions.c.id.label("submission_id"))
            .select_from(
                delegations.outerjoin(submissions, submissions.c.delegation_id == delegations.c.id)
            )
            .where(*where)
            .order_by(delegations.c.id, submissions.c.submitted_at, submissions.c.id)
        )
        marks = (
            sa.select(*review_statuses.c, submissions.c.delegation_id)
            .select_from(
                review_statuses.join(
                    submissions, submissions.c.id == review_statuses.c.submission_id
                ).join(delegations, delegations.c.id == submissions.c.delegation_id)
            )
            .where(*where)
            .order_by(review_statuses.c.set_at, review_statuses.c.id)
        )
        found: dict[int, list[int]] = {}
        by_delegation: dict[int, list[Mark]] = {}
        with self.begin() as conn:
            for delegation_id, submission_id in conn.execute(ids):
                found.setdefault(delegation_id, [])
                if submission_id is not None:
                    found[delegation_id].append(submission_id)
            for mark in conn.execute(marks):
                by_delegation.setdefault(mark.delegation_id, []).append(mark_of(mark))
        return {d: standing(subs, by_delegation.get(d, [])) for d, subs in found.items()}

    def submission_owner(self, submission_id: int) -> int:
        """The delegation id of a submission (StoreError when there is none), without its PDF."""
        query = sa.select(submissions.c.delegation_id).where(submissions.c.id == submission_id)
        with self.begin() as conn:
            owner = conn.execute(query).scalar()
        if owner is None:
            raise StoreError(f"no submission with id {submission_id}")
        return int(owner)

    def submission_ids(self, delegation_id: int) -> list[int]:
        """The ids of a delegation's submissions, oldest first (as ``submissions`` orders them)."""
        query = (
            sa.select(submissions.c.id)
            .where(submissions.c.delegation_id == delegation_id)
            .order_by(submissions.c.submitted_at, submissions.c.id)
        )
        with self.begin() as conn:
            return list(conn.execute(query).scalars())
