"""A draft's shape and how words are counted, the same for delegates and chairs.

The draft is one JSON document per version:
``{"sections": {"A.background": md, ...}, "notes": {"A.0": text, ...},
"sources": [{author, title, publisher, date, url, accessed}, ...],
"disclosure": text}``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a type only: counting words needs no committee files (start-up)
    from .committees import Committee

# CJK, kana, hangul and Thai are written without spaces: count each character
# as a word there, and runs of letters or digits elsewhere.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = rf"[{_UNSPACED}]|[^\s{_UNSPACED}]*[^\W_][^\s{_UNSPACED}]*"


def count_words(text: str) -> int:
    """Words in ``text``, as a delegate and a chair would count them."""
    text = text or ""
    return _count_remembered(text) if len(text) >= _REMEMBER_FROM else _count(text)


def _count(text: str) -> int:
    return len(_word().findall(text))


# A workbook recounts every section on each keystroke (counts, limits, the save), and only
# the section being typed in has changed: its siblings' counts are remembered. Small, so a
# kernel holds at most a few dozen texts (each at most a section's limit when counted).
_REMEMBER_FROM = 64
_count_remembered = lru_cache(maxsize=32)(_count)


@cache
def _word() -> re.Pattern:
    # Compiled on the first count, not at import: every staff command imports this
    # module through the store, few count words (and re's own cache can evict it).
    return re.compile(_WORD)


def section_key(topic: str, section: str) -> str:
    return f"{topic}.{section}"


def empty_draft() -> dict[str, Any]:
    return {"sections": {}, "notes": {}, "sources": [], "disclosure": ""}


def normalized(content: dict[str, Any] | None) -> dict[str, Any]:
    """``content`` with every expected key present (older versions may lack some)."""
    draft = empty_draft()
    draft.update(content or {})
    return draft


def paper_words(content: dict[str, Any]) -> int:
    """Words of the paper's sections (works cited and notes do not count)."""
    return sum(count_words(t) for t in normalized(content)["sections"].values())


def topic_words(content: dict[str, Any], committee: Committee, topic: str) -> int:
    sections = normalized(content)["sections"]
    return sum(
        count_words(sections.get(section_key(topic, s.key), "")) for s in committee.rules.sections
    )
