"""The store's comment methods: comments pinned to passages, replies, the comment bank.

A mixin of ``Store`` (``api.py``); ``lite_comments.py`` is the kernel's store's
twin for what a delegate's page calls (its comments, its replies). Who may
comment on which delegation is checked by the caller (the apps, against the
code's grant); the store checks every limit (``core.comment_limits``) and that a
reply answers a comment of the delegation it names.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import comment_limits as cl
from ..core.times import now
from ..exceptions import CommentRefused
from .base import StoreBase, new_id
from .comment_records import (
    COMMENT_COLUMNS,
    BankEntry,
    Comment,
    CommentAuthor,
    Reply,
    comment_from_row,
)
from .schema import comment_bank, comment_replies, comments
from .staff import refuse_revoked

# The columns in ``COMMENT_COLUMNS``'s order, as ``comment_from_row`` reads them.
COLUMNS = [comments.c[name.strip()] for name in COMMENT_COLUMNS.split(",")]


class CommentMethods(StoreBase):
    """Comments, replies and bank entries; needs ``begin`` from ``Store``."""

    def add_comment(
        self,
        delegation_id: int,
        author: CommentAuthor,
        body: str,
        section: str | None = None,
        quote: str | None = None,
        start: int | None = None,
        end: int | None = None,
        submission_id: int | None = None,
        draft_version: int | None = None,
    ) -> int:
        """A new comment; CommentRefused past a limit (nothing saved). Advisors' are hidden
        from chairs."""
        cl.check_comment(body, section, quote, start, end)
        cl.check_author(author.key, author.role, author.name)
        count = sa.select(sa.func.count()).where(comments.c.delegation_id == delegation_id)
        with self.begin() as conn:
            refuse_revoked(conn, author.key)
            if conn.execute(count).scalar_one() >= cl.COMMENTS_PER_PAPER:
                raise CommentRefused(
                    f"this paper has {cl.COMMENTS_PER_PAPER} comments, the most it takes; "
                    "nothing was saved"
                )
            return new_id(
                conn.execute(
                    comments.insert().values(
                        delegation_id=delegation_id,
                        submission_id=submission_id,
                        draft_version=draft_version,
                        section=section,
                        quote=quote,
                        start_offset=start,
                        end_offset=end,
                        body=body,
                        author_key=author.key,
                        author_name=author.name,
                        author_role=author.role,
                        visible_to_chairs=author.role != "advisor",
                        created_at=now(),
                    )
                )
            )

    def comments(self, delegation_id: int, chairs_only: bool = False) -> list[Comment]:
        """A delegation's comments, oldest first, with their replies; ``chairs_only``: no
        advisor's (what a chair's page reads)."""
        query = sa.select(*COLUMNS).where(comments.c.delegation_id == delegation_id)
        if chairs_only:
            query = query.where(comments.c.visible_to_chairs.is_(True))
        with self.begin() as conn:
            rows = list(conn.execute(query.order_by(comments.c.id)))
            replies = _replies(conn, [row[0] for row in rows])
        return [comment_from_row(tuple(r), _same, tuple(replies.get(r[0], ()))) for r in rows]

    def delete_comment(self, comment_id: int, author_key: str) -> bool:
        """Delete the author's own comment and its replies; False if it is not theirs."""
        where = sa.and_(comments.c.id == comment_id, comments.c.author_key == author_key)
        with self.begin() as conn:
            if conn.execute(sa.select(comments.c.id).where(where)).first() is None:
                return False
            conn.execute(comment_replies.delete().where(comment_replies.c.comment_id == comment_id))
            conn.execute(comments.delete().where(where))
        return True

    def add_reply(self, comment_id: int, delegation_id: int, body: str) -> int:
        """The delegate's reply to a comment on their own paper; CommentRefused otherwise."""
        cl.check_text(body, "the reply", cl.REPLY_CHARS)
        owner = sa.select(comments.c.delegation_id).where(comments.c.id == comment_id)
        count = sa.select(sa.func.count()).where(comment_replies.c.comment_id == comment_id)
        with self.begin() as conn:
            if conn.execute(owner).scalar() != delegation_id:
                raise CommentRefused(f"no comment {comment_id} on this paper; nothing was saved")
            if conn.execute(count).scalar_one() >= cl.REPLIES_PER_COMMENT:
                raise CommentRefused(
                    f"a comment takes up to {cl.REPLIES_PER_COMMENT} replies; nothing was saved"
                )
            values = {"comment_id": comment_id, "body": body, "author": "delegate"}
            return new_id(conn.execute(comment_replies.insert().values(**values, created_at=now())))

    # ---- the comment bank ---------------------------------------------------------------

    def bank(self, committee: str, author_key: str | None = None) -> list[BankEntry]:
        """The committee's saved comments (only ``author_key``'s when given), oldest first."""
        query = sa.select(
            comment_bank.c.id,
            comment_bank.c.committee,
            comment_bank.c.author_key,
            comment_bank.c.body,
        ).where(comment_bank.c.committee == committee)
        if author_key is not None:
            query = query.where(comment_bank.c.author_key == author_key)
        with self.begin() as conn:
            return [BankEntry(*row) for row in conn.execute(query.order_by(comment_bank.c.id))]

    def add_to_bank(self, committee: str, author_key: str, body: str) -> int:
        """Save a comment for reuse; CommentRefused past the committee's bank limit."""
        cl.check_text(body, "the saved comment", cl.COMMENT_CHARS)
        count = sa.select(sa.func.count()).where(comment_bank.c.committee == committee)
        with self.begin() as conn:
            refuse_revoked(conn, author_key)
            if conn.execute(count).scalar_one() >= cl.BANK_PER_COMMITTEE:
                raise CommentRefused(
                    f"the comment bank holds up to {cl.BANK_PER_COMMITTEE} comments per "
                    "committee; delete one first"
                )
            row = {"committee": committee, "author_key": author_key, "body": body}
            return new_id(conn.execute(comment_bank.insert().values(**row, created_at=now())))

    def delete_from_bank(self, entry_id: int, author_key: str) -> bool:
        where = sa.and_(comment_bank.c.id == entry_id, comment_bank.c.author_key == author_key)
        with self.begin() as conn:
            return conn.execute(comment_bank.delete().where(where)).rowcount > 0


def _same(value: Any) -> Any:
    return value  # UtcDateTime already read it as aware UTC


def _replies(conn: Connection, ids: list[int]) -> dict[int, list[Reply]]:
    found: dict[int, list[Reply]] = {}
    if not ids:
        return found
    query = (
        sa.select(*comment_replies.c)
        .where(comment_replies.c.comment_id.in_(ids))
        .order_by(comment_replies.c.id)
    )
    for row in conn.execute(query):
        found.setdefault(row.comment_id, []).append(Reply(*row))
    return found
