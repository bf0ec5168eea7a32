"""The paper notebook: what a delegate submits and a chair can re-export.

Its header lives in ``metadata.munbook``; each section is one markdown cell
(``metadata.munbook`` says which topic and section), then the AI-use
disclosure when the committee asks for one, then the works cited.
``jupyter nbconvert --to position_paper paper.ipynb`` turns it into a PDF.
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # nbformat costs a kernel 20 MB and 2 s to import: only when a paper is made
    from nbformat import NotebookNode

from ..core import committees, countries, limits
from ..core.citations import works_cited
from ..core.words import normalized, section_key

_TAG = re.compile(r"</?(i|b)>")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~])")


def entry_markdown(entry_html: str) -> str:
    """A works-cited entry (HTML with <i>/<b> only) as markdown, every character kept."""
    out, bold_or_italic = [], {"i": "*", "b": "**"}
    for part in re.split(r"(</?(?:i|b)>)", entry_html):
        tag = _TAG.fullmatch(part)
        if tag:
            out.append(bold_or_italic[tag.group(1)])
        else:
            out.append(_MD_SPECIAL.sub(r"\\\1", unescape(part)))
    return "".join(out)


class Delegation(Protocol):
    """What the header needs of a delegation (the store's ``Delegation`` has it)."""

    @property
    def country(self) -> str: ...  # ISO alpha-3
    @property
    def delegate(self) -> str: ...
    @property
    def school(self) -> str: ...


def header_metadata(info, country) -> dict[str, Any]:
    """The committee, country and layout fields every paper notebook's header holds."""
    return {
        "committee": info.acronym,
        "committee_key": info.key,
        "committee_name": info.name,
        "country": country.name,
        "country_code": country.alpha3,
        "font_size": info.rules.font_size,
        "citation_style": info.rules.citation_style,
    }


def paper_notebook(
    committee: str,
    delegation: Delegation,
    content: dict[str, Any],
    version: int = 0,
) -> NotebookNode:
    """The paper notebook for a draft's ``content``; ``LimitExceeded`` past a limit."""
    import nbformat  # here, not at the top: a delegate's kernel opens without it

    info = committees.load(committee)
    country = countries.lookup(delegation.country)
    content = normalized(content)
    limits.enforce(content)
    nb = nbformat.v4.new_notebook()
    nb.metadata.munbook = {
        **header_metadata(info, country),
        "delegate": delegation.delegate,
        "school": delegation.school,
        "topics": [{"key": t.key, "title": " ".join(t.title.split())} for t in info.topics],
        "draft_version": version,
    }
    nb.metadata.title = f"{country.name} · {info.acronym} position paper"
    cells = []
    for topic in info.topics:
        for section in info.rules.sections:
            cell = nbformat.v4.new_markdown_cell(
                content["sections"].get(section_key(topic.key, section.key), "")
            )
            cell.metadata.munbook = {
                "topic": topic.key,
                "section": section.key,
                "title": section.title,
            }
            cells.append(cell)
    if info.rules.ai_disclosure:
        cell = nbformat.v4.new_markdown_cell(content["disclosure"])
        cell.metadata.munbook = {"role": "disclosure"}
        cells.append(cell)
    entries = works_cited(content["sources"], info.rules.citation_style)
    cited = nbformat.v4.new_markdown_cell("\n\n".join(entry_markdown(e) for e in entries))
    cited.metadata.munbook = {"role": "works_cited", "sources": len(entries)}
    cells.append(cited)
    for index, cell in enumerate(cells):
        cell.id = f"paper-{index}"  # stable ids: the same draft gives the same notebook
    nb.cells = cells
    return nb
