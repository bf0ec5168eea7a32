"""Take in PDFs that came by e-mail or as a zip: match, read, store as submissions.

``pattern`` names the parts of a file name, e.g. ``{committee}_{country}_{delegate}.pdf``
(nbgrader's zip_collect is the model). Each file is matched to a delegation
(country names through the countries lookup), read with pypdf for pages,
words and text, and stored as a submission marked ingested. Pages and words
follow the one counting rule (``core.bodycount``: pages before the works
cited, words of the body). The submission time is when munbook received the
files (the start of the run), or the time the chair gives (the mail's), never
a file's or zip entry's own timestamp, which the sender's machine sets. Every file that cannot be used is listed with the reason and the rest
goes on. Every input is bounded: see ingest_sources (files, sizes, zips) and
pdftext (pages, text, time, memory).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..core import committees, countries
from ..core.bodycount import count_body
from ..core.namepattern import MAX_NAME_CHARS, NamePattern, compile_pattern
from ..exceptions import MunbookError, UnknownCountry
from ..store import Store, now
from .ingest_sources import Candidate, Refusal, from_folder, from_zip
from .pdftext import PdfWorker
from .progress import seconds_late


@dataclass
class IngestResult:
    stored: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # already there
    refused: list[tuple[str, str]] = field(default_factory=list)  # with the reason
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.stored)} stored, {len(self.skipped)} already ingested, "
            f"{len(self.refused)} refused"
        )


def ingest(
    committee: str,
    source: str | Path,
    pattern: str,
    store: Store | None = None,
    received: datetime | None = None,
) -> IngestResult:
    """Ingest every PDF of a folder or zip file into ``committee``'s submissions.

    Each is submitted at ``received`` (an aware time, e.g. the mail's), by default now.
    """
    if received is not None and received.tzinfo is None:
        raise MunbookError("the time received needs a time zone")
    received = received or now()
    info = committees.load(committee)
    store = store or Store()
    source = Path(source)
    matcher = compile_pattern(pattern)
    result = IngestResult()
    if source.is_dir():
        items = from_folder(source)
    elif source.is_file():
        items = from_zip(source)
    else:
        raise MunbookError(f"{source} is neither a folder nor a zip file")
    with PdfWorker() as worker:
        for item in items:  # one file in memory at a time
            if isinstance(item, Refusal):
                result.refused.append((item.name, item.reason))
                continue
            reason = _ingest_one(item, matcher, info, store, result, worker, received)
            if reason:
                result.refused.append((item.name, reason))
    return result


def _ingest_one(
    candidate: Candidate,
    matcher: NamePattern,
    info,
    store: Store,
    result: IngestResult,
    worker: PdfWorker,
    received: datetime,
) -> str | None:
    """Store one file as a submission; the reason it was refused, or None."""
    delegation = _delegation_named(candidate.name, matcher, info, store)
    if isinstance(delegation, str):
        return delegation
    sha = hashlib.sha256(candidate.data).hexdigest()
    if store.has_submission(delegation.id, sha):
        result.skipped.append((candidate.name, "already ingested"))
        return None
    try:
        pages, texts = worker.read_pages(candidate.data)
    except MunbookError as exc:
        return str(exc)
    text = "\n".join(texts)
    body = count_body(texts, info)
    warning = _reading_warning(text, body, pages)
    if warning:
        result.warnings.append((candidate.name, warning))
    store.add_submission(
        delegation.id,
        submitted_at=received,
        pdf=candidate.data,
        sha256=sha,
        seconds_late=seconds_late(store, delegation, received),
        pages=body.pages if text.strip() else pages,
        words=body.words,
        text=text,
        ingested=True,
        source_name=candidate.name,
    )
    result.stored.append(candidate.name)
    return None


def _delegation_named(file_name: str, matcher: NamePattern, info, store: Store):
    """The delegation a file's name points to, or the reason it points to none (a str)."""
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if len(name) > MAX_NAME_CHARS:
        return f"the file name has {len(name):,} characters; at most {MAX_NAME_CHARS} are matched"
    match = matcher.match(name)
    if match is None:
        return "the name does not match the pattern"
    parts = {k: v.replace("_", " ").replace("-", " ").strip() for k, v in match.items()}
    if "committee" in parts and committees.settings.slug(parts["committee"]) != info.key:
        return f"for committee {parts['committee']!r}, not {info.acronym}"
    try:
        country = countries.lookup(parts["country"])
    except UnknownCountry as exc:
        return str(exc)
    delegation = store.find_delegation(info.key, country.alpha3)
    if delegation is None:
        return f"{country.name} has no delegation in {info.acronym}"
    return delegation


def _reading_warning(text: str, body, pages: int) -> str | None:
    """Why the counts of a readable PDF may be off: no text at all, or no works cited."""
    if not text.strip():
        return "no text could be read (a scan?): words and similarity unavailable"
    if body.heading is None:
        return (
            f"no works-cited heading (Works Cited, References, Bibliography) found: "
            f"all {pages} pages and all {body.words:,} words counted"
        )
    return None
