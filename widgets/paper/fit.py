"""How many words fit a committee's page limit, measured with the paper's own Typst template.

The committee's topics and sections are filled with prose (the committee's
own background text, repeated) and typeset through ``templates/position_paper``
at the committee's font size; the largest filler that stays within
``max_pages`` is the figure. A measure takes a few compiles, so the figure is
kept in a small file under the home (``settings.fit_cache_file``), named for
the layout: the template's text, the font size, the page limit, the topic and
section titles and the disclosure. A second check reads the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from .. import settings
from ..core.committees import Committee
from ..core.words import count_words
from ..exceptions import MunbookError
from . import sandbox, sandbox_worker

TEMPLATE = "position_paper"  # export.TEMPLATE (export imports nbconvert; this module must not)
STEP = 10  # the figure is a multiple of this many words
CEILING = 20_000  # words: no filler past this (the paper's own limit is 15,000)
DISCLOSURE = "I used no AI tools to research or write this paper."


class LimitsDisagree(MunbookError):
    """A committee file's word limit cannot fit its page limit."""


@dataclass(frozen=True)
class Layout:
    """What decides how many words fit: everything the figure is measured with."""

    font_size: float
    max_pages: int
    name: str  # the committee's name, as the header prints it
    topics: tuple[tuple[str, str], ...]  # (key, title)
    sections: tuple[str, ...]  # section titles
    disclosure: bool
    filler: str

    @classmethod
    def of(cls, committee: Committee) -> Layout:
        rules = committee.rules
        return cls(
            font_size=float(rules.font_size),
            max_pages=rules.max_pages or 1,
            name=committee.name,
            topics=tuple((t.key, t.title) for t in committee.topics),
            sections=tuple(s.title for s in rules.sections),
            disclosure=rules.ai_disclosure,
            filler=" ".join(
                " ".join([committee.background, *(t.background for t in committee.topics)]).split()
            ),
        )

    def digest(self) -> str:
        template = settings.TEMPLATES_DIR / TEMPLATE
        hasher = hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode())
        for name in sorted(p.name for p in template.glob("*.typ")):
            hasher.update((template / name).read_bytes())
        return hasher.hexdigest()[:24]


PAPERS = {"us-letter": "US Letter", "a4": "A4", "us-legal": "US Legal"}


def page_setting() -> str:
    """The template's paper and margins as a person reads them (``US Letter, 1in margins``)."""
    text = (settings.TEMPLATES_DIR / TEMPLATE / "paper.typ").read_text(encoding="utf-8")
    paper = re.search(r'paper:\s*"([^"]+)"', text)
    margin = re.search(r"margin:\s*([0-9.]+\s*(?:in|cm|mm|pt))", text)
    name = PAPERS.get(paper.group(1), paper.group(1)) if paper else ""
    said = [name, f"{margin.group(1)} margins" if margin else ""]
    return ", ".join(s for s in said if s)


def _filler(layout: Layout, words: int) -> list[str]:
    """``words`` words of prose spread evenly over the sections, in paragraphs of about 80."""
    source = layout.filler.split() or ["word"]
    count = len(layout.topics) * len(layout.sections)
    texts = []
    at = 0
    for index in range(count):
        share = words // count + (index < words % count)
        chunk = [source[(at + i) % len(source)] for i in range(share)]
        at += share
        paragraphs = [" ".join(chunk[i : i + 80]) for i in range(0, len(chunk), 80)]
        texts.append("\n\n".join(paragraphs))
    return texts


def _data(layout: Layout, words: int) -> dict[str, Any]:
    """The Typst template's input for a filler paper of ``words`` words (``export.paper_data``)."""
    texts = iter(_filler(layout, words))
    topics = []
    for key, title in layout.topics:
        sections = []
        for section in layout.sections:
            blocks = [
                {"t": "p", "c": [{"t": "text", "v": p}]} for p in next(texts).split("\n\n") if p
            ]
            sections.append({"title": section, "blocks": blocks})
        topics.append({"key": key, "title": title, "sections": sections})
    header = [
        ["Committee", layout.name],
        ["Country", "Country name"],
        ["Topics", "; ".join(f"{k}: {t}" for k, t in layout.topics)],
        ["Delegate", "Delegate name"],
        ["School", "School name"],
    ]
    disclosure = [{"t": "p", "c": [{"t": "text", "v": DISCLOSURE}]}] if layout.disclosure else None
    return {
        "meta": {
            "country": "Country",
            "committee": "Committee",
            "font_size": layout.font_size,
            "lang": "en",
            "header": header,
            "date": None,
        },
        "topics": topics,
        "disclosure": disclosure,
        "works_cited": [],
        "works_cited_title": "Works Cited",
    }


def _pages(layout: Layout, words: int) -> int:
    from pypdf import PdfReader

    inputs = {"paper": json.dumps(_data(layout, words), ensure_ascii=False)}
    pdf = sandbox.compile_typst(
        settings.TEMPLATES_DIR / TEMPLATE, "paper.typ", inputs, [("pdf", None)], "the page measure"
    )[0]
    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(layout: Layout) -> int:
    """The most words (a multiple of ``STEP``) whose filler paper keeps within the page limit."""
    fits, over = 0, STEP * 40 * layout.max_pages
    while _pages(layout, over) <= layout.max_pages:  # find a filler that is too long
        fits, over = over, over * 2
        if over > CEILING:
            return CEILING
    while over - fits > STEP:  # then halve the gap between what fits and what does not
        middle = (fits + over) // 2 // STEP * STEP
        if _pages(layout, middle) <= layout.max_pages:
            fits = middle
        else:
            over = middle
    # In words as the workbook counts them (a token like "2008," is one word there too).
    return filler_words(layout, fits) // STEP * STEP


def words_that_fit(committee: Committee) -> int | None:
    """The words that fit the committee's page limit (None: no page limit), cached per layout.

    Outside the sandbox worker the measure runs in it, so a delegate's kernel
    never loads Typst or pypdf for it.
    """
    if not committee.rules.max_pages:
        return None
    layout = Layout.of(committee)
    path = settings.fit_cache_file(layout.digest())
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return int(json.loads(path.read_text(encoding="utf-8"))["words"])
    if sandbox_worker.IN_WORKER:
        figure = measure(layout)
    else:
        figure = sandbox.default().call(f"{__name__}:measure", layout, what="the page measure")
    with contextlib.suppress(OSError):  # a read-only home only costs the next check the measure
        said = {"words": figure, "font_size": layout.font_size, "max_pages": layout.max_pages}
        settings.write_private(path, json.dumps(said))
    return int(figure)


def filler_words(layout: Layout, words: int) -> int:
    """The words a filler paper of ``words`` words counts (a test checks the two agree)."""
    return sum(count_words(t) for t in _filler(layout, words))


def check_limits(committee: Committee, source: str) -> None:
    """Refuse a committee whose max_words cannot fit its max_pages (``LimitsDisagree``)."""
    rules = committee.rules
    if not (rules.max_pages and rules.max_words):
        return
    fits = words_that_fit(committee)
    if fits is not None and rules.max_words > fits:
        pages = f"{rules.max_pages} page{'s' * (rules.max_pages != 1)}"
        raise LimitsDisagree(
            f"{source}: max_words {rules.max_words} does not fit {pages} at "
            f"{rules.font_size:g}pt ({page_setting()}): about {fits} fit; "
            f"lower max_words to {fits // 50 * 50 or fits} or raise max_pages"
        )
