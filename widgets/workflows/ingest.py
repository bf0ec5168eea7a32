"""Take in PDFs that came by e-mail or as a zip: match, read, store as submissions.

``pattern`` names the parts of a file name, e.g. ``{committee}_{country}_{delegate}.pdf``
(nbgrader's zip_collect is the model). Each file is matched to a delegation
(country names through the countries lookup), read with pypdf for pages,
words and text, and stored as a submission marked ingested, timed by the
file. Every file that cannot be used is listed with the reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ..core import committees, countries
from ..core.words import count_words
from ..exceptions import MunbookError, UnknownCountry
from ..store import Store
from .progress import seconds_late

MAX_PDF_BYTES = 50 * 1024 * 1024


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


def pattern_regex(pattern: str) -> re.Pattern:
    """``{committee}_{country}_{delegate}.pdf`` -> a regex with those named groups."""
    parts = re.split(r"(\{\w+\})", pattern)
    fields = [p[1:-1] for p in parts if p.startswith("{")]
    unknown = set(fields) - {"committee", "country", "delegate", "school", "any"}
    if "country" not in fields or unknown:
        raise MunbookError(
            f"pattern {pattern!r} must name {{country}} and may use {{committee}}, {{delegate}}, "
            f"{{school}}, {{any}}" + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else "")
        )
    regex, named = "", set()
    for part in parts:
        name = part[1:-1] if part.startswith("{") else None
        if name and name not in named and name != "any":
            regex += f"(?P<{name}>.+?)"
            named.add(name)
        else:
            regex += ".+?" if name else re.escape(part)
    return re.compile(f"^{regex}$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    name: str  # as shown to the chair
    data: bytes
    modified: datetime


def _from_zip(path: Path, result: IngestResult) -> list[Candidate]:
    found = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MunbookError(f"{path} is not a readable zip file: {exc}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
                result.refused.append(
                    (name, "refused: the entry would land outside the folder (zip slip)")
                )
                continue
            if pure.suffix.lower() != ".pdf":
                result.refused.append((name, "not a PDF file"))
                continue
            if info.file_size > MAX_PDF_BYTES:
                result.refused.append((name, f"larger than {MAX_PDF_BYTES // 2**20} MB"))
                continue
            when = datetime(*info.date_time, tzinfo=UTC)
            found.append(Candidate(name, archive.read(info), when))
    return found


def _from_folder(path: Path, result: IngestResult) -> list[Candidate]:
    found = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        name = str(file.relative_to(path))
        if file.suffix.lower() != ".pdf":
            result.refused.append((name, "not a PDF file"))
            continue
        if file.stat().st_size > MAX_PDF_BYTES:
            result.refused.append((name, f"larger than {MAX_PDF_BYTES // 2**20} MB"))
            continue
        when = datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
        found.append(Candidate(name, file.read_bytes(), when))
    return found


def read_pdf(data: bytes) -> tuple[int, str]:
    """(pages, text) of a PDF; MunbookError saying why it cannot be read."""
    if not data:
        raise MunbookError("the file is empty (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise MunbookError("not a PDF (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise MunbookError(
                "the PDF is encrypted (password-protected); ask for an unprotected copy"
            )
        pages = len(reader.pages)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except MunbookError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise MunbookError(f"the PDF is damaged or truncated ({type(exc).__name__})") from None
    if pages == 0:
        raise MunbookError("the PDF has no pages")
    return pages, text


def ingest(
    committee: str, source: str | Path, pattern: str, store: Store | None = None
) -> IngestResult:
    """Ingest every PDF of a folder or zip file into ``committee``'s submissions."""
    info = committees.load(committee)
    store = store or Store()
    source = Path(source)
    regex = pattern_regex(pattern)
    result = IngestResult()
    if source.is_dir():
        candidates = _from_folder(source, result)
    elif source.is_file():
        candidates = _from_zip(source, result)
    else:
        raise MunbookError(f"{source} is neither a folder nor a zip file")
    for candidate in candidates:
        reason = _ingest_one(candidate, regex, info, store, result)
        if reason:
            result.refused.append((candidate.name, reason))
    return result


def _ingest_one(
    candidate: Candidate, regex: re.Pattern, info, store: Store, result: IngestResult
) -> str | None:
    match = regex.match(PurePosixPath(candidate.name.replace("\\", "/")).name)
    if not match:
        return "the name does not match the pattern"
    parts = {k: v.replace("_", " ").replace("-", " ").strip() for k, v in match.groupdict().items()}
    if "committee" in parts and committees.settings.slug(parts["committee"]) != info.key:
        return f"for committee {parts['committee']!r}, not {info.acronym}"
    try:
        country = countries.lookup(parts["country"])
    except UnknownCountry as exc:
        return str(exc)
    delegation = store.find_delegation(info.key, country.alpha3)
    if delegation is None:
        return f"{country.name} has no delegation in {info.acronym}"
    try:
        pages, text = read_pdf(candidate.data)
    except MunbookError as exc:
        return str(exc)
    sha = hashlib.sha256(candidate.data).hexdigest()
    if any(s["sha256"] == sha for s in store.submissions(delegation.id)):
        result.skipped.append((candidate.name, "already ingested"))
        return None
    words = count_words(text)
    if not words:
        result.warnings.append(
            (candidate.name, "no text could be read (a scan?): words and similarity unavailable")
        )
    store.add_submission(
        delegation.id,
        submitted_at=candidate.modified,
        pdf=candidate.data,
        sha256=sha,
        seconds_late=seconds_late(store, delegation, candidate.modified),
        pages=pages,
        words=words,
        text=text,
        ingested=True,
        source_name=candidate.name,
    )
    result.stored.append(candidate.name)
    return None
