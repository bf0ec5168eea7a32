"""The store's submission and extension methods, and the committee-wide reads built on them.

A mixin of ``Store`` (``api.py``). "The latest" of anything per delegation is
one query with a window function (``row_number() over (partition by ...)``),
which SQLite (3.25+) and PostgreSQL both run, so a committee of 196 costs one
round trip, not 196.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import committees
from ..core.times import now
from ..exceptions import StoreError
from .base import StoreBase, new_id
from .schema import delegations, drafts, extensions, submissions


def latest_per_delegation(
    table: sa.Table, columns: list, order: tuple, *where, joined: sa.FromClause | None = None
) -> sa.Subquery:
    """``columns`` of each delegation's rows of ``table``, ranked in ``order`` (keep ``rank == 1``)."""
    rank = sa.func.row_number().over(partition_by=table.c.delegation_id, order_by=order)
    query = sa.select(*columns, rank.label("rank")).where(*where)
    return (query if joined is None else query.select_from(joined)).subquery()


SUBMISSION_ORDER = (submissions.c.submitted_at.desc(), submissions.c.id.desc())


def _draft_changed(draft: sa.Subquery, sub: sa.Subquery) -> tuple[sa.Subquery, Any]:
    """(the draft behind each latest submission, "the latest draft differs from it").

    The draft behind a submission is the latest saved at or before it. Changed: saved
    since, and other than it (a paper ingested by a chair has no draft behind it:
    any later draft differs from it).
    """
    basis = latest_per_delegation(
        drafts,
        [drafts.c.delegation_id, drafts.c.content],
        (drafts.c.version.desc(),),
        drafts.c.saved_at <= sub.c.submitted_at,
        sub.c.rank == 1,
        joined=drafts.join(sub, sub.c.delegation_id == drafts.c.delegation_id),
    )
    changed = sa.and_(
        draft.c.saved_at > sub.c.submitted_at,
        sa.or_(basis.c.content.is_(None), basis.c.content != draft.c.content),
    )
    return basis, changed


class SubmissionMethods(StoreBase):
    """Submissions (write-once), extensions and progress; needs ``begin``/``using``."""

    def add_submission(self, delegation_id: int, **values: Any) -> int:
        values.setdefault("submitted_at", now())
        with self.begin() as conn:
            result = conn.execute(
                submissions.insert().values(delegation_id=delegation_id, **values)
            )
            return new_id(result)

    def submissions(self, delegation_id: int) -> list[dict[str, Any]]:
        """Every submission of a delegation, oldest first."""
        return self.rows_of(
            submissions, delegation_id, submissions.c.submitted_at, submissions.c.id
        )

    def submission(self, submission_id: int) -> dict[str, Any]:
        """One submission by its id (with its PDF)."""
        return dict(self.row_by_id(submissions, submission_id, "submission")._mapping)

    def has_submission(self, delegation_id: int, sha256: str) -> bool:
        """True when this delegation already submitted a file with this sha256."""
        query = sa.select(submissions.c.id).where(
            submissions.c.delegation_id == delegation_id, submissions.c.sha256 == sha256
        )
        with self.begin() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def latest_submissions(
        self,
        committee: str,
        *,
        on_time: bool = False,
        notebooks_only: bool = False,
        pdf: bool = True,
        conn: Connection | None = None,
    ) -> dict[int, dict[str, Any]]:
        """Each delegation's latest submission in ``committee``, by delegation id, in one query.

        ``on_time``: the latest made before the (extended) deadline; ``notebooks_only``:
        the latest with a paper notebook (not ingested); ``pdf=False`` leaves the PDF
        bytes out (fetch one with ``submission(id)``).
        """
        columns = [c for c in submissions.c if pdf or c.name != "pdf"]
        where = [delegations.c.committee == committee]
        if on_time:
            where.append(submissions.c.seconds_late == 0)
        if notebooks_only:
            where.append(submissions.c.notebook.is_not(None))
        joined = submissions.join(delegations, delegations.c.id == submissions.c.delegation_id)
        inner = latest_per_delegation(submissions, columns, SUBMISSION_ORDER, *where, joined=joined)
        query = sa.select(*(inner.c[c.name] for c in columns)).where(inner.c.rank == 1)
        with self.using(conn) as conn:
            return {row.delegation_id: dict(row._mapping) for row in conn.execute(query)}

    def progress(self, committee: str | None = None) -> list[dict[str, Any]]:
        """Per delegation (of ``committee``, or all): latest draft, submission, extension.

        One query; each row has the delegation's columns plus ``words``, ``saved_at``,
        ``submitted_at``, ``seconds_late``, ``submitted_words``, ``submitted_pages`` and
        ``extension_until`` (None when absent), and ``draft_changed`` (``_draft_changed``).
        """
        draft = latest_per_delegation(
            drafts,
            [drafts.c.delegation_id, drafts.c.words, drafts.c.saved_at, drafts.c.content],
            (drafts.c.version.desc(),),
        )
        sub = latest_per_delegation(
            submissions,
            [
                submissions.c.delegation_id,
                submissions.c.submitted_at,
                submissions.c.seconds_late,
                submissions.c.words,
                submissions.c.pages,
            ],
            SUBMISSION_ORDER,
        )
        ext = latest_per_delegation(
            extensions,
            [extensions.c.delegation_id, extensions.c.until],
            (extensions.c.granted_at.desc(), extensions.c.id.desc()),
        )
        basis, changed = _draft_changed(draft, sub)
        joined: sa.FromClause = delegations
        for part in (draft, sub, ext, basis):
            joined = joined.outerjoin(
                part, sa.and_(part.c.delegation_id == delegations.c.id, part.c.rank == 1)
            )
        query = sa.select(
            *delegations.c,
            draft.c.words,
            draft.c.saved_at,
            sub.c.submitted_at,
            sub.c.seconds_late,
            sub.c.words.label("submitted_words"),
            sub.c.pages.label("submitted_pages"),
            ext.c.until.label("extension_until"),
            sa.case((changed, True), else_=False).label("draft_changed"),
        ).select_from(joined)
        if committee:
            query = query.where(delegations.c.committee == committee)
        query = query.order_by(delegations.c.committee, delegations.c.country)
        with self.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def grant_extension(self, delegation_id: int, until: datetime, reason: str = "") -> int:
        """Extend one delegation's deadline to ``until``; return the extension's id.

        An extension ends after the committee's deadline: one ending earlier (or
        at it) would shorten nothing, so it is refused with the deadline in its words.
        """
        if until.tzinfo is None:
            raise StoreError("an extension needs a time zone (or UTC) on its end time")
        committee = committees.load(self.delegation(delegation_id).committee)
        deadline = committee.rules.deadline_utc
        if until <= deadline:
            local = deadline.astimezone(ZoneInfo(committee.rules.timezone))
            raise StoreError(
                f"an extension must end after the committee's deadline "
                f"({local:%Y-%m-%d %H:%M} {committee.rules.timezone}); nothing was granted"
            )
        with self.begin() as conn:
            result = conn.execute(
                extensions.insert().values(
                    delegation_id=delegation_id, until=until, granted_at=now(), reason=reason
                )
            )
            return new_id(result)

    def revoke_extension(self, extension_id: int) -> dict[str, Any]:
        """Delete one extension (they are not write-once); return the row it was.

        The delegation's deadline is then its latest remaining extension's, or the committee's.
        """
        with self.begin() as conn:
            row = conn.execute(extensions.select().where(extensions.c.id == extension_id)).first()
            if row is None:
                raise StoreError(f"no extension with id {extension_id} (already revoked?)")
            conn.execute(extensions.delete().where(extensions.c.id == extension_id))
        return dict(row._mapping)

    def extension_rows(self, committee: str | None = None) -> list[dict[str, Any]]:
        """Every extension (of ``committee``, or all) with its delegation, in one query.

        Each row: ``id``, ``delegation_id``, ``committee``, ``country``, ``delegate``,
        ``until``, ``granted_at``, ``reason``; by committee, country, then grant time.
        """
        query = sa.select(
            extensions.c.id,
            extensions.c.delegation_id,
            delegations.c.committee,
            delegations.c.country,
            delegations.c.delegate,
            extensions.c.until,
            extensions.c.granted_at,
            extensions.c.reason,
        ).select_from(extensions.join(delegations, delegations.c.id == extensions.c.delegation_id))
        if committee:
            query = query.where(delegations.c.committee == committee)
        query = query.order_by(
            delegations.c.committee, delegations.c.country, extensions.c.granted_at, extensions.c.id
        )
        with self.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def extension_until(self, delegation_id: int) -> datetime | None:
        """The end of the most recently granted extension, if any."""
        query = (
            sa.select(extensions.c.until)
            .where(extensions.c.delegation_id == delegation_id)
            .order_by(extensions.c.granted_at.desc(), extensions.c.id.desc())
            .limit(1)
        )
        with self.begin() as conn:
            return conn.execute(query).scalar()

    def extensions(self, delegation_id: int) -> list[dict[str, Any]]:
        """Every extension granted to a delegation, oldest first."""
        return self.rows_of(extensions, delegation_id, extensions.c.granted_at, extensions.c.id)
