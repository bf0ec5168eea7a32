"""The binder PDF: a cover, a table of contents and the papers, bookmarked by country."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import typst
from pypdf import PdfReader, PdfWriter

from .. import settings
from . import fonts


@dataclass(frozen=True)
class BinderResult:
    path: Path
    papers: int
    pages: int
    left_out: list[tuple[str, str]]  # (country, why)


@cache
def _cover_compiler() -> typst.Compiler:
    folder = settings.TEMPLATES_DIR / "binder"
    return typst.Compiler(folder / "cover.typ", root=folder, font_paths=fonts.fonts())


def _cover(info, entries: list[dict], note: str) -> bytes:
    data = {
        "committee": info.acronym,
        "committee_name": info.name,
        "topics": [{"key": t.key, "title": " ".join(t.title.split())} for t in info.topics],
        "count": len(entries),
        "note": note,
        "entries": entries,
    }
    return _cover_compiler().compile(
        format="pdf", sys_inputs={"binder": json.dumps(data, ensure_ascii=False)}
    )


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
        page, entries = cover_pages + 1, []
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
    writer.add_metadata({"/Title": f"{info.acronym} position papers"})
    with settings.private_file(path) as fh:
        writer.write(fh)
    return BinderResult(path, len(readers), len(writer.pages), left_out)
