"""Pasted lists become markdown lists: Word, Google Docs and Pages, as HTML or plain text.

A word processor puts a list on the clipboard as HTML (``core.pasted_html``
reads it) and as plain text whose lines start with a bullet and a tab
(``•\\t``, ``o\\t`` for a sub-point) or a number (``1.``, ``1)``, ``a)``).
Pasted as typed, those lines merged into one paragraph with the bullets as
letters. Here both forms become ``Block``s and then markdown the paper
renders as lists. Letters and roman numerals are kept as written (markdown
numbers only with digits), so nothing the delegate wrote is renamed.
"""

from __future__ import annotations

import re

from .pasted_blocks import BULLET_LEVELS, Block
from .pasted_html import html_blocks

# A glyph that is never a word may be followed by spaces, "o" only by a tab ("o " starts
# sentences in some languages); "- " and "* " are markdown already but need blank lines around.
GLYPHS = "".join(re.escape(g) for g in BULLET_LEVELS if g not in "-*o")
LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    rf"(?P<bullet>[{GLYPHS}\-*o])\t[ \t]*"
    rf"|(?P<glyph>[{GLYPHS}\-*])[ \u00a0]+"
    r"|(?P<number>\d{1,3})[.)][\t \u00a0]+"
    r"|(?P<letter>[a-z]|[ivx]{1,4}|[A-Z]|[IVX]{1,4})(?P<close>[.)])\t[ \t]*"
    r"|(?P<paren>[a-z]|[ivx]{1,4})\)[ \u00a0]+"
    r")(?P<text>\S.*)$"
)
ROMAN = re.compile(r"^[ivx]+$", re.IGNORECASE)
# How far a pasted list may nest; deeper items stay at this depth (said in the text as is).
MAX_DEPTH = 6


def _depth(indent: str) -> int:
    return indent.count("\t") + indent.count(" ") // 3


def plain_blocks(text: str) -> list[Block]:
    """The lines of pasted plain text, list lines as items."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = [LINE.match(line) for line in lines]
    # Pages and TextEdit indent even the first level: depth counts from the least indented.
    base = min((_depth(f["indent"]) for f in found if f), default=0)
    blocks = []
    for raw, line in zip(lines, found, strict=True):
        if not line:
            blocks.append(Block(raw.rstrip()))
            continue
        deeper = _depth(line["indent"]) - base
        body = line["text"].rstrip()
        if line["bullet"] or line["glyph"]:
            glyph = line["bullet"] or line["glyph"]
            blocks.append(Block(body, max(BULLET_LEVELS[glyph], deeper)))
        elif line["number"]:
            blocks.append(Block(body, deeper, ordered=True))
        else:
            label = line["letter"] or line["paren"]
            close = line["close"] or ")"
            # Word numbers its levels 1., a., i.: a letter sits under a number.
            level = 2 if ROMAN.match(label) and label.islower() and len(label) > 1 else 1
            blocks.append(Block(body, max(level, deeper), label=f"{label}{close}"))
    return blocks


def has_list(blocks: list[Block]) -> bool:
    return any(b.level is not None for b in blocks)


def to_markdown(blocks: list[Block]) -> str:
    """Markdown of ``blocks``: items nested by level, a blank line around each list."""
    lines: list[str] = []
    widths: list[int] = []  # the marker width of each open level
    in_list, base = False, 0
    for block in blocks:
        if block.level is None:
            if in_list and block.text:
                lines.append("")  # else the line would continue the last item
            in_list = False
            widths = []
            lines.append(block.text)
            continue
        if not in_list:
            if lines and lines[-1]:
                lines.append("")  # a list after a paragraph line
            base = block.level  # a list pasted from its sub-points starts at their level
        in_list, base = True, min(base, block.level)
        level = min(block.level - base, len(widths), MAX_DEPTH)
        marker = "1. " if block.ordered else "- "
        text = f"{block.label} {block.text}" if block.label else block.text
        lines.append(" " * sum(widths[:level]) + marker + _literal(text))
        widths = [*widths[:level], len(marker)]
    return "\n".join(lines).strip("\n")


def _literal(text: str) -> str:
    """An item's text never starts another list or a heading inside the item."""
    return re.sub(r"^([#>+]|\d{1,9}[.)](?=\s)|[-*](?=\s))", r"\\\1", text)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def pasted_markdown(text: str, html: str = "") -> str | None:
    """What a paste should insert: lists as markdown; None when it holds no list.

    The HTML form is used when it has a list and keeps every letter of the plain
    form (word processors put both on the clipboard); else the plain form.
    """
    plain = plain_blocks(text)
    if html:
        rich = html_blocks(html)
        if has_list(rich):
            converted = to_markdown(rich)
            if not text.strip() or _letters(to_markdown(plain)) in _letters(converted):
                return converted
            # The HTML lost words the plain text has (an unknown layout): trust the plain text.
    return to_markdown(plain) if has_list(plain) else None
