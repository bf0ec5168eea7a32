"""The binder PDF: a cover, a table of contents and the papers, bookmarked by country.

The binder numbers its own pages: each paper printed "page 1 of 2" for itself,
so that footer is taken out and the binder's ("Kenya · INTERPOL ... page 7 of
48") is printed in its place (templates/binder/numbers.typ, merged page by page
with pypdf). The contents, the bookmarks and the printed numbers are the same.
A footer marked as one (a pagination artifact: Typst, Word and LibreOffice mark
them so) is removed from the page; on a page without such a mark a white band
covers the bottom 0.95 inch, footer and all, before the number is printed.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ContentStream, DictionaryObject

from .. import settings
from .templates import template_pdf


@dataclass(frozen=True)
class BinderResult:
    path: Path
    papers: int
    pages: int
    left_out: list[tuple[str, str]]  # (country, why)


def _cover(info, entries: list[dict], note: str) -> bytes:
    data = {
        "committee": info.acronym,
        "committee_name": info.name,
        "topics": [{"key": t.key, "title": " ".join(t.title.split())} for t in info.topics],
        "count": len(entries),
        "note": note,
        "entries": entries,
    }
    inputs = {"binder": json.dumps(data, ensure_ascii=False)}
    return template_pdf(settings.BINDER_COVER_TEMPLATE, inputs, "the binder cover")


BAND = 68  # points from the page's foot: the bottom margin, up to 0.05 inch below a 1 inch margin


def _is_footer(operands: list) -> bool:
    props = operands[1] if len(operands) > 1 else None
    return (
        operands[:1] == ["/Artifact"]
        and isinstance(props, DictionaryObject)
        and props.get("/Type") == "/Pagination"
        and props.get("/Subtype") == "/Footer"
    )


def _drop_footer(page: PageObject) -> bool:
    """Remove the page's marked footer (``/Artifact <</Type /Pagination /Subtype /Footer>>``).

    True when one was found and removed; the page is unchanged otherwise.
    """
    if page.get_contents() is None:
        return False
    content = ContentStream(page.get_contents(), page.pdf)
    kept, depth = [], 0  # depth > 0: inside a footer (marked content nests)
    for operands, operator in content.operations:
        if depth:
            depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(operator, 0)
        elif operator == b"BDC" and _is_footer(operands):
            depth = 1
        else:
            kept.append((operands, operator))
    if len(kept) == len(content.operations):
        return False
    content.operations = kept
    page.replace_contents(content)
    return True


def _number(writer: PdfWriter, labels: list[str | None]) -> None:
    """Stamp the binder's page numbers over every page but the cover (label None)."""
    pages = []
    for page, label in zip(writer.pages, labels, strict=True):
        page.transfer_rotation_to_content()  # a turned page: stamp it as it is shown
        size = {"w": float(page.mediabox.width), "h": float(page.mediabox.height)}
        band = label is not None and not _drop_footer(page)
        pages.append({**size, "label": label, "band": band})
    inputs = {"numbers": json.dumps({"band": BAND, "pages": pages}, ensure_ascii=False)}
    overlay = template_pdf(settings.BINDER_NUMBERS_TEMPLATE, inputs, "the binder's numbers")
    for page, stamp in zip(writer.pages, PdfReader(io.BytesIO(overlay)).pages, strict=True):
        box = page.mediabox  # a box that does not start at (0, 0) moves the stamp with it
        page.merge_transformed_page(stamp, Transformation().translate(box.left, box.bottom))


def assemble(info, papers: list[tuple[str, bytes]], note: str, path: Path) -> BinderResult:
    """Write cover, contents and ``papers`` (country name, PDF) to ``path``, bookmarked."""
    readers, left_out = [], []
    for name, pdf in papers:
        try:
            readers.append((name, PdfReader(io.BytesIO(pdf))))
        except Exception as exc:  # a stored PDF pypdf cannot read: leave it out, say so
            left_out.append((name, f"unreadable PDF ({type(exc).__name__})"))
    # The contents list page numbers after the cover; compile until its length settles.
    cover_pages, cover = 2, b""
    for _ in range(3):
        page, entries = cover_pages + 1, list[dict[str, Any]]()
        for name, reader in readers:
            entries.append({"country": name, "page": page})
            page += len(reader.pages)
        cover = _cover(info, entries, note)
        length = len(PdfReader(io.BytesIO(cover)).pages)
        if length == cover_pages:
            break
        cover_pages = length
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    writer.add_outline_item(title="Contents", page_number=1)
    for (name, reader), entry in zip(readers, entries, strict=True):
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=name, page_number=entry["page"] - 1)
    labels = [None] + ["Contents"] * (length - 1)  # the cover page carries no number
    for name, reader in readers:
        labels += [f"{name} · {info.acronym}"] * len(reader.pages)
    _number(writer, labels)
    writer.add_metadata({"/Title": f"{info.acronym} position papers"})
    with settings.private_file(path) as fh:
        writer.write(fh)
    return BinderResult(path, len(readers), len(writer.pages), left_out)
