"""The store: delegations, access codes, drafts, submissions, extensions, reviews.

The tables are in ``schema.py``; this module is the one API that reads and writes them.

SQLAlchemy Core over a SQLite file (WAL, foreign keys on) by default, or
PostgreSQL when ``MUNBOOK_DB`` is a ``postgresql://`` URL. Access codes are
kept as salted hashes only; submissions are write-once, enforced by the
database itself with triggers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .. import settings
from ..core import access
from ..exceptions import StoreError
from .schema import (
    WRITE_ONCE,
    access_codes,
    access_failures,
    delegations,
    drafts,
    extensions,
    feedback_releases,
    metadata,
    reviews,
    submissions,
)

FAILURE_WINDOW = timedelta(minutes=15)  # wrong codes older than this no longer slow anyone


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Delegation:
    id: int
    committee: str
    country: str
    delegate: str
    school: str
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    delegation_id: int
    version: int
    content: dict[str, Any]
    words: int
    saved_at: datetime


class DraftConflict(StoreError):
    """A save based on an old version: another tab or device saved in between."""

    def __init__(self, latest: int):
        self.latest = latest
        super().__init__(
            f"this draft was changed elsewhere (now version {latest}); reload to see it"
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _normalize_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Store:
    """One database; create it with ``Store()`` for the configured URL."""

    def __init__(self, url: str | None = None):
        self.url = _normalize_url(url or settings.db_url())
        if self.url.startswith("sqlite:///"):
            settings.private_sqlite(Path(self.url.removeprefix("sqlite:///")))
        try:
            self.engine: Engine = sa.create_engine(self.url)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot use store URL {url!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            with self.engine.begin() as conn:
                metadata.create_all(conn)
                for statement in WRITE_ONCE.get(self.engine.dialect.name, []):
                    conn.exec_driver_sql(statement)
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the store at {self.engine.url!r}: {exc.orig}") from None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def using(self, conn: Connection | None) -> Iterator[Connection]:
        """``conn`` when the caller has a transaction open, else a new one."""
        if conn is not None:
            yield conn
        else:
            with self.begin() as new:
                yield new

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- delegations ------------------------------------------------------

    def add_delegation(
        self,
        committee: str,
        country: str,
        delegate: str,
        school: str = "",
        conn: Connection | None = None,
    ) -> int:
        with self.using(conn) as conn:
            result = conn.execute(
                delegations.insert().values(
                    committee=committee,
                    country=country,
                    delegate=delegate,
                    school=school,
                    created_at=now(),
                )
            )
            return result.inserted_primary_key[0]

    def delegation(self, delegation_id: int) -> Delegation:
        with self.begin() as conn:
            row = conn.execute(
                delegations.select().where(delegations.c.id == delegation_id)
            ).first()
        if row is None:
            raise StoreError(f"no delegation with id {delegation_id}")
        return _delegation(row)

    def find_delegation(self, committee: str, country: str) -> Delegation | None:
        with self.begin() as conn:
            row = conn.execute(
                delegations.select().where(
                    delegations.c.committee == committee, delegations.c.country == country
                )
            ).first()
        return _delegation(row) if row else None

    def delegations(self, committee: str | None = None) -> list[Delegation]:
        query = delegations.select().order_by(delegations.c.committee, delegations.c.country)
        if committee:
            query = query.where(delegations.c.committee == committee)
        with self.begin() as conn:
            return [_delegation(row) for row in conn.execute(query)]

    # ---- access codes -----------------------------------------------------

    def add_code(
        self,
        code: str,
        role: str,
        committee: str | None = None,
        delegation_id: int | None = None,
        conn: Connection | None = None,
    ) -> None:
        salt = access.new_salt()
        with self.using(conn) as conn:
            conn.execute(
                access_codes.insert().values(
                    role=role,
                    committee=committee,
                    delegation_id=delegation_id,
                    salt=salt,
                    digest=access.digest(code, salt),
                    created_at=now(),
                )
            )

    def has_code(
        self,
        role: str,
        committee: str | None = None,
        delegation_id: int | None = None,
        conn: Connection | None = None,
    ) -> bool:
        return bool(self._codes(role, committee, delegation_id, conn))

    def check_code(
        self,
        code: str,
        role: str,
        committee: str | None = None,
        delegation_id: int | None = None,
    ) -> bool:
        """True when ``code`` is a code of ``role`` for exactly this committee or delegation."""
        return any(
            access.matches(code, salt, dig)
            for salt, dig in self._codes(role, committee, delegation_id)
        )

    def _codes(
        self,
        role: str,
        committee: str | None,
        delegation_id: int | None,
        conn: Connection | None = None,
    ) -> list:
        query = sa.select(access_codes.c.salt, access_codes.c.digest).where(
            access_codes.c.role == role,
            access_codes.c.committee.is_(None)
            if committee is None
            else access_codes.c.committee == committee,
            access_codes.c.delegation_id.is_(None)
            if delegation_id is None
            else access_codes.c.delegation_id == delegation_id,
        )
        with self.using(conn) as conn:
            return list(conn.execute(query))

    def record_failure(self, scope: str, keep: timedelta = FAILURE_WINDOW) -> None:
        """Remember a wrong code for ``scope`` (e.g. ``delegate:12``), to slow guessing.

        Rows older than ``keep`` (any scope) are deleted in the same transaction,
        so the table holds at most one window of failures.
        """
        at = now()
        with self.begin() as conn:
            conn.execute(access_failures.delete().where(access_failures.c.at < at - keep))
            conn.execute(access_failures.insert().values(scope=scope, at=at))

    def failure_rows(self) -> int:
        """How many wrong-code rows the store holds (all scopes)."""
        with self.begin() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(access_failures)
            ).scalar_one()

    def failures_since(self, scope: str, since: datetime) -> int:
        query = sa.select(sa.func.count()).where(
            access_failures.c.scope == scope, access_failures.c.at >= since
        )
        with self.begin() as conn:
            return conn.execute(query).scalar_one()

    # ---- drafts -----------------------------------------------------------

    def save_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int | None,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> int:
        """Store a new version; raise DraftConflict unless ``based_on`` is the latest."""
        body = json.dumps(content, ensure_ascii=False)
        latest = 0
        try:
            with self.begin() as conn:
                latest = self._latest_version(conn, delegation_id)
                if (based_on or 0) != latest:
                    raise DraftConflict(latest)
                conn.execute(
                    drafts.insert().values(
                        delegation_id=delegation_id,
                        version=latest + 1,
                        content=body,
                        words=words,
                        saved_at=saved_at or now(),
                    )
                )
                return latest + 1
        except sa.exc.IntegrityError:
            with self.begin() as conn:
                now_latest = self._latest_version(conn, delegation_id)
            if now_latest > latest:  # two saves raced for one version: the loser conflicts
                raise DraftConflict(now_latest) from None
            raise StoreError(f"no delegation with id {delegation_id}") from None

    @staticmethod
    def _latest_version(conn: Connection, delegation_id: int) -> int:
        return conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(drafts.c.version), 0)).where(
                drafts.c.delegation_id == delegation_id
            )
        ).scalar_one()

    def latest_draft(self, delegation_id: int) -> Draft | None:
        return self.draft(delegation_id, None)

    def draft(self, delegation_id: int, version: int | None) -> Draft | None:
        """One version, or the latest when ``version`` is None."""
        query = drafts.select().where(drafts.c.delegation_id == delegation_id)
        query = (
            query.where(drafts.c.version == version)
            if version
            else query.order_by(drafts.c.version.desc()).limit(1)
        )
        with self.begin() as conn:
            row = conn.execute(query).first()
        return _draft(row) if row else None

    def thin_drafts(self, delegation_id: int, keep_recent: int = 50, keep_hourly: int = 200) -> int:
        """Delete old versions: keep the newest ``keep_recent``, then the last of each hour.

        The latest version is always among those kept. Returns how many were deleted.
        """
        history = self.draft_history(delegation_id)  # newest first
        keep = {v for v, _, _ in history[:keep_recent]}
        hours: dict[str, int] = {}
        for version, saved_at, _ in history[keep_recent:]:
            hours.setdefault(f"{saved_at:%Y%m%d%H}", version)  # newest of each hour
        keep |= set(sorted(hours.values(), reverse=True)[:keep_hourly])
        doomed = [v for v, _, _ in history if v not in keep]
        if doomed:
            with self.begin() as conn:
                conn.execute(
                    drafts.delete().where(
                        drafts.c.delegation_id == delegation_id, drafts.c.version.in_(doomed)
                    )
                )
        return len(doomed)

    def draft_history(self, delegation_id: int) -> list[tuple[int, datetime, int]]:
        """(version, saved_at, words) of every stored version, newest first."""
        query = (
            sa.select(drafts.c.version, drafts.c.saved_at, drafts.c.words)
            .where(drafts.c.delegation_id == delegation_id)
            .order_by(drafts.c.version.desc())
        )
        with self.begin() as conn:
            return [(v, t, w) for v, t, w in conn.execute(query)]

    # ---- submissions --------------------------------------------------------

    def add_submission(self, delegation_id: int, **values: Any) -> int:
        values.setdefault("submitted_at", now())
        with self.begin() as conn:
            result = conn.execute(
                submissions.insert().values(delegation_id=delegation_id, **values)
            )
            return result.inserted_primary_key[0]

    def submissions(self, delegation_id: int) -> list[dict[str, Any]]:
        """Every submission of a delegation, oldest first."""
        query = (
            submissions.select()
            .where(submissions.c.delegation_id == delegation_id)
            .order_by(submissions.c.submitted_at, submissions.c.id)
        )
        with self.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # ---- extensions ---------------------------------------------------------

    def grant_extension(self, delegation_id: int, until: datetime, reason: str = "") -> None:
        if until.tzinfo is None:
            raise StoreError("an extension needs a time zone (or UTC) on its end time")
        with self.begin() as conn:
            conn.execute(
                extensions.insert().values(
                    delegation_id=delegation_id, until=until, granted_at=now(), reason=reason
                )
            )

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

    # ---- reviews ------------------------------------------------------------

    def save_review(
        self, delegation_id: int, chair: str, scores: dict[str, float], comments: str = ""
    ) -> None:
        """Insert or replace one chair's review of one delegation's paper."""
        values = {"scores": json.dumps(scores), "comments": comments, "updated_at": now()}
        with self.begin() as conn:
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
        query = (
            reviews.select()
            .where(reviews.c.delegation_id == delegation_id)
            .order_by(reviews.c.chair)
        )
        with self.begin() as conn:
            return [
                {**row._mapping, "scores": json.loads(row.scores)} for row in conn.execute(query)
            ]


def _delegation(row: Any) -> Delegation:
    return Delegation(
        id=row.id,
        committee=row.committee,
        country=row.country,
        delegate=row.delegate,
        school=row.school,
        created_at=row.created_at,
    )


def _draft(row: Any) -> Draft:
    return Draft(
        delegation_id=row.delegation_id,
        version=row.version,
        content=json.loads(row.content),
        words=row.words,
        saved_at=row.saved_at,
    )
