"""The review status loop, as pure rules: what a chair may set, and where a paper stands.

A chair sets a status on one submission ("changes requested" or "accepted");
the rows are kept, never changed (the latest row of a submission is its
status). A delegation's status is derived from its submissions and those rows:

    not submitted -> submitted -> changes requested -> revised -> accepted

"revised" is a submission newer than the one a chair asked changes of; a
submission newer than an accepted one is "submitted" again (nobody has read it).

Lateness of a revision (``revision_seconds_late``): a paper a chair asked changes
of, resubmitted after the deadline but no later than ``rules.revisions_until``,
keeps the lateness of the paper the changes were asked of (0 when that one was
on time): a requested revision is not late, and a late paper does not become on
time by being revised. After ``revisions_until`` a revision is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..exceptions import MunbookError
from .committees import Committee

CHANGES_REQUESTED = "changes_requested"
ACCEPTED = "accepted"
SETTABLE = (CHANGES_REQUESTED, ACCEPTED)  # what a chair sets (the stored values)

NOT_SUBMITTED = "not submitted"
SUBMITTED = "submitted"
CHANGES = "changes requested"
REVISED = "revised"
ACCEPTED_TEXT = "accepted"
DERIVED = (NOT_SUBMITTED, SUBMITTED, CHANGES, REVISED, ACCEPTED_TEXT)  # in loop order
WORDS = {CHANGES_REQUESTED: CHANGES, ACCEPTED: ACCEPTED_TEXT}

NOTE_CHARS = 2000  # a status's note, in characters
KEY_CHARS = 128  # the identity string of who set it (``staff:3``, ``chair-code:interpol``)
NAME_CHARS = 200  # their display name


class StatusError(MunbookError):
    """A status that cannot be set (unknown, too long, revisions closed, not the latest)."""


@dataclass(frozen=True)
class Mark:
    """One stored status row: a chair's word on one submission."""

    id: int
    submission_id: int
    status: str  # CHANGES_REQUESTED or ACCEPTED
    set_by_key: str
    set_by_name: str
    note: str
    set_at: datetime

    @property
    def words(self) -> str:
        return WORDS.get(self.status, self.status)


@dataclass(frozen=True)
class Standing:
    """Where a delegation's paper stands: the derived status and the mark behind it."""

    status: str  # one of DERIVED
    mark: Mark | None  # the latest mark on any of its submissions
    requested_on: int | None  # the submission changes were asked of, while in revision

    @property
    def in_revision(self) -> bool:
        """Changes were asked and no accepted mark came since (changes requested or revised)."""
        return self.status in (CHANGES, REVISED)


def standing(submission_ids: list[int], marks: list[Mark]) -> Standing:
    """The derived status from a delegation's submission ids (oldest first) and its marks."""
    if not submission_ids:
        return Standing(NOT_SUBMITTED, None, None)
    known = set(submission_ids)
    ordered = sorted((m for m in marks if m.submission_id in known), key=lambda m: (m.set_at, m.id))
    if not ordered:
        return Standing(SUBMITTED, None, None)
    last = ordered[-1]
    requested = last.submission_id if last.status == CHANGES_REQUESTED else None
    if last.submission_id == submission_ids[-1]:
        return Standing(WORDS[last.status], last, requested)
    if last.status == CHANGES_REQUESTED:
        return Standing(REVISED, last, requested)
    return Standing(SUBMITTED, last, None)


def check_mark(status: str, set_by_key: str, set_by_name: str, note: str) -> None:
    """StatusError naming what is wrong with a status before it is stored."""
    if status not in SETTABLE:
        raise StatusError(f"unknown status {status!r}: use {' or '.join(SETTABLE)}")
    if not set_by_key.strip() or len(set_by_key) > KEY_CHARS:
        raise StatusError(f"who set the status: an identity of 1 to {KEY_CHARS} characters")
    if len(set_by_name) > NAME_CHARS:
        raise StatusError(f"the name of who set the status: at most {NAME_CHARS} characters")
    if len(note) > NOTE_CHARS:
        raise StatusError(
            f"the note is {len(note):,} characters; at most {NOTE_CHARS:,}. Nothing was saved"
        )


def revisions_open(committee: Committee, at: datetime) -> bool:
    """The committee allows revisions and ``at`` is no later than its ``revisions_until``."""
    until = committee.rules.revisions_until
    return until is not None and at <= until


def local_until(committee: Committee) -> str:
    """``revisions_until`` as people read it: in the committee's zone, named."""
    until = committee.rules.revisions_until
    if until is None:
        return "never (this committee does not take revisions)"
    local = until.astimezone(ZoneInfo(committee.rules.timezone))
    return f"{local:%a %d %b %Y, %H:%M} ({committee.rules.timezone})"


def check_request(committee: Committee, at: datetime) -> None:
    """StatusError unless a chair may ask for changes at ``at``."""
    if committee.rules.revisions_until is None:
        raise StatusError(
            f"{committee.acronym} does not take revisions (no rules.revisions_until "
            "in its committee file): accept the paper or score it as it is"
        )
    if not revisions_open(committee, at):
        raise StatusError(
            f"revisions closed on {local_until(committee)}: changes can no longer be requested"
        )


def revision_seconds_late(
    committee: Committee, standing_now: Standing, requested_late: int, at: datetime, late: int
) -> int:
    """The seconds late a submission at ``at`` is recorded with (``late``: by the deadline alone).

    A requested revision (``standing_now.in_revision``) made after the deadline keeps
    ``requested_late``, the lateness of the paper changes were asked of; after
    ``revisions_until`` it is refused (StatusError, naming the date). Any other
    submission keeps ``late``: the rules without revisions.
    """
    if not late or not standing_now.in_revision or committee.rules.revisions_until is None:
        return late
    if not revisions_open(committee, at):
        raise StatusError(
            f"not submitted: revisions closed on {local_until(committee)}; "
            "ask your chair if you still need to send a change"
        )
    return requested_late
