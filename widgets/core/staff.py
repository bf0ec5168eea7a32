"""Staff are people: who is behind a chair's or an advisor's code.

A ``StaffIdentity`` is what a staff code opens as: a named chair or advisor
(``staff:<id>``, a row of the store's ``staff`` table) or, for the committee's
shared chair code of before, the "committee chair" (``chair-code:<committee>``).
Scores, comments and statuses are kept under ``key``, never under a typed name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..exceptions import MunbookError

CHAIR, ADVISOR = "chair", "advisor"
ROLES = (CHAIR, ADVISOR)
NAME_CHARS = 80  # a staff member's name, as the secretariat types it
STAFF_PER_SCOPE = 50  # live chairs of one committee, or advisors of one school
COMMITTEE_CHAIR = "committee chair"  # the shared chair code's identity, until replaced


@dataclass(frozen=True)
class StaffIdentity:
    """One person (or the shared committee chair code) acting on the staff pages."""

    key: str  # "staff:<id>" or "chair-code:<committee>": what their work is kept under
    role: str  # CHAIR or ADVISOR
    name: str  # shown beside their work (never on a blind committee's delegate side)
    committee: str | None = None  # a chair's committee key
    school: str | None = None  # an advisor's school, as the roster spells it

    @property
    def is_shared(self) -> bool:
        """True for the committee's shared chair code (not one person)."""
        return self.key.startswith("chair-code:")


def staff_key(staff_id: int) -> str:
    return f"staff:{staff_id}"


def shared_chair(committee: str) -> StaffIdentity:
    """The identity of the committee's shared chair code."""
    return StaffIdentity(f"chair-code:{committee}", CHAIR, COMMITTEE_CHAIR, committee=committee)


def checked_name(name: str) -> str:
    """A staff member's name, stripped; MunbookError when empty, too long or unprintable."""
    cleaned = name.strip()
    if not cleaned:
        raise MunbookError(f"a staff member needs a name (at most {NAME_CHARS} characters)")
    if len(cleaned) > NAME_CHARS:
        raise MunbookError(
            f"a staff member's name has at most {NAME_CHARS} characters; "
            f"this one has {len(cleaned)}: shorten it"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise MunbookError("a staff member's name cannot hold control characters")
    return cleaned


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise MunbookError(f"a staff role is chair or advisor, not {role!r}")
    return role
