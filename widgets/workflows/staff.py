"""Chairs and advisors as people: add, list and revoke them (the CLI and the secretariat page).

The store keeps each member's code as a salted hash; ``add`` returns the code
once, to hand to the person. A chair's committee must be a committee file
munbook knows; an advisor's school is written as the roster spells it.
"""

from __future__ import annotations

from ..core import committees
from ..core.staff import CHAIR, checked_role
from ..store import Store
from ..store.staff import StaffMember


def add(
    store: Store, role: str, name: str, committee: str | None = None, school: str | None = None
) -> tuple[StaffMember, str]:
    """Add a chair of ``committee`` or an advisor of ``school``: (the member, their new code)."""
    if checked_role(role) == CHAIR and committee:
        committee = committees.load(committee).key  # UnknownCommittee names the known ones
    return store.add_staff(role, name, committee=committee, school=school)


def members(store: Store, committee: str | None = None, live: bool = False) -> list[StaffMember]:
    """Every member (a committee's chairs only, when given), revoked ones included unless ``live``."""
    key = committees.load(committee).key if committee else None
    return store.staff_members(committee=key, live=live)


def describe(member: StaffMember) -> str:
    """One line for a person: id, role, name, committee or school, and when revoked."""
    revoked = f"  revoked {member.revoked_at:%Y-%m-%d %H:%M} UTC" if member.revoked_at else ""
    return (
        f"{member.id:>4}  {member.role:<8} {member.name}  ({member.scope})  "
        f"added {member.created_at:%Y-%m-%d %H:%M} UTC{revoked}"
    )
