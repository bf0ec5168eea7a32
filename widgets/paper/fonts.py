"""Which characters the installed fonts can draw, as Typst sees the fonts.

Typst falls back across every font it knows, so a character is drawable when
any of them maps it. Anything else would print as a blank box, so the export
refuses it instead, naming the character. Reading every font's character map
takes seconds, so the result is kept as code-point ranges in home()/cache,
keyed by the font files' names, sizes and times.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import unicodedata
from functools import cache
from pathlib import Path

import typst

from .. import settings

# Characters that are not drawn (marks of direction, joiners, selectors): never missing.
_INVISIBLE = {"Cf", "Zl", "Zp"}


@cache
def fonts() -> typst.Fonts:
    """The font set Typst uses (system fonts and its own), loaded once per process."""
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def _font_files() -> list[tuple[str, int]]:
    return sorted({(f.path, f.index) for f in fonts().fonts() if f.path})


def _fingerprint(files: list[tuple[str, int]]) -> str:
    digest = hashlib.sha256()
    for path, index in files:
        stat = os.stat(path)
        digest.update(f"{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _read_ranges(files: list[tuple[str, int]]) -> list[list[int]]:
    from fontTools.ttLib import TTFont, TTLibError

    points: set[int] = set()
    for path, index in files:
        try:
            points.update(TTFont(path, fontNumber=index, lazy=True)["cmap"].getBestCmap() or {})
        except (OSError, TTLibError, KeyError, AssertionError):
            continue
    ranges: list[list[int]] = []
    for code in sorted(points):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


@cache
def _ranges() -> tuple[list[int], list[int]]:
    files = _font_files()
    cache_file = settings.font_coverage_file(_fingerprint(files))
    try:
        ranges = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        ranges = _read_ranges(files)
        _write_cache(cache_file, ranges)
    return [r[0] for r in ranges], [r[1] for r in ranges]


def _write_cache(path: Path, ranges: list[list[int]]) -> None:
    # A read-only home only costs the next process the same seconds.
    with contextlib.suppress(OSError):
        settings.write_private(path, json.dumps(ranges))


def drawable(ch: str) -> bool:
    if ch in "\n\t " or unicodedata.category(ch) in _INVISIBLE:
        return True
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0000 <= code <= 0xE007F:  # variation selectors, tags
        return True
    starts, ends = _ranges()
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def missing(text: str) -> list[str]:
    """The distinct characters of ``text`` that no font can draw, in order of appearance."""
    found: dict[str, None] = {}
    for ch in text:
        if ch not in found and not drawable(ch):
            found[ch] = None
    return list(found)
