"""Revise and resubmit: chairs set a status on a submission; lateness of a requested revision.

The rules are ``core.review_status``'s; this module reads the store for them.
No pandas and no SQLAlchemy of its own: a delegate's kernel calls
``standing_of`` and ``submission_late`` through its ``KernelStore``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..core import committees
from ..core import review_status as rs
from ..core.times import now
from ..exceptions import AccessDenied
from .progress import seconds_late

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store import Store
    from ..store.contract import StoreContract


def standing_of(store: StoreContract, delegation_id: int) -> rs.Standing:
    """Where the delegation's paper stands (``core.review_status.standing``)."""
    ids = [row["id"] for row in store.submissions(delegation_id)]
    return rs.standing(ids, store.status_marks(delegation_id))


def submission_late(store: StoreContract, delegation_id: int, at: datetime) -> int:
    """The seconds late a submission at ``at`` is stored with; StatusError when refused.

    The deadline (plus any extension) decides, except for a revision a chair asked
    for: ``core.review_status.revision_seconds_late`` says how.
    """
    delegation = store.delegation(delegation_id)
    late = seconds_late(store, delegation, at)
    if not late:
        return 0
    committee = committees.load(delegation.committee)
    rows = store.submissions(delegation_id)
    standing = rs.standing([r["id"] for r in rows], store.status_marks(delegation_id))
    requested = next((r for r in rows if r["id"] == standing.requested_on), None)
    requested_late = (requested["seconds_late"] or 0) if requested else late
    return rs.revision_seconds_late(committee, standing, requested_late, at, late)


def set_status(
    store: Store,
    committee: str,
    submission_id: int,
    status: str,
    set_by_key: str,
    set_by_name: str,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """A chair of ``committee`` sets ``status`` on the delegation's latest submission; its row id.

    AccessDenied when the submission is another committee's; StatusError when the
    status is unknown or too long, changes are asked outside the revision window,
    or the submission is not the delegation's latest (a newer one came in).
    """
    at = at or now()
    info = committees.load(committee)
    owner = store.delegation(store.submission_owner(submission_id))
    if owner.committee != info.key:
        raise AccessDenied(f"submission {submission_id} is not in {info.acronym}")
    if status == rs.CHANGES_REQUESTED:
        rs.check_request(info, at)
    latest = store.submission_ids(owner.id)[-1]
    if latest != submission_id:
        raise rs.StatusError(
            f"submission {submission_id} is not the latest of this delegation "
            f"(submission {latest} came in since): open the latest and set its status"
        )
    return store.add_status(submission_id, status, set_by_key, set_by_name, note, at)


def request_changes(
    store: Store,
    committee: str,
    submission_id: int,
    set_by_key: str,
    set_by_name: str,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Mark the submission "changes requested" (``set_status``)."""
    return set_status(
        store, committee, submission_id, rs.CHANGES_REQUESTED, set_by_key, set_by_name, note, at
    )


def accept(
    store: Store,
    committee: str,
    submission_id: int,
    set_by_key: str,
    set_by_name: str,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Mark the submission "accepted" (``set_status``)."""
    return set_status(
        store, committee, submission_id, rs.ACCEPTED, set_by_key, set_by_name, note, at
    )
