"""What History compares: a version or a submission as labelled sections of markdown.

The labels are the ones a paper notebook's cells get (``status.paper_sections``:
"Topic A · Background", the AI-use disclosure, the works cited), so a draft
version and a submission line up section by section. No pandas: the
delegate's kernel imports this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.committees import Committee
from ..core.words import normalized, section_key
from .status import DISCLOSURE, WORKS_CITED, paper_sections

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

PDF_TEXT = "the PDF's text"  # an ingested PDF: its text, not sections


@dataclass(frozen=True)
class Sent:
    """One submission as History lists it (newest last, as the store gives them)."""

    number: int  # 1 for the first submission
    id: int
    submitted_at: datetime
    seconds_late: int
    version: int | None  # the draft version submitted (None: an ingested PDF)


def draft_sections(content: dict[str, Any], committee: Committee) -> dict[str, str]:
    """A draft's sections, disclosure (when asked for) and works cited, in paper order."""
    content = normalized(content)
    out = {
        f"Topic {t.key} · {s.title}": str(content["sections"].get(section_key(t.key, s.key), ""))
        for t in committee.topics
        for s in committee.rules.sections
    }
    if committee.rules.ai_disclosure:
        out[DISCLOSURE] = str(content.get("disclosure") or "")
    out[WORKS_CITED] = works_cited_markdown(content.get("sources") or [], committee)
    return out


def works_cited_markdown(sources: list[dict[str, Any]], committee: Committee) -> str:
    """The works cited as the paper notebook holds them (so a draft and a submission agree)."""
    if not sources:
        return ""
    from ..core.citations import works_cited  # citeproc on first use (as the Sources tab)
    from ..paper.notebook import entry_markdown

    entries = works_cited(sources, committee.rules.citation_style)
    return "\n\n".join(entry_markdown(e) for e in entries)


def sent(store: StoreContract, delegation_id: int) -> list[Sent]:
    """The delegation's submissions, oldest first, numbered."""
    found = []
    for number, row in enumerate(store.submissions(delegation_id), 1):
        version = None
        if row.get("notebook"):
            meta = json.loads(row["notebook"]).get("metadata", {}).get("munbook", {})
            version = meta.get("draft_version")
        found.append(
            Sent(number, row["id"], row["submitted_at"], row["seconds_late"] or 0, version)
        )
    return found


def submission_sections(
    store: StoreContract, delegation_id: int, submission_id: int
) -> dict[str, str]:
    """A submission's sections as submitted (an ingested PDF: its text as one section)."""
    for row in store.submissions(delegation_id):
        if row["id"] == submission_id:
            if row.get("notebook"):
                return {k: v for k, v in paper_sections(json.loads(row["notebook"])).items() if k}
            return {PDF_TEXT: str(row.get("text") or "")}
    return {}
