"""One function returns every rule violation of a paper, in a delegate's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .words import count_words

if TYPE_CHECKING:  # types only: the exporter loads neither nbformat nor committee files for them
    from nbformat import NotebookNode

    from .committees import Committee


@dataclass
class Rendered:
    """A rendered paper: the PDF (or page images) and its page counts."""

    pdf: bytes = b""
    pages: int = 0  # every page, works cited included
    body_pages: int = 0  # the pages that count toward the limit
    images: list[bytes] = field(default_factory=list)


@dataclass(frozen=True)
class Violation:
    kind: str  # pages, words, empty_section, header, sources, disclosure
    message: str
    blocking: bool


def check(
    nb: NotebookNode, committee: Committee, rendered: Rendered | None = None
) -> list[Violation]:
    """Every violation of the committee's rules; blocking ones prevent submission."""
    rules = committee.rules
    found: list[tuple[str, str]] = []
    meta = nb.metadata.get("munbook", {})
    for key, label in (
        ("delegate", "delegate name"),
        ("school", "school"),
        ("country", "country"),
    ):
        if not str(meta.get(key, "")).strip():
            found.append(
                ("header", f"The header has no {label}. Ask your advisor to add it to the roster.")
            )
    sections = [c for c in nb.cells if "topic" in c.metadata.get("munbook", {})]
    words_by_topic: dict[str, int] = {}
    for cell in sections:
        info = cell.metadata.munbook
        words = count_words(cell.source)
        words_by_topic[info["topic"]] = words_by_topic.get(info["topic"], 0) + words
        if not cell.source.strip():
            found.append(("empty_section", f"Topic {info['topic']} · {info['title']} is empty."))
    total = sum(words_by_topic.values())
    if rules.max_words and total > rules.max_words:
        found.append(
            (
                "words",
                f"The paper has {total} words; {committee.acronym} allows {rules.max_words} "
                f"(works cited not counted).",
            )
        )
    for topic in committee.topics:
        limit, words = topic.rules.max_words, words_by_topic.get(topic.key, 0)
        if limit and words > limit:
            found.append(("words", f"Topic {topic.key} has {words} words; the limit is {limit}."))
    if rendered and rules.max_pages and rendered.body_pages > rules.max_pages:
        found.append(
            (
                "pages",
                f"The paper is {rendered.body_pages} pages long; {committee.acronym} allows "
                f"{rules.max_pages} (works cited not counted). Shorten it.",
            )
        )
    cited = next(
        (c for c in nb.cells if c.metadata.get("munbook", {}).get("role") == "works_cited"), None
    )
    sources = cited.metadata.munbook.get("sources", 0) if cited else 0
    if sources < rules.min_sources:
        found.append(
            (
                "sources",
                f"The paper cites {sources} source{'s' * (sources != 1)}; "
                f"{committee.acronym} expects at least {rules.min_sources}.",
            )
        )
    if rules.ai_disclosure:
        disclosure = next(
            (c for c in nb.cells if c.metadata.get("munbook", {}).get("role") == "disclosure"), None
        )
        if disclosure is None or not disclosure.source.strip():
            found.append(
                (
                    "disclosure",
                    "The AI-use disclosure is empty: say which AI tools you used, or write 'None'.",
                )
            )
    return [Violation(kind, message, kind in rules.blocking) for kind, message in found]
