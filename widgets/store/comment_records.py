"""What the comment methods hand out, without SQLAlchemy: a comment, its replies, a bank entry.

Shared by ``Store`` (``comments.py``) and ``KernelStore`` (``lite_comments.py``).
A comment's ``start`` and ``end`` are character offsets in the text of its
section in the version it was made on (a submission, or a draft version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

COMMENT_COLUMNS = (
    "id, delegation_id, submission_id, draft_version, section, quote, start_offset, "
    "end_offset, body, author_key, author_name, author_role, visible_to_chairs, created_at"
)


class CommentAuthor(Protocol):
    """Who writes a comment: the chairs' ``StaffIdentity`` has these, so does ``Author``."""

    @property
    def key(self) -> str: ...  # staff:3, chair-code:interpol, advisor-code:nairobi academy
    @property
    def role(self) -> str: ...  # chair or advisor
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Author:
    """A comment's author where no staff identity exists (a committee or school code)."""

    key: str
    role: str
    name: str
    committee: str | None = None  # a chair's: opens only this committee's papers
    school: str | None = None  # an advisor's: opens only this school's delegations


@dataclass(frozen=True)
class Reply:
    id: int
    comment_id: int
    body: str
    author: str  # "delegate"
    created_at: datetime


@dataclass(frozen=True)
class Comment:
    id: int
    delegation_id: int
    submission_id: int | None
    draft_version: int | None
    section: str | None  # None: the whole paper
    quote: str | None  # None: the whole section
    start: int | None
    end: int | None
    body: str
    author_key: str
    author_name: str
    author_role: str
    visible_to_chairs: bool
    created_at: datetime
    replies: tuple[Reply, ...] = field(default=())

    def note(self) -> dict[str, Any]:
        """The keys the feedback PDF's notes take (``workflows.feedback_notes``)."""
        return {
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "body": self.body,
            "author_name": self.author_name,
            "author_role": self.author_role,
        }


@dataclass(frozen=True)
class BankEntry:
    id: int
    committee: str
    author_key: str
    body: str


def comment_from_row(row: tuple, time: Any, replies: tuple[Reply, ...] = ()) -> Comment:
    """A ``Comment`` from a row of ``COMMENT_COLUMNS`` (``time`` reads the stored time)."""
    id_, delegation, submission, version, section, quote, start, end, *rest = row
    body, key, name, role, visible, created = rest
    return Comment(
        id_,
        delegation,
        submission,
        version,
        section,
        quote,
        start,
        end,
        body,
        key,
        name,
        role,
        bool(visible),
        time(created),
        replies,
    )
