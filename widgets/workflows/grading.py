"""The Grade tab's work: the queue of papers, a paper's text, its page images.

Everything is computed from a ``collect.Collection`` (read once per refresh)
and the submission it holds, so moving to the next paper reads nothing from
the store. A paper's text is what was submitted: each section of the stored
paper notebook as plain text (its markdown read, never re-typed), or an
ingested PDF's extracted text. Blind committees: no delegate or school in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.committees import Committee
from ..core.markdown import parse, plain_text
from .blind import WITHHELD, ingested_notebook, redact
from .collect import Collection, Row
from .review import Grade

FILTERS = {  # the queue's choices, in the order the page offers them
    "mine": "Not scored by me",
    "all": "All submitted papers",
    "late": "Flagged: late",
    "long": "Flagged: too long",
    "similar": "Flagged: similar text",
    "spread": "Flagged: chairs differ",
    "changes": "Review: changes requested",
    "revised": "Review: revised",
}
INGESTED_TITLE = "Submitted PDF (text as read)"


@dataclass(frozen=True)
class Paper:
    """One paper of the queue, as the Grade tab shows it."""

    row: Row
    submission: dict  # the latest submission, without its PDF
    grade: Grade | None


def too_long(row: Row, info: Committee) -> bool:
    rules = info.rules
    return bool(
        (rules.max_pages and (row.pages or 0) > rules.max_pages)
        or (rules.max_words and (row.words or 0) > rules.max_words)
    )


def queue(found: Collection, info: Committee, key: str, choice: str) -> list[int]:
    """The delegation ids of submitted papers that ``choice`` (a FILTERS key) keeps, by country."""
    if choice not in FILTERS:
        raise ValueError(f"unknown filter {choice!r}")
    graded = {g.delegation_id: g for g in found.grades}
    keep = {
        "mine": lambda r, g: g is None or g.mine(key) is None,
        "all": lambda r, g: True,
        "late": lambda r, g: r.status == "late",
        "long": lambda r, g: too_long(r, info),
        "similar": lambda r, g: bool(r.similar_to),
        "spread": lambda r, g: g is not None and g.flagged,
        "changes": lambda r, g: r.review_status == "changes requested",
        "revised": lambda r, g: r.review_status == "revised",
    }[choice]
    return [
        r.delegation_id
        for r in found.rows
        if r.delegation_id in found.latest and keep(r, graded.get(r.delegation_id))
    ]


def scored_by(found: Collection, key: str) -> tuple[int, int]:
    """(papers ``key`` has scored, papers submitted): "12 of 22 scored by you"."""
    mine = {g.delegation_id for g in found.grades if g.mine(key) is not None}
    submitted = set(found.latest)
    return len(mine & submitted), len(submitted)


def paper(found: Collection, delegation_id: int) -> Paper:
    row = next(r for r in found.rows if r.delegation_id == delegation_id)
    grade = next((g for g in found.grades if g.delegation_id == delegation_id), None)
    return Paper(row, found.latest[delegation_id], grade)


def sections(submission: dict, row: Row, blind: bool) -> list[tuple[str, str]]:
    """(title, text) per section, exactly as submitted; blind: names shown as [withheld]."""
    import nbformat  # a staff page only: never a delegate's kernel

    def shown(text: str) -> str:
        return redact(text, row.delegate, row.school, keep=row.country) if blind else text

    if not submission.get("notebook"):
        return [(INGESTED_TITLE, shown(submission.get("text") or ""))]
    nb = nbformat.reads(submission["notebook"], as_version=4)
    topics = {t["key"]: t for t in nb.metadata.get("munbook", {}).get("topics", [])}
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        info = cell.metadata.get("munbook", {})
        role = info.get("role")
        if role == "disclosure":
            title = "AI-use disclosure"
        elif role == "works_cited":
            title = "Works cited"
        else:
            topic = info.get("topic", "")
            title = (
                f"Topic {topic} · {info.get('title', '')}"
                if topic in topics
                else info.get("title", "")
            )
        found.append((title, shown(plain_text(parse(cell.source)).strip())))
    return found


def page_images(
    submission: dict, row: Row, delegation, blind: bool, ppi: float = 60
) -> list[bytes]:
    """The paper's pages as PNG images (rendered again by Typst; blind: without names).

    An ingested PDF is shown as its text (names withheld when blind), since its
    pages cannot be rendered again.
    """
    import nbformat

    from ..paper.export import render

    if submission.get("notebook"):
        nb = nbformat.reads(submission["notebook"], as_version=4)
    else:
        nb = ingested_notebook(delegation, submission.get("text") or "")
        blind = True  # the ingested text is always shown with names withheld here
    return render(nb, blind=blind, images=True, ppi=ppi).images


__all__ = ["FILTERS", "WITHHELD", "Paper", "page_images", "paper", "queue", "scored_by", "sections"]
