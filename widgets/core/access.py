"""Access codes: random, shown once, stored only as a salted hash; and whom they admit.

Codes are 12 characters from a 31-letter alphabet (about 59 bits), drawn by
``secrets``; with that much entropy a salted SHA-256 is enough (a slow
password hash guards against guessing human-chosen words, which these are not),
and the apps slow down repeated wrong codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from .staff import StaffIdentity

# No 0/O, 1/I/L: codes are read aloud and copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
MAX_CODE_CHARS = 64  # a code as typed (dashes, spaces); longer input is refused unhashed


def new_code() -> str:
    """A fresh code like ``K7QX-M2PA-ZT9C``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalize(code: str) -> str:
    """The code as typed, without case, spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_salt() -> str:
    return secrets.token_hex(16)


def digest(code: str, salt: str) -> str:
    return _digest(normalize(code), salt)


def _digest(normalized: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalized}".encode()).hexdigest()


def matches(code: str, salt: str, expected: str) -> bool:
    """True when ``code`` hashes to ``expected``, compared in constant time."""
    return hmac.compare_digest(digest(code, salt), expected)


def matches_normalized(normalized: str, salt: str, expected: str) -> bool:
    """``matches`` for a code already normalized (a scan over many codes normalizes once)."""
    return hmac.compare_digest(_digest(normalized, salt), expected)


# ---- who a code belongs to ----------------------------------------------------------

SECRETARIAT, ADVISOR = "secretariat", "advisor"


@dataclass(frozen=True)
class Grant:
    """What a staff code opens: the whole conference, or one school's delegations."""

    role: str  # SECRETARIAT or ADVISOR
    school: str | None = None  # the school's name as first imported (advisors only)
    identity: StaffIdentity | None = None  # the advisor, when the code is their own (staff table)

    @property
    def is_secretariat(self) -> bool:
        return self.role == SECRETARIAT

    def sees(self, school: str) -> bool:
        """True when a delegation of ``school`` is within this grant."""
        return self.is_secretariat or (
            self.school is not None and bool(school) and name_key(school) == name_key(self.school)
        )


def name_key(name: str) -> str:
    """A person's or school's name without case, accents, punctuation or extra spaces.

    Two spellings with the same key are the same person or school: re-importing
    "wanjiru  KAMAU" for "Wanjiru Kamau" is a correction, not a reassignment.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = "".join(ch if ch.isalnum() else " " for ch in bare).split()
    return " ".join(words)
