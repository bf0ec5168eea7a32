"""The files of a folder or zip, one at a time, each read with a cap, never followed.

Yields a ``Candidate`` (name, bytes, time) or a ``Refusal`` (name, reason) per
file, so at most one file is in memory. A zip's entry count is read from its
end record before the zip is opened (its directory costs memory per entry);
declared sizes and ratios are checked before a byte is inflated, and the
inflated bytes are counted as they come. A folder is walked through file
descriptors with O_NOFOLLOW: symbolic links, FIFOs, devices and sockets are
refused with a reason and never opened.
"""

from __future__ import annotations

import lzma
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..exceptions import MunbookError

MAX_PDF_BYTES = 20 * 2**20
MAX_FILES = 1_000  # entries of a zip, files of a folder
MAX_TOTAL_BYTES = 500 * 2**20  # uncompressed, per zip or folder
MAX_RATIO = 100  # uncompressed : compressed, per zip entry
MAX_DEPTH = 8  # folders inside the folder
CHUNK = 2**20
# What a damaged, exotic or encrypted entry raises while it is inflated.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class Candidate:
    name: str  # as the chair knows it (path inside the folder or zip)
    data: bytes
    modified: datetime


@dataclass(frozen=True)
class Refusal:
    name: str
    reason: str


Item = Candidate | Refusal


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _too_big(size: int) -> str:
    return f"larger than {_mb(MAX_PDF_BYTES)} (a position paper is well under 1 MB)"


# ---- zip --------------------------------------------------------------------------


def _zip_entries(fh: BinaryIO) -> int | None:
    """The entry count a zip's end record gives, before its directory is read (None: no zip)."""
    # zipfile's own reader of the end record (zip64 too); private, so not in typeshed.
    try:
        end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]  # private, see above
    except OSError:
        return None
    return int(end[zipfile._ECD_ENTRIES_TOTAL]) if end else None  # type: ignore[attr-defined]


def from_zip(path: Path) -> Iterator[Item]:
    """Each entry of the zip at ``path``; MunbookError if it is no zip or has too many."""
    with open(path, "rb") as fh:
        entries = _zip_entries(fh)
        if entries is None:
            raise MunbookError(f"{path} is not a readable zip file (no end record)")
        if entries > MAX_FILES:
            raise MunbookError(
                f"{path} has {entries:,} entries; munbook takes at most "
                f"{MAX_FILES:,} per zip: split it"
            )
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, *ZIP_ERRORS) as exc:
            raise MunbookError(f"{path} is not a readable zip file: {exc}") from None
        with archive:
            yield from _entries(archive)


def _entries(archive: zipfile.ZipFile) -> Iterator[Item]:
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        reason = _entry_reason(info) or (
            f"the zip's entries pass {_mb(MAX_TOTAL_BYTES)} uncompressed here: not read"
            if total + info.file_size > MAX_TOTAL_BYTES
            else None
        )
        if reason:
            yield Refusal(info.filename, reason)
            continue
        total += info.file_size
        try:
            data = _inflate(archive, info)
        except ZIP_ERRORS as exc:
            yield Refusal(
                info.filename, f"cannot be read from the zip ({type(exc).__name__}: {exc})"
            )
            continue
        if data is None:
            yield Refusal(info.filename, _too_big(MAX_PDF_BYTES))
            continue
        yield Candidate(info.filename, data, _entry_time(info))


def _entry_reason(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
        return "refused: the entry would land outside the folder (zip slip)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link: refused, never followed"
    if pure.suffix.lower() != ".pdf":
        return "not a PDF file"
    if info.flag_bits & 0x1:
        return "the entry is encrypted (password-protected zip); ask for an unprotected zip"
    if info.file_size > MAX_PDF_BYTES:
        return _too_big(info.file_size)
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return f"compressed {ratio:,.0f}:1 (more than {MAX_RATIO}:1 looks like a zip bomb)"
    return None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The entry's bytes, read a chunk at a time; None past MAX_PDF_BYTES."""
    chunks, size = [], 0
    with archive.open(info) as entry:
        while chunk := entry.read(CHUNK):
            size += len(chunk)
            if size > MAX_PDF_BYTES:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _entry_time(info: zipfile.ZipInfo) -> datetime:
    try:
        return datetime(*info.date_time, tzinfo=UTC)
    except ValueError:  # a zero month or day, as some tools write
        return datetime(1980, 1, 1, tzinfo=UTC)


# ---- folder -----------------------------------------------------------------------


def from_folder(path: Path) -> Iterator[Item]:
    """Each file under the folder, in name order, without following any link."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    budget = {"files": 0, "bytes": 0}
    try:
        yield from _walk(fd, "", 0, budget)
    finally:
        os.close(fd)


def _walk(dir_fd: int, prefix: str, depth: int, budget: dict[str, int]) -> Iterator[Item]:
    with os.scandir(dir_fd) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        name = prefix + entry.name
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode) and not name.lower().endswith(".pdf"):
            if depth >= MAX_DEPTH:
                yield Refusal(name, f"folders nested more than {MAX_DEPTH} deep are not read")
                continue
            sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            try:
                yield from _walk(sub, name + "/", depth + 1, budget)
            finally:
                os.close(sub)
            continue
        budget["files"] += 1
        if budget["files"] > MAX_FILES:
            yield Refusal(
                name,
                f"the folder has more than {MAX_FILES:,} files: this and the rest were not read",
            )
            return
        reason = _file_reason(name, info, budget)
        if reason:
            yield Refusal(name, reason)
            continue
        budget["bytes"] += info.st_size
        yield _read_file(dir_fd, entry.name, name, info)


def _file_reason(name: str, info: os.stat_result, budget: dict[str, int]) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link: refused, never followed"
    if stat.S_ISDIR(info.st_mode):
        return "a folder named like a PDF, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, device or socket): refused"
    if PurePosixPath(name).suffix.lower() != ".pdf":
        return "not a PDF file"
    if info.st_size > MAX_PDF_BYTES:
        return _too_big(info.st_size)
    if budget["bytes"] + info.st_size > MAX_TOTAL_BYTES:
        return f"the folder's files pass {_mb(MAX_TOTAL_BYTES)} here: not read"
    return None


def _read_file(dir_fd: int, entry: str, name: str, seen: os.stat_result) -> Item:
    """Open without following a link or blocking on a FIFO; the file must be the one seen."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(entry, flags, dir_fd=dir_fd)
    except OSError as exc:
        return Refusal(name, f"cannot be opened ({exc.strerror})")
    with os.fdopen(fd, "rb") as fh:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or now.st_ino != seen.st_ino:
            return Refusal(name, "the file changed while it was being read: refused")
        data = fh.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        return Refusal(name, _too_big(len(data)))
    return Candidate(name, data, datetime.fromtimestamp(seen.st_mtime, tz=UTC))
