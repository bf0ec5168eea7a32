"""The committee binder: a cover, a table of contents and every paper, bookmarked by country.

Papers are the latest on-time submission of each delegation (or, with
``include_all``, the latest one whatever its time), in country-name order.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import typst
from pypdf import PdfReader, PdfWriter

from . import committees, countries, fonts, settings
from .exceptions import MunbookError
from .store import Store, now


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


def chosen_submissions(
    store: Store, committee: str, include_all: bool = False
) -> tuple[list, list]:
    """(country name, submission) in name order, and the delegations left out with why."""
    chosen, left_out = [], []
    for delegation in store.delegations(committee):
        name = countries.lookup(delegation.country).name
        stored = store.submissions(delegation.id)
        pool = stored if include_all else [s for s in stored if s["seconds_late"] == 0]
        if pool:
            chosen.append((name, pool[-1]))
        else:
            left_out.append((name, "only late submissions" if stored else "no submission"))
    return sorted(chosen, key=lambda c: c[0]), sorted(left_out)


def build_binder(
    store: Store, committee: str, include_all: bool = False, out: Path | None = None
) -> BinderResult:
    """Write the binder PDF (default outputs/binders/<committee>-<time>.pdf)."""
    info = committees.load(committee)
    chosen, left_out = chosen_submissions(store, info.key, include_all)
    if not chosen:
        raise MunbookError(
            f"no {'' if include_all else 'on-time '}submissions in {info.acronym} to bind"
        )
    readers = []
    for name, submission in chosen:
        try:
            readers.append((name, PdfReader(io.BytesIO(submission["pdf"]))))
        except Exception as exc:  # a stored PDF pypdf cannot read: leave it out, say so
            left_out.append((name, f"unreadable PDF ({type(exc).__name__})"))
    note = "all submissions" if include_all else "on-time submissions"
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
    folder = settings.ensure_dir(settings.binders_dir())
    path = Path(out) if out else folder / f"{info.key}-{now():%Y%m%dT%H%M%SZ}.pdf"
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with tmp.open("wb") as fh:
        writer.write(fh)
    os.replace(tmp, path)
    return BinderResult(path, len(readers), len(writer.pages), sorted(left_out))
