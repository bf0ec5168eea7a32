"""Merging two tabs' drafts, field by field, against the version both started from.

A field is a section, a note or the disclosure. Where only one side changed a
field, that side's text is kept; where both changed it differently, it is a
clash and the delegate chooses. Sources are a set: what either side added is
kept, what either side removed is gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .words import normalized

TEXT_PARTS = ("sections", "notes")


@dataclass(frozen=True)
class Clash:
    """One field both sides changed: ``part`` (sections, notes, disclosure) and ``key``."""

    part: str
    key: str
    mine: str
    theirs: str


@dataclass
class Merged:
    """The merged draft (``content``; mine where fields clash) and what came from each side."""

    content: dict[str, Any]
    clashes: list[Clash] = field(default_factory=list)
    from_theirs: list[str] = field(default_factory=list)  # fields only the other side changed


def _pick(base: str, mine: str, theirs: str) -> tuple[str, str]:
    """(the text to keep, 'mine' | 'theirs' | 'clash')."""
    if mine == theirs or theirs == base:
        return mine, "mine"
    if mine == base:
        return theirs, "theirs"
    return mine, "clash"


def _source_id(source: dict[str, Any]) -> str:
    return json.dumps(source, sort_keys=True)


def _merge_sources(base: list, mine: list, theirs: list) -> list:
    before = {_source_id(s) for s in base}
    mine_ids = {_source_id(s) for s in mine}
    removed = before - mine_ids
    kept = [s for s in theirs if _source_id(s) not in removed]
    have = {_source_id(s) for s in kept}
    added = [s for s in mine if _source_id(s) not in before and _source_id(s) not in have]
    return kept + added


def merge(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> Merged:
    """Three-way merge of drafts; ``base`` is the version both sides started from."""
    base, mine, theirs = normalized(base), normalized(mine), normalized(theirs)
    content: dict[str, Any] = {}
    result = Merged(content)
    for part in TEXT_PARTS:
        content[part] = {}
        keys = dict.fromkeys([*mine[part], *theirs[part], *base[part]])
        for key in keys:
            b, m, t = (side[part].get(key, "") for side in (base, mine, theirs))
            content[part][key], side = _pick(b, m, t)
            _record(result, side, part, key, m, t)
    content["disclosure"], side = _pick(
        base["disclosure"], mine["disclosure"], theirs["disclosure"]
    )
    _record(result, side, "disclosure", "", mine["disclosure"], theirs["disclosure"])
    content["sources"] = _merge_sources(base["sources"], mine["sources"], theirs["sources"])
    return result


def _record(result: Merged, side: str, part: str, key: str, mine: str, theirs: str) -> None:
    name = f"{part}.{key}" if key else part
    if side == "clash":
        result.clashes.append(Clash(part, key, mine, theirs))
    elif side == "theirs":
        result.from_theirs.append(name)
