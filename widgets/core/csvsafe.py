"""CSV cells a spreadsheet would run as a formula are neutralised (OWASP's rule)."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """``value`` with a leading single quote when it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
