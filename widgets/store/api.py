"""The store: delegations, access codes, drafts, submissions, extensions, reviews.

The tables are in ``schema.py``; this module is the one API that reads and writes them.

SQLAlchemy Core over a SQLite file (WAL, foreign keys on) by default, or
PostgreSQL when ``MUNBOOK_DB`` is a ``postgresql://`` URL. Access codes are
kept as salted hashes only; submissions are write-once, enforced by the
database itself with triggers.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.times import now
from . import engine as engines
from .base import new_id
from .codes import CodeMethods
from .comments import CommentMethods
from .drafts import DraftMethods
from .held import HeldMethods
from .records import Delegation
from .reviews import ReviewMethods
from .schema import SCHEMA_REVISION, delegations
from .staff import StaffMethods
from .statuses import StatusMethods
from .submissions import SubmissionMethods


class Store(
    StaffMethods,
    CodeMethods,
    DraftMethods,
    HeldMethods,
    SubmissionMethods,
    ReviewMethods,
    StatusMethods,
    CommentMethods,
):
    """One database; create it with ``Store()`` for the configured URL.

    Its methods are grouped by table in the mixins (staff, codes, drafts, submissions, reviews).
    ``Store()`` runs no DDL: it checks that the schema is at this munbook's
    revision and raises StoreError (engine.NOT_READY) otherwise. Staff commands
    use ``Store.open_for_admin()``, which makes or migrates the schema first.
    """

    def __init__(self, url: str | None = None, pooled: bool = True):
        self.engine: Engine = engines.make_engine(url, pooled=pooled)
        self.url = self.engine.url.render_as_string(hide_password=False)
        engines.check_ready(self.engine, SCHEMA_REVISION)

    @classmethod
    def open_for_admin(cls, url: str | None = None) -> Store:
        """Make or upgrade the schema (once, under a lock), then open the store."""
        from . import fresh  # Alembic stays out of delegates' kernels

        fresh.ensure_ready(url)
        return cls(url)

    def full_store(self) -> Store:
        """This store (``StoreContract``'s way to the methods a ``KernelStore`` lacks)."""
        return self

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
            return new_id(result)

    def delegation(self, delegation_id: int) -> Delegation:
        return _delegation(self.row_by_id(delegations, delegation_id, "delegation"))

    def find_delegation(self, committee: str, country: str) -> Delegation | None:
        with self.begin() as conn:
            row = _delegation_row(conn, committee, country)
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
            row = _delegation_row(conn, committee, country)
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


def _delegation(row: Any) -> Delegation:
    return Delegation(
        id=row.id,
        committee=row.committee,
        country=row.country,
        delegate=row.delegate,
        school=row.school,
        created_at=row.created_at,
    )


def _delegation_row(conn: Connection, committee: str, country: str) -> Any:
    return conn.execute(
        delegations.select().where(
            delegations.c.committee == committee, delegations.c.country == country
        )
    ).first()
