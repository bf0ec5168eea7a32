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
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.limits import DRAFT_BYTES
from ..core.times import now
from ..exceptions import StoreError
from . import engine as engines
from .codes import CodeMethods
from .reviews import ReviewMethods
from .schema import SCHEMA_REVISION, delegations, drafts
from .submissions import SubmissionMethods


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


class Store(CodeMethods, SubmissionMethods, ReviewMethods):
    """One database; create it with ``Store()`` for the configured URL.

    Its methods are grouped by table in the mixins (codes, submissions, reviews).
    ``Store()`` runs no DDL: it checks that the schema is at this munbook's
    revision and raises StoreError (engine.NOT_READY) otherwise. Staff commands
    use ``Store.open_for_admin()``, which makes or migrates the schema first.
    """

    def __init__(self, url: str | None = None):
        self.engine: Engine = engines.make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=False)
        engines.check_ready(self.engine, SCHEMA_REVISION)

    @classmethod
    def open_for_admin(cls, url: str | None = None) -> Store:
        """Upgrade the schema (Alembic, once, under a lock), then open the store."""
        from . import migrate  # Alembic stays out of delegates' kernels

        migrate.upgrade(url)
        return cls(url)

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

    def rows_of(self, table: sa.Table, delegation_id: int, *order) -> list[dict[str, Any]]:
        """Every row of ``table`` for one delegation, in ``order``, as dicts."""
        query = table.select().where(table.c.delegation_id == delegation_id).order_by(*order)
        with self.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

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

    def delegations(
        self, committee: str | None = None, conn: Connection | None = None
    ) -> list[Delegation]:
        query = delegations.select().order_by(delegations.c.committee, delegations.c.country)
        if committee:
            query = query.where(delegations.c.committee == committee)
        with self.using(conn) as conn:
            return [_delegation(row) for row in conn.execute(query)]

    def upsert_delegation(
        self,
        committee: str,
        country: str,
        delegate: str | None = None,
        school: str | None = None,
        conn: Connection | None = None,
    ) -> tuple[int, bool]:
        """(id, created): the delegation of ``country`` in ``committee``, made if missing.

        ``delegate`` and ``school`` replace the stored ones unless None (a new
        delegation gets "" for None).
        """
        with self.using(conn) as conn:
            row = conn.execute(
                delegations.select().where(
                    delegations.c.committee == committee, delegations.c.country == country
                )
            ).first()
            if row is None:
                new = self.add_delegation(committee, country, delegate or "", school or "", conn)
                return new, True
            changes = {
                key: value
                for key, value in (("delegate", delegate), ("school", school))
                if value is not None and value != getattr(row, key)
            }
            if changes:
                conn.execute(
                    delegations.update().where(delegations.c.id == row.id).values(**changes)
                )
            return row.id, False

    def ensure_delegations(
        self, committee: str, countries: list[str], conn: Connection | None = None
    ) -> dict[str, tuple[int, bool]]:
        """{country: (id, created)} for ``countries`` in ``committee``, making the missing ones.

        The batch form of ``upsert_delegation`` (names left as they are, new ones
        empty): one query reads the existing delegations, one insert makes the rest.
        """
        wanted = list(dict.fromkeys(countries))
        query = sa.select(delegations.c.country, delegations.c.id).where(
            delegations.c.committee == committee, delegations.c.country.in_(wanted)
        )
        with self.using(conn) as conn:
            found = {country: (id_, False) for country, id_ in conn.execute(query)}
            missing = [c for c in wanted if c not in found]
            if missing:
                at = now()
                made = conn.execute(
                    delegations.insert().returning(delegations.c.country, delegations.c.id),
                    [
                        {
                            "committee": committee,
                            "country": c,
                            "delegate": "",
                            "school": "",
                            "created_at": at,
                        }
                        for c in missing
                    ],
                )
                found |= {country: (id_, True) for country, id_ in made}
        return {c: found[c] for c in wanted}

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
        if len(body.encode()) > DRAFT_BYTES:  # the limits are checked above; this is the floor
            raise StoreError(f"a draft is at most {DRAFT_BYTES:,} bytes; nothing was saved")
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
