"""A paper's sections as (key, title, text): from a draft's content or a submitted notebook.

What the comments are pinned to: a comment's offsets are in the text of its
section in one of these. The notebook is read as JSON (no nbformat: a delegate's
kernel reads it too).
"""

from __future__ import annotations

import json
from typing import Any

from ..core.committees import Committee
from ..core.words import section_key

Sections = list[tuple[str, str, str]]


def titles(committee: Committee) -> dict[str, str]:
    """Section key -> "Topic A · Country policy"."""
    return {
        section_key(t.key, s.key): f"Topic {t.key} · {s.title}"
        for t in committee.topics
        for s in committee.rules.sections
    }


def draft_sections(committee: Committee, content: dict[str, Any] | None) -> Sections:
    """Every section of the committee with its text in ``content`` ("" when unwritten)."""
    written = (content or {}).get("sections", {})
    return [(key, title, str(written.get(key, ""))) for key, title in titles(committee).items()]


def submission_sections(committee: Committee, notebook: str | None) -> Sections:
    """The sections of a submitted paper notebook, as submitted; [] for an ingested PDF."""
    if not notebook:
        return []
    try:
        cells = json.loads(notebook).get("cells", [])
    except (ValueError, AttributeError):
        return []
    known, found = titles(committee), {}
    for cell in cells:
        meta = (cell.get("metadata") or {}).get("munbook") or {}
        if "topic" in meta and "section" in meta:
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            found[section_key(meta["topic"], meta["section"])] = text
    return [(key, title, found[key]) for key, title in known.items() if key in found]


def version_texts(
    store: Any, committee: Committee, delegation_id: int, comments: list[Any]
) -> dict[int, dict[str, str] | None]:
    """Comment id -> its version's sections (key -> text): the submission or draft version it
    was made on, each read once; None when that version is no longer kept (thinned drafts)."""
    cache: dict[tuple[str, int], dict[str, str] | None] = {}
    subs: dict[int, Any] | None = None
    found: dict[int, dict[str, str] | None] = {}
    for c in comments:
        if c.submission_id is not None:
            key = ("submission", c.submission_id)
            if key not in cache:
                if subs is None:
                    subs = {s["id"]: s for s in store.submissions(delegation_id)}
                sub = subs.get(c.submission_id)
                sections = submission_sections(committee, sub["notebook"]) if sub else []
                cache[key] = {k: t for k, _, t in sections} or None
        elif c.draft_version is not None:
            key = ("draft", c.draft_version)
            if key not in cache:
                draft = store.draft(delegation_id, c.draft_version)
                cache[key] = (
                    {k: t for k, _, t in draft_sections(committee, draft.content)}
                    if draft
                    else None
                )
        else:
            found[c.id] = None
            continue
        found[c.id] = cache[key]
    return found
