"""The kernel's store's comments, in plain SQL: as ``comments.py`` does for ``Store``.

A delegate's page reads the comments on its own paper and writes replies; a
mixin of ``KernelStore`` (``lite.py``) needing its ``_cursor``, ``_rows`` and
``_db``, and, like it, no SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

from ..core import comment_limits as cl
from ..core.times import now
from ..exceptions import CommentRefused
from .comment_records import COMMENT_COLUMNS, Comment, Reply, comment_from_row

_REPLY = (
    "INSERT INTO comment_replies (comment_id, body, author, created_at) "
    "VALUES (?, ?, 'delegate', ?) RETURNING id"
)


class LiteCommentMethods:
    """``comments`` and ``add_reply`` over the kernel's one connection."""

    _db: Any
    _cursor: Any
    _rows: Any

    def comments(self, delegation_id: int, chairs_only: bool = False) -> list[Comment]:
        """As ``Store.comments``: oldest first, each with its replies."""
        sql = f"SELECT {COMMENT_COLUMNS} FROM comments WHERE delegation_id = ?"
        if chairs_only:
            sql += " AND visible_to_chairs = ?"
        args = (delegation_id, True) if chairs_only else (delegation_id,)
        rows = self._rows(sql + " ORDER BY id", *args)
        replies: dict[int, list[Reply]] = {}
        if rows:
            found = self._rows(
                "SELECT r.id, r.comment_id, r.body, r.author, r.created_at FROM comment_replies r "
                "JOIN comments c ON c.id = r.comment_id WHERE c.delegation_id = ? ORDER BY r.id",
                delegation_id,
            )
            for id_, comment_id, body, author, at in found:
                replies.setdefault(comment_id, []).append(
                    Reply(id_, comment_id, body, author, self._db.time(at))
                )
        return [comment_from_row(r, self._db.time, tuple(replies.get(r[0], ()))) for r in rows]

    def add_reply(self, comment_id: int, delegation_id: int, body: str) -> int:
        """As ``Store.add_reply``: only to a comment on this delegation's paper."""
        cl.check_text(body, "the reply", cl.REPLY_CHARS)
        with self._cursor() as cur:
            sql = "SELECT delegation_id FROM comments WHERE id = ?"
            cur.execute(self._db.sql(sql), (comment_id,))
            owner = cur.fetchone()
            if owner is None or owner[0] != delegation_id:
                raise CommentRefused(f"no comment {comment_id} on this paper; nothing was saved")
            sql = "SELECT count(*) FROM comment_replies WHERE comment_id = ?"
            cur.execute(self._db.sql(sql), (comment_id,))
            if cur.fetchone()[0] >= cl.REPLIES_PER_COMMENT:
                raise CommentRefused(
                    f"a comment takes up to {cl.REPLIES_PER_COMMENT} replies; nothing was saved"
                )
            cur.execute(self._db.sql(_REPLY), (comment_id, body, self._db.bind(now())))
            return cur.fetchone()[0]
