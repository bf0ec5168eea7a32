"""Where each delegation stands: not started, drafting, submitted, late, overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..core import committees, countries
from ..store import Delegation, Store, now
from ..store.schema import drafts, submissions

STATUSES = ("not started", "drafting", "submitted", "late", "overdue")


@dataclass(frozen=True)
class DelegationStatus:
    delegation: Delegation
    country_name: str
    status: str
    words: int  # of the submitted paper once there is one, else of the latest draft
    last_saved: datetime | None
    submitted_at: datetime | None
    seconds_late: int
    deadline: datetime
    pages: int | None = None  # of the submitted paper (None before a submission)


def deadline_for(store: Store, delegation: Delegation) -> datetime:
    """The committee's deadline, or the delegation's extension when later."""
    deadline = committees.load(delegation.committee).rules.deadline_utc
    extension = store.extension_until(delegation.id)
    return max(deadline, extension) if extension else deadline


def seconds_late(store: Store, delegation: Delegation, at: datetime | None = None) -> int:
    """Seconds past the (extended) deadline at ``at`` (default now), 0 when on time."""
    late = ((at or now()) - deadline_for(store, delegation)).total_seconds()
    return max(0, int(late))


def committee_status(store: Store, committee: str | None = None) -> list[DelegationStatus]:
    """One row per delegation (of ``committee``, or all), in country-name order."""
    rows = []
    for delegation in store.delegations(committee):
        with store.begin() as conn:
            draft = conn.execute(
                sa.select(drafts.c.words, drafts.c.saved_at)
                .where(drafts.c.delegation_id == delegation.id)
                .order_by(drafts.c.version.desc())
                .limit(1)
            ).first()
            submission = conn.execute(
                sa.select(
                    submissions.c.submitted_at,
                    submissions.c.seconds_late,
                    submissions.c.words,
                    submissions.c.pages,
                )
                .where(submissions.c.delegation_id == delegation.id)
                .order_by(submissions.c.submitted_at.desc(), submissions.c.id.desc())
                .limit(1)
            ).first()
        deadline = deadline_for(store, delegation)
        if submission:
            status = "late" if submission.seconds_late > 0 else "submitted"
        elif now() > deadline:
            status = "overdue"
        else:
            status = "drafting" if draft else "not started"
        rows.append(
            DelegationStatus(
                delegation=delegation,
                country_name=countries.lookup(delegation.country).name,
                status=status,
                # A submitted paper is judged by its own figures, not the draft's since.
                words=(submission.words or 0) if submission else (draft.words if draft else 0),
                last_saved=draft.saved_at if draft else None,
                submitted_at=submission.submitted_at if submission else None,
                seconds_late=submission.seconds_late if submission else 0,
                deadline=deadline,
                pages=submission.pages if submission else None,
            )
        )
    return sorted(rows, key=lambda r: (r.delegation.committee, r.country_name))
