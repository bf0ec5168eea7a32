"""The store's staff methods: chairs and advisors as people, each with their own code.

A mixin of ``Store`` (``api.py``). A member's code is shown once (``add_staff``
returns it) and kept as a salted hash, as every code is (``codes.py``). A
staff code opens as a ``StaffIdentity``; ``staff_grant`` also admits an
advisor's own code to the advisor page, as their school's grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import access
from ..core.limits import HEADER_FIELD_CHARS
from ..core.staff import (
    ADVISOR,
    CHAIR,
    STAFF_PER_SCOPE,
    StaffIdentity,
    checked_name,
    checked_role,
    staff_key,
)
from ..core.times import now
from ..exceptions import AccessDenied, MunbookError, StoreError
from .base import new_id
from .codes import CodeMethods
from .schema import staff


@dataclass(frozen=True)
class StaffMember:
    """A row of the staff table (never its code)."""

    id: int
    role: str
    name: str
    committee: str | None
    school: str | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def identity(self) -> StaffIdentity:
        return StaffIdentity(staff_key(self.id), self.role, self.name, self.committee, self.school)

    @property
    def scope(self) -> str:
        """The committee (a chair's, upper case) or the school (an advisor's)."""
        return (self.committee or "").upper() if self.role == CHAIR else self.school or ""


class StaffMethods(CodeMethods):
    """Staff members and their codes; needs ``begin`` and ``using`` from ``Store``."""

    def add_staff(
        self,
        role: str,
        name: str,
        committee: str | None = None,
        school: str | None = None,
        conn: Connection | None = None,
    ) -> tuple[StaffMember, str]:
        """Add a chair (of ``committee``) or an advisor (of ``school``); (member, new code).

        The code is returned once and never stored; at most ``STAFF_PER_SCOPE`` live
        members per committee or school.
        """
        role, name = checked_role(role), checked_name(name)
        if role == CHAIR:
            if not committee or school:
                raise MunbookError("a chair belongs to a committee (and no school)")
            where = staff.c.committee == committee
        else:
            school = (school or "").strip()
            if not school or committee:
                raise MunbookError("an advisor belongs to a school (and no committee)")
            if len(school) > HEADER_FIELD_CHARS:
                raise MunbookError(f"a school's name has at most {HEADER_FIELD_CHARS} characters")
            where = staff.c.school == school
        code, salt = access.new_code(), access.new_salt()
        with self.using(conn) as conn:
            live = conn.execute(
                sa.select(sa.func.count())
                .select_from(staff)
                .where(staff.c.role == role, where, staff.c.revoked_at.is_(None))
            ).scalar_one()
            if live >= STAFF_PER_SCOPE:
                raise MunbookError(
                    f"{committee or school} already has {live} {role}s, the most there can be "
                    f"({STAFF_PER_SCOPE}): revoke one first"
                )
            made = conn.execute(
                staff.insert().values(
                    role=role,
                    name=name,
                    committee=committee if role == CHAIR else None,
                    school=school if role == ADVISOR else None,
                    salt=salt,
                    digest=access.digest(code, salt),
                    created_at=now(),
                )
            )
            member = self.staff_member(new_id(made), conn)
        return member, code

    def staff_member(self, staff_id: int, conn: Connection | None = None) -> StaffMember:
        with self.using(conn) as conn:
            row = conn.execute(staff.select().where(staff.c.id == staff_id)).first()
        if row is None:
            raise StoreError(f"no staff member with id {staff_id}")
        return _member(row)

    def staff_members(
        self,
        committee: str | None = None,
        school: str | None = None,
        live: bool = False,
        conn: Connection | None = None,
    ) -> list[StaffMember]:
        """Staff members (chairs of ``committee``, advisors of ``school``, or all), in id order."""
        query = staff.select().order_by(staff.c.id)
        if committee:
            query = query.where(staff.c.committee == committee)
        if school:
            query = query.where(staff.c.school == school)
        if live:
            query = query.where(staff.c.revoked_at.is_(None))
        with self.using(conn) as conn:
            return [_member(row) for row in conn.execute(query)]

    def revoke_staff(self, staff_id: int) -> StaffMember:
        """Stop a member's code from working; their scores and comments stay theirs."""
        with self.begin() as conn:
            member = self.staff_member(staff_id, conn)
            if member.revoked_at is not None:
                raise MunbookError(
                    f"staff member {staff_id} ({member.name}) was already revoked "
                    f"on {member.revoked_at:%Y-%m-%d %H:%M} UTC"
                )
            conn.execute(staff.update().where(staff.c.id == staff_id).values(revoked_at=now()))
            return self.staff_member(staff_id, conn)

    def staff_identity(
        self, code: str, role: str, committee: str | None = None
    ) -> StaffIdentity | None:
        """Who a live staff ``code`` of ``role`` (of ``committee``, when given) belongs to."""
        if len(code) > access.MAX_CODE_CHARS:
            return None
        key = access.normalize(code)
        query = staff.select().where(staff.c.role == role, staff.c.revoked_at.is_(None))
        if committee is not None:
            query = query.where(staff.c.committee == committee)
        with self.begin() as conn:
            rows = list(conn.execute(query))
        for row in rows:
            if access.matches_normalized(key, row.salt, row.digest):
                return _member(row).identity
        return None

    def staff_names(self) -> dict[str, str]:
        """{``staff:<id>``: name} of every member ever added (their work outlives a revoke)."""
        with self.begin() as conn:
            rows = conn.execute(sa.select(staff.c.id, staff.c.name))
            return {staff_key(i): name for i, name in rows}

    def staff_grant(self, code: str) -> access.Grant | None:
        """What a secretariat or advisor code opens; an advisor's own code opens their school."""
        advisor = self.staff_identity(code, ADVISOR)
        if advisor is not None:
            return access.Grant(access.ADVISOR, advisor.school, identity=advisor)
        return super().staff_grant(code)


def _member(row) -> StaffMember:
    return StaffMember(
        id=row.id,
        role=row.role,
        name=row.name,
        committee=row.committee,
        school=row.school,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def refuse_revoked(conn: Connection, key: str) -> None:
    """AccessDenied when ``key`` is a staff member whose code was revoked: a page it opened
    before can no longer save (their earlier work stays)."""
    number = key.removeprefix("staff:")
    if number == key or not number.isdigit():
        return  # a shared code's identity, or a name from before staff codes
    revoked = conn.execute(sa.select(staff.c.revoked_at).where(staff.c.id == int(number)))
    if revoked.scalar() is not None:
        raise AccessDenied("your code was revoked: nothing was saved (ask the secretariat)")
