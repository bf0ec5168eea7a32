"""What a pasted text is made of: paragraph lines and list items, whichever form it came in."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bullet glyphs by the level word processors give them (Word: •, o, § in Symbol/Wingdings,
# or as the fonts' private-use code points when a font is missing).
BULLET_LEVELS = {
    "•": 0, "·": 0, "●": 0, "-": 0, "*": 0, "–": 0, "\uf0b7": 0,
    "o": 1, "◦": 1, "○": 1, "\uf06f": 1,
    "▪": 2, "■": 2, "§": 2, "▫": 2, "□": 2, "\uf0a7": 2,
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """A paragraph line (``level`` None; empty text is a blank line) or a list item."""

    text: str
    level: int | None = None
    ordered: bool = False
    label: str = ""  # a letter or roman numeral as written: "a)", "ii."


def item_of(label: str, text: str, level: int = 0) -> Block:
    """A list item from a word processor's label: a glyph, "1.", "a)", "iv."."""
    glyph = label.strip()
    if glyph in BULLET_LEVELS:
        return Block(text, level)
    if re.fullmatch(r"\(?\d{1,3}[.)]", glyph):
        return Block(text, level, ordered=True)
    return Block(text, level, label=glyph)
