"""Paper notebook -> PDF (or page images) with Typst, behind an nbconvert exporter.

``PositionPaperExporter`` is registered as the ``position_paper`` exporter,
so ``jupyter nbconvert --to position_paper paper.ipynb`` writes paper.pdf.
The delegate's text goes to Typst as JSON data in ``sys.inputs``; Typst's
root is the template folder, so no text can run code or read a file.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import threading
import unicodedata
from datetime import UTC, datetime
from typing import Any

from nbconvert.exporters import Exporter
from nbformat import NotebookNode
from traitlets import Bool, Unicode, default

from .. import settings
from ..core import limits, markdown
from ..core.checks import Rendered
from ..exceptions import MunbookError
from . import fonts, sandbox

TEMPLATE = "position_paper"
WORKS_CITED = {"mla": "Works Cited", "apa": "References", "chicago": "Bibliography"}
_ALLOWED_CONTROLS = {"\n", "\t"}


class PaperError(MunbookError):
    """The paper cannot be exported as written; the message says where and why."""


def _where(cell: NotebookNode, topics: dict[str, str]) -> str:
    info = cell.metadata.get("munbook", {})
    if "topic" in info:
        return f"Topic {info['topic']} · {info.get('title', info.get('section', ''))}"
    return {"disclosure": "the AI-use disclosure", "works_cited": "the works cited"}.get(
        info.get("role", ""), "the paper"
    )


def _note_key(info: dict) -> str:
    """A prefix that keeps footnote labels unique across the paper's cells."""
    return f"{info['topic']}.{info.get('section', '')}" if "topic" in info else info.get("role", "")


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


HEADER_FIELDS = {
    "delegate": "delegate name",
    "school": "school",
    "country": "country",
    "committee": "committee",
    "committee_name": "committee name",
}


def check_header(meta: dict[str, Any], blind: bool = False) -> None:
    """Header fields (and topic titles) are checked like sections: length and characters."""
    fields = {
        label: str(meta.get(key) or "")
        for key, label in HEADER_FIELDS.items()
        if not (blind and key in ("delegate", "school"))
    }
    for topic in meta.get("topics", []):
        fields[f"topic {topic.get('key', '')} title"] = str(topic.get("title") or "")
    problem = limits.check_header(fields)
    if problem:
        raise PaperError(problem.message)
    for label, value in fields.items():
        try:
            check_characters(value, f"The header's {label}")
        except PaperError as exc:  # the delegate cannot edit the header: say who can
            raise PaperError(
                f"{exc}. It comes from the roster: ask the secretariat to correct it."
            ) from None


def check_sizes(nb: NotebookNode) -> None:
    """A paper notebook (a submission, or one from elsewhere) within the draft's limits."""
    cells = [c for c in nb.cells if c.cell_type == "markdown"]
    if len(cells) > limits.PAPER_CELLS:
        raise PaperError(
            f"the paper has {len(cells)} markdown cells; the limit is {limits.PAPER_CELLS}"
        )
    body = []
    for cell in cells:
        info = cell.metadata.get("munbook", {})
        role = info.get("role")
        if role == "works_cited":
            chars, words, label = limits.WORKS_CITED_CHARS, None, "The works cited"
        elif role == "disclosure":
            chars, words, label = limits.DISCLOSURE_CHARS, None, "The AI-use disclosure"
        else:
            chars, words, label = limits.SECTION_CHARS, limits.SECTION_WORDS, _where(cell, {})
        problem = limits.text_problem("", label, cell.source, chars, words)
        if problem:
            raise PaperError(problem.message)
        if role != "works_cited":
            body.append(cell.source)
    problem = limits.text_problem(
        "", "The whole paper", "\n".join(body), limits.PAPER_CHARS, limits.PAPER_WORDS
    )
    if problem:
        raise PaperError(problem.message)


def paper_data(nb: NotebookNode, blind: bool = False) -> dict[str, Any]:
    """The JSON the Typst template reads, from a paper notebook (checked first)."""
    meta = nb.metadata.get("munbook", {})
    check_header(meta, blind)
    check_sizes(nb)
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
            "date": _pdf_date(meta.get("saved_at")),
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
        tree = markdown.parse(cell.source, key=_note_key(info))
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
    return data


def _pdf_date(saved_at: Any) -> dict[str, int] | None:
    """The PDF's creation date: the draft's saved time (UTC), never the clock.

    Typst would stamp the current time; a fixed date makes the same draft give the
    same bytes (and the same SHA-256 receipt). No saved time, no date at all.
    """
    if not saved_at:
        return None
    try:
        when = datetime.fromisoformat(str(saved_at)).astimezone(UTC)
    except ValueError:
        return None
    names = ("year", "month", "day", "hour", "minute", "second")
    return {name: getattr(when, name) for name in names}


def _body_pages(pdf: bytes, total: int, has_works_cited: bool) -> int:
    """Pages before the works cited, read from the PDF outline Typst writes."""
    if not has_works_cited:
        return total
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for item in reader.outline:
        if not isinstance(item, list) and item.title in WORKS_CITED.values():
            page = reader.get_destination_page_number(item)
            if page is not None:
                return page
    return total


def render(
    nb: NotebookNode, blind: bool = False, images: bool = False, ppi: float = 50
) -> Rendered:
    """Compile a paper notebook once: the PDF, its page counts and, if asked, page images.

    The compile runs in the sandbox (``paper.sandbox``): past its time or memory
    limit it stops with a ``RenderError`` that says what to do.
    """
    sandbox.default().start(wait=False)  # the worker loads its fonts while the paper is checked
    data = paper_data(nb, blind)
    inputs = {"paper": json.dumps(data, ensure_ascii=False)}
    formats: list[sandbox.Format] = [("pdf", None)] + ([("png", ppi)] if images else [])
    if "pypdf" not in sys.modules:  # a fresh process: import it while the worker compiles
        threading.Thread(target=importlib.import_module, args=("pypdf",), daemon=True).start()
    out = sandbox.compile_typst(
        settings.TEMPLATES_DIR / TEMPLATE, "paper.typ", inputs, formats, "the paper"
    )
    pdf = out[0]
    from pypdf import PdfReader

    total = len(PdfReader(io.BytesIO(pdf)).pages)
    return Rendered(
        pdf=pdf,
        pages=total,
        body_pages=_body_pages(pdf, total, bool(data["works_cited"])),
        images=out[1] if images else [],
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
