"""Where each delegation stands: not started, drafting, submitted, late, overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..core import committees, countries
from ..store import Delegation, now

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store import Store
    from ..store.contract import StoreContract

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
    draft_changed: bool = False  # the draft was changed since the latest submission
    # core.review_status.DERIVED: not submitted, submitted, changes requested, revised, accepted
    review_status: str = "not submitted"


def deadline_for(store: StoreContract, delegation: Delegation) -> datetime:
    """The committee's deadline, or the delegation's extension when later."""
    return _later(delegation.committee, store.extension_until(delegation.id))


def _later(committee: str, extension: datetime | None) -> datetime:
    deadline = committees.load(committee).rules.deadline_utc
    return max(deadline, extension) if extension else deadline


def seconds_late(store: StoreContract, delegation: Delegation, at: datetime | None = None) -> int:
    """Seconds past the (extended) deadline at ``at`` (default now), 0 when on time."""
    late = ((at or now()) - deadline_for(store, delegation)).total_seconds()
    return max(0, int(late))


def _status(row: dict, deadline: datetime) -> str:
    if row["submitted_at"] is not None:
        return "late" if row["seconds_late"] > 0 else "submitted"
    if now() > deadline:
        return "overdue"
    return "drafting" if row["saved_at"] is not None else "not started"


def committee_status(store: Store, committee: str | None = None) -> list[DelegationStatus]:
    """One row per delegation (of ``committee``, or all), in country-name order.

    One store query (``Store.progress``) for every delegation's latest draft,
    submission and extension, and two for the review statuses (``Store.standings``).
    """
    rows = []
    standings = store.standings(committee)
    for row in store.progress(committee):
        delegation = Delegation(**{f: row[f] for f in Delegation.__dataclass_fields__})
        deadline = _later(delegation.committee, row["extension_until"])
        rows.append(
            DelegationStatus(
                delegation=delegation,
                country_name=countries.lookup(delegation.country).name,
                status=_status(row, deadline),
                # A submitted paper is judged by its own figures, not the draft's since.
                words=(
                    (row["submitted_words"] or 0)
                    if row["submitted_at"] is not None
                    else (row["words"] or 0)
                ),
                last_saved=row["saved_at"],
                submitted_at=row["submitted_at"],
                seconds_late=row["seconds_late"] or 0,
                deadline=deadline,
                pages=row["submitted_pages"],
                draft_changed=bool(row["draft_changed"]),
                review_status=standings[delegation.id].status
                if delegation.id in standings
                else "not submitted",
            )
        )
    return sorted(rows, key=lambda r: (r.delegation.committee, r.country_name))
