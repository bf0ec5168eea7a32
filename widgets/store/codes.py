"""The store's access-code methods: issue, check, revoke, and the record of wrong codes.

A mixin of ``Store`` (``api.py``): the store keeps salted hashes only, never a code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import access
from ..core.times import now
from .base import StoreBase
from .records import FAILURE_WINDOW
from .schema import access_codes, access_failures


class CodeMethods(StoreBase):
    """Access codes and failed tries; needs ``begin`` and ``using`` from ``Store``."""

    def add_code(
        self,
        code: str,
        role: str,
        committee: str | None = None,
        delegation_id: int | None = None,
        conn: Connection | None = None,
        school: str | None = None,
    ) -> None:
        salt = access.new_salt()
        with self.using(conn) as conn:
            conn.execute(
                access_codes.insert().values(
                    role=role,
                    committee=committee,
                    delegation_id=delegation_id,
                    school=school,
                    salt=salt,
                    digest=access.digest(code, salt),
                    created_at=now(),
                )
            )

    def issue_code(
        self,
        role: str,
        committee: str | None = None,
        delegation_id: int | None = None,
        conn: Connection | None = None,
        school: str | None = None,
    ) -> str:
        """Make a fresh random code for this scope, store its hash, and return the code."""
        code = access.new_code()
        self.add_code(code, role, committee, delegation_id, conn=conn, school=school)
        return code

    def issue_codes(
        self,
        role: str,
        committee: str | None,
        delegation_ids: list[int],
        conn: Connection | None = None,
    ) -> dict[int, str]:
        """``issue_code`` for many delegations in one insert: {delegation id: new code}."""
        codes = {delegation_id: access.new_code() for delegation_id in delegation_ids}
        at = now()
        rows = []
        for delegation_id, code in codes.items():
            salt = access.new_salt()
            rows.append(
                {
                    "role": role,
                    "committee": committee,
                    "delegation_id": delegation_id,
                    "school": None,
                    "salt": salt,
                    "digest": access.digest(code, salt),
                    "created_at": at,
                }
            )
        if rows:
            with self.using(conn) as conn:
                conn.execute(access_codes.insert(), rows)
        return codes

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
        """True when ``code`` is a live code of ``role`` for exactly this committee or delegation."""
        return any(
            access.matches(code, salt, dig)
            for salt, dig in self._codes(role, committee, delegation_id)
        )

    def delegation_for_code(self, code: str) -> int | None:
        """The delegation a live delegate ``code`` opens, or None (the entry page's lookup).

        Codes are salted hashes, so this hashes ``code`` with each live delegate
        code's salt: one query and one SHA-256 per delegation (about
        10 ms for 5,000 on PostgreSQL; ``make bench`` burst prints it).
        """
        if len(code) > access.MAX_CODE_CHARS:
            return None
        key = access.normalize(code)
        query = sa.select(
            access_codes.c.delegation_id, access_codes.c.salt, access_codes.c.digest
        ).where(
            access_codes.c.role == "delegate",
            access_codes.c.revoked_at.is_(None),
            access_codes.c.delegation_id.is_not(None),
        )
        with self.begin() as conn:
            rows = conn.execute(query).all()
        for delegation_id, salt, expected in rows:
            if access.matches_normalized(key, salt, expected):
                return delegation_id
        return None

    def staff_grant(self, code: str) -> access.Grant | None:
        """What a secretariat or school-advisor ``code`` opens, or None."""
        query = sa.select(
            access_codes.c.role, access_codes.c.school, access_codes.c.salt, access_codes.c.digest
        ).where(
            access_codes.c.revoked_at.is_(None),
            access_codes.c.role.in_((access.SECRETARIAT, access.ADVISOR)),
        )
        with self.begin() as conn:
            rows = list(conn.execute(query))
        for role, school, salt, dig in rows:
            # An advisor code without a school (stores made before schools had codes) opens nothing.
            if access.matches(code, salt, dig) and (role == access.SECRETARIAT or school):
                return access.Grant(role, school if role == access.ADVISOR else None)
        return None

    def advisor_schools(self, conn: Connection | None = None) -> list[str]:
        """The schools that hold a live advisor code (names as first imported)."""
        query = sa.select(access_codes.c.school).where(
            access_codes.c.role == access.ADVISOR,
            access_codes.c.revoked_at.is_(None),
            access_codes.c.school.is_not(None),
        )
        with self.using(conn) as conn:
            return [school for (school,) in conn.execute(query)]

    def revoke_codes(self, role: str, delegation_id: int, conn: Connection | None = None) -> int:
        """Stop every live ``role`` code of a delegation from working; return how many."""
        with self.using(conn) as conn:
            return conn.execute(
                access_codes.update()
                .where(
                    access_codes.c.role == role,
                    access_codes.c.delegation_id == delegation_id,
                    access_codes.c.revoked_at.is_(None),
                )
                .values(revoked_at=now())
            ).rowcount

    def _codes(
        self,
        role: str,
        committee: str | None,
        delegation_id: int | None,
        conn: Connection | None = None,
    ) -> list:
        query = sa.select(access_codes.c.salt, access_codes.c.digest).where(
            access_codes.c.role == role,
            access_codes.c.revoked_at.is_(None),
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
