"""Names from outside (file and zip entry names) made safe to print on a terminal or page."""

from __future__ import annotations

import unicodedata

# Cc: control characters (ESC sequences recolour or rewrite a terminal); Cf: format
# characters such as U+202E, which reverses the text after it; Zl, Zp: line breaks.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


def printable(text: str, limit: int = 300) -> str:
    """``text`` with every control or format character as a visible escape, cut at ``limit``."""
    shown = "".join(_escape(c) if unicodedata.category(c) in _HIDDEN else c for c in text)
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…"


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )
