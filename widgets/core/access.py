"""Access codes: random, shown once, stored only as a salted hash.

Codes are 12 characters from a 31-letter alphabet (about 59 bits), drawn by
``secrets``; with that much entropy a salted SHA-256 is enough (a slow
password hash guards against guessing human-chosen words, which these are not),
and the apps slow down repeated wrong codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: codes are read aloud and copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4


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
    return hashlib.sha256(f"{salt}:{normalize(code)}".encode()).hexdigest()


def matches(code: str, salt: str, expected: str) -> bool:
    """True when ``code`` hashes to ``expected``, compared in constant time."""
    return hmac.compare_digest(digest(code, salt), expected)
