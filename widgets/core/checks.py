"""One function returns every rule violation of a paper, in a delegate's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import length
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
    nb: NotebookNode,
    committee: Committee,
    rendered: Rendered | None = None,
    fits: int | None = None,
) -> list[Violation]:
    """Every violation of the committee's rules; blocking ones prevent submission.

    ``fits`` is the words that fit the page limit (``paper.fit``), said with a page problem.
    """
    found = [
        *_header_problems(nb),
        *_empty_sections(nb),
        *_word_problems(nb, committee),
        *_page_problems(committee, rendered, fits),
        *_source_problems(nb, committee),
        *_disclosure_problems(nb, committee),
    ]
    return [Violation(kind, msg, kind in committee.rules.blocking) for kind, msg in found]


Found = list[tuple[str, str]]  # (kind, message), in the order a delegate reads them


def _header_problems(nb: NotebookNode) -> Found:
    meta = nb.metadata.get("munbook", {})
    return [
        ("header", f"The header has no {label}. Ask your advisor to add it to the roster.")
        for key, label in (
            ("delegate", "delegate name"),
            ("school", "school"),
            ("country", "country"),
        )
        if not str(meta.get(key, "")).strip()
    ]


def _sections(nb: NotebookNode) -> list:
    return [c for c in nb.cells if "topic" in c.metadata.get("munbook", {})]


def _empty_sections(nb: NotebookNode) -> Found:
    return [
        ("empty_section", f"Topic {info['topic']} · {info['title']} is empty.")
        for cell in _sections(nb)
        if not cell.source.strip()
        for info in (cell.metadata.munbook,)
    ]


def _word_problems(nb: NotebookNode, committee: Committee) -> Found:
    """The whole paper's words, then each topic's, against their limits."""
    words_by_topic: dict[str, int] = {}
    for cell in _sections(nb):
        topic = cell.metadata.munbook["topic"]
        words_by_topic[topic] = words_by_topic.get(topic, 0) + count_words(cell.source)
    found = []
    total, limit = sum(words_by_topic.values()), committee.rules.max_words
    if limit and total > limit:
        found.append(
            (
                "words",
                f"The paper has {total} words; {committee.acronym} allows {limit} "
                f"(works cited not counted).",
            )
        )
    for topic in committee.topics:
        limit, words = topic.rules.max_words, words_by_topic.get(topic.key, 0)
        if limit and words > limit:
            found.append(("words", f"Topic {topic.key} has {words} words; the limit is {limit}."))
    return found


def _page_problems(committee: Committee, rendered: Rendered | None, fits: int | None) -> Found:
    limit = committee.rules.max_pages
    if not (rendered and limit and rendered.body_pages > limit):
        return []
    about = f"; about {fits} words fit" if fits else ""
    return [
        (
            "pages",
            f"The paper is {rendered.body_pages} pages long; {committee.acronym} allows "
            f"{limit} (works cited not counted{about}). Shorten it.",
        )
    ]


def _cell_of_role(nb: NotebookNode, role: str):
    return next((c for c in nb.cells if c.metadata.get("munbook", {}).get("role") == role), None)


def _source_problems(nb: NotebookNode, committee: Committee) -> Found:
    cited = _cell_of_role(nb, "works_cited")
    sources = cited.metadata.munbook.get("sources", 0) if cited else 0
    if sources >= committee.rules.min_sources:
        return []
    return [
        (
            "sources",
            f"The paper cites {sources} source{'s' * (sources != 1)}; "
            f"{committee.acronym} expects at least {committee.rules.min_sources}.",
        )
    ]


def _disclosure_problems(nb: NotebookNode, committee: Committee) -> Found:
    if not committee.rules.ai_disclosure:
        return []
    disclosure = _cell_of_role(nb, "disclosure")
    if disclosure is not None and disclosure.source.strip():
        return []
    return [
        (
            "disclosure",
            "The AI-use disclosure is empty: say which AI tools you used, or write 'None'.",
        )
    ]


FAR_UNDER_WORDS = 300  # with no length limit, a paper shorter than this is far under


def far_under(committee: Committee, words: int, fits: int | None = None) -> Violation | None:
    """A warning when the paper is far under the binding limit (``core.length``), or 300 words.

    ``fits`` is the words that fit the page limit: when pages bind, half of those.
    """
    bound = length.binding(committee, fits)
    floor = bound.words // 2 if bound.words else FAR_UNDER_WORDS
    if words >= floor:
        return None
    what = f"half of {length.allowance(committee, bound)}" if bound.words else f"{floor} words"
    return Violation("short", f"The paper has {words} words, less than {what}.", False)
