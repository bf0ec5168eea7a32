"""File-name patterns like ``{committee}_{country}_{delegate}.pdf``, matched in linear time.

A regex of lazy groups (``(.+?)_(.+?)\\.pdf$``) backtracks: a 4,000-character
name that almost matched took 36 s. Here each field ends at the first
occurrence of the literal that follows it (what the lazy regex finds when it
matches) and the last field takes the rest, so one left-to-right pass
decides. Two fields side by side have no literal between them, so a pattern
must separate them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import MunbookError

FIELDS = ("committee", "country", "delegate", "school", "any")
MAX_NAME_CHARS = 255  # the usual file-system limit for one file name


@dataclass(frozen=True)
class Literal:
    text: str
    regex: re.Pattern[str]  # the text, escaped, case-insensitive: one character per character


@dataclass(frozen=True)
class NamePattern:
    """A compiled pattern: fields (their names) and literals, in order."""

    text: str
    parts: tuple[str | Literal, ...]

    def match(self, name: str) -> dict[str, str] | None:
        """The fields of ``name`` (the first of each name), or None if it does not match."""
        parts, start, end = list(self.parts), 0, len(name)
        prefix, suffix = parts[0], parts[-1]
        if isinstance(prefix, Literal):
            parts.pop(0)
            found = prefix.regex.match(name, 0, end)
            if not found:
                return None
            start = found.end()
        if isinstance(suffix, Literal):
            parts.pop()
            size = len(suffix.text)
            if end - size < start or not suffix.regex.fullmatch(name, end - size, end):
                return None
            end -= size
        # What is left alternates: field, literal, field, ..., field.
        fields = [p for p in parts[0::2] if isinstance(p, str)]
        literals = [p for p in parts[1::2] if isinstance(p, Literal)]
        values: dict[str, str] = {}
        for index, field in enumerate(fields):
            if index < len(literals):
                found = literals[index].regex.search(name, start + 1, end)
                if not found:
                    return None
                value, start = name[start : found.start()], found.end()
            else:
                value = name[start:end]
            if not value:
                return None
            values.setdefault(field, value)
        values.pop("any", None)
        return values


def compile_pattern(pattern: str) -> NamePattern:
    """``{committee}_{country}_{delegate}.pdf`` -> a NamePattern; MunbookError if unusable."""
    pieces = [p for p in re.split(r"(\{\w+\})", pattern) if p]
    fields = [p[1:-1] for p in pieces if p.startswith("{") and p.endswith("}")]
    unknown = sorted(set(fields) - set(FIELDS))
    if "country" not in fields or unknown:
        raise MunbookError(
            f"pattern {pattern!r} must name {{country}} and may use {{committee}}, {{delegate}}, "
            f"{{school}}, {{any}}" + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    parts: list[str | Literal] = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}"):
            if parts and isinstance(parts[-1], str):
                raise MunbookError(
                    f"pattern {pattern!r}: put a separator (such as _ or -) between "
                    f"{{{parts[-1]}}} and {piece}, or a name cannot be split"
                )
            parts.append(piece[1:-1])
        else:
            parts.append(Literal(piece, re.compile(re.escape(piece), re.IGNORECASE)))
    return NamePattern(pattern, tuple(parts))
