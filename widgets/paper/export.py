"""Paper notebook -> PDF (or page images) with Typst, behind an nbconvert exporter.

``PositionPaperExporter`` is registered as the ``position_paper`` exporter,
so ``jupyter nbconvert --to position_paper paper.ipynb`` writes paper.pdf.
The delegate's text goes to Typst as JSON data in ``sys.inputs``; Typst's
root is the template folder, so no text can run code or read a file.
"""

from __future__ import annotations

import io
import json
import unicodedata
from functools import cache
from typing import Any

import typst
from nbconvert.exporters import Exporter
from nbformat import NotebookNode
from traitlets import Bool, Unicode, default

from .. import settings
from ..core import markdown
from ..core.checks import Rendered
from ..exceptions import MunbookError
from . import fonts

TEMPLATE = "position_paper"
WORKS_CITED = {"mla": "Works Cited", "apa": "References", "chicago": "Bibliography"}
_ALLOWED_CONTROLS = {"\n", "\t"}


class PaperError(MunbookError):
    """The paper cannot be exported as written; the message says where and why."""


@cache
def compiler(template: str = TEMPLATE) -> typst.Compiler:
    """One Typst compiler per process: fonts are loaded once."""
    folder = settings.TEMPLATES_DIR / template
    return typst.Compiler(folder / "paper.typ", root=folder, font_paths=fonts.fonts())


def _where(cell: NotebookNode, topics: dict[str, str]) -> str:
    info = cell.metadata.get("munbook", {})
    if "topic" in info:
        return f"Topic {info['topic']} · {info.get('title', info.get('section', ''))}"
    return {"disclosure": "the AI-use disclosure", "works_cited": "the works cited"}.get(
        info.get("role", ""), "the paper"
    )


def check_characters(text: str, where: str) -> None:
    """Refuse control characters and characters no installed font can draw."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS:
            raise PaperError(
                f"{where} contains an invisible control character (U+{ord(ch):04X}); delete it and try again"
            )
    for ch in fonts.missing(text):
        name = unicodedata.name(ch, "unnamed character")
        raise PaperError(
            f"{where} contains {ch!r} (U+{ord(ch):04X} {name}), which no installed font can print"
        )


def paper_data(nb: NotebookNode, blind: bool = False) -> dict[str, Any]:
    """The JSON the Typst template reads, from a paper notebook."""
    meta = nb.metadata.get("munbook", {})
    topics = {t["key"]: t["title"] for t in meta.get("topics", [])}
    header = [
        ["Committee", meta.get("committee_name") or meta.get("committee", "")],
        ["Country", meta.get("country", "")],
        ["Topics", "; ".join(f"{k}: {v}" for k, v in topics.items())],
    ]
    if not blind:
        header += [["Delegate", meta.get("delegate", "")], ["School", meta.get("school", "")]]
    data: dict[str, Any] = {
        "meta": {
            "country": meta.get("country", ""),
            "committee": meta.get("committee", ""),
            "font_size": float(meta.get("font_size", 12)),
            "lang": "en",
            "header": [[label, value] for label, value in header if value],
        },
        "topics": [],
        "disclosure": None,
        "works_cited": [],
        "works_cited_title": WORKS_CITED.get(meta.get("citation_style", "mla"), "Works Cited"),
    }
    by_topic: dict[str, dict] = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        where = _where(cell, topics)
        check_characters(cell.source, where)
        info = cell.metadata.get("munbook", {})
        tree = markdown.parse(cell.source)
        if info.get("role") == "disclosure":
            data["disclosure"] = tree
        elif info.get("role") == "works_cited":
            data["works_cited"] = [b["c"] for b in tree if b["t"] == "p"]
        else:
            key = info.get("topic", "")
            topic = by_topic.get(key)
            if topic is None:
                topic = {"key": key, "title": topics.get(key, ""), "sections": []}
                by_topic[key] = topic
                data["topics"].append(topic)
            topic["sections"].append({"title": info.get("title", ""), "blocks": tree})
    for check in (data["meta"]["country"], data["meta"]["committee"]):
        check_characters(check, "the header")
    return data


def _body_pages(pdf: bytes, total: int, has_works_cited: bool) -> int:
    """Pages before the works cited, read from the PDF outline Typst writes."""
    if not has_works_cited:
        return total
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for item in reader.outline:
        if not isinstance(item, list) and item.title in WORKS_CITED.values():
            return reader.get_destination_page_number(item)
    return total


def render(
    nb: NotebookNode, blind: bool = False, images: bool = False, ppi: float = 50
) -> Rendered:
    """Compile a paper notebook: the PDF and its page counts, or page images."""
    data = paper_data(nb, blind)
    inputs = {"paper": json.dumps(data, ensure_ascii=False)}
    try:
        if images:
            pages = compiler().compile(format="png", ppi=ppi, sys_inputs=inputs)
            pages = pages if isinstance(pages, list) else [pages]
            return Rendered(images=pages, pages=len(pages))
        pdf = compiler().compile(format="pdf", sys_inputs=inputs)
    except typst.TypstError as exc:  # a template bug, never the delegate's text
        raise PaperError(f"the paper template failed: {exc.message}") from None
    from pypdf import PdfReader

    total = len(PdfReader(io.BytesIO(pdf)).pages)
    return Rendered(
        pdf=pdf, pages=total, body_pages=_body_pages(pdf, total, bool(data["works_cited"]))
    )


class PositionPaperExporter(Exporter):
    """nbconvert exporter: a munbook paper notebook to a conference-ready PDF."""

    export_from_notebook = "Position paper (PDF)"
    output_mimetype = "application/pdf"
    blind = Bool(False, help="Leave out the delegate and school (blind grading).").tag(config=True)
    template_name = Unicode(TEMPLATE, help="Folder under templates/ with paper.typ.").tag(
        config=True
    )

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any):
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        rendered = render(nb_copy, blind=self.blind)
        resources["output_extension"] = ".pdf"
        resources.setdefault("munbook", {}).update(
            pages=rendered.pages, body_pages=rendered.body_pages
        )
        return rendered.pdf, resources
