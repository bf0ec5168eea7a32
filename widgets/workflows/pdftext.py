"""Pages and text of a PDF from outside, read with bounds on pages, text, time and memory.

pypdf is careful but not bounded in time: a 170 KB page of 3 million tiny
text operations takes 15 s and 300 MB, and a page tree can name the same
page 60,000 times. So the page count is checked before any text is read,
extraction stops after ``MAX_PAGES``, and the whole read runs in a worker
process with a time and an address-space limit, killed when it overruns.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
from multiprocessing.pool import Pool

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import DictionaryObject, IndirectObject

from ..exceptions import MunbookError

MAX_PAGES = 50  # a position paper is 1-4 pages; a long annex still fits
MAX_TEXT_CHARS = 500_000  # about 80,000 words
SECONDS = 10  # per PDF
STARTUP_SECONDS = 60
MEMORY_BYTES = 768 * 2**20  # the worker's address space (Python and pypdf take ~150 MB)


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> tuple[int, str]:
    """(pages, text) of a PDF; MunbookError saying why it cannot be read."""
    check_header(data)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise MunbookError(
                "the PDF is encrypted (password-protected); ask for an unprotected copy"
            )
        pages = count_pages(reader, max_pages)
        text = _text(reader)
    except MunbookError:
        raise
    except RecursionError:
        raise MunbookError("the PDF is nested too deeply to read") from None
    except MemoryError:
        raise
    except LimitReachedError:
        raise MunbookError(
            "a stream in the PDF inflates past the reader's limits (a PDF bomb?)"
        ) from None
    # pypdf raises its own errors (PdfReadError, LimitReachedError, ...) and, on
    # malformed input, plain ones (KeyError, ValueError, ...): all mean "damaged".
    except Exception as exc:
        raise MunbookError(f"the PDF is damaged or truncated ({type(exc).__name__})") from None
    if pages == 0:
        raise MunbookError("the PDF has no pages")
    return pages, text


def check_header(data: bytes) -> None:
    """MunbookError unless ``data`` starts like a PDF (cheap: no reader, no worker)."""
    if not data:
        raise MunbookError("the file is empty (0 bytes)")
    if not data[:1024].lstrip()[:5].startswith(b"%PDF-"):
        raise MunbookError("not a PDF (it does not start with %PDF-)")


def count_pages(reader: PdfReader, max_pages: int) -> int:
    """Pages in the page tree, counted without building them; MunbookError past ``max_pages``."""
    root = reader.trailer["/Root"]["/Pages"].get_object()
    declared = int(root.get("/Count", 0))
    if declared > max_pages:
        raise MunbookError(f"the PDF has {declared:,} pages; at most {max_pages} are taken")
    count, stack, seen = 0, [root], set()
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if not isinstance(node, DictionaryObject):
            continue
        if "/Kids" in node:
            if id(node) in seen:
                raise MunbookError("the PDF's page tree loops back on itself")
            seen.add(id(node))
            stack.extend(node["/Kids"])
            continue
        count += 1
        if count > max_pages:  # /Count can lie; the tree cannot
            raise MunbookError(
                f"the PDF has more than {max_pages} pages; at most {max_pages} are taken"
            )
    return count


def _text(reader: PdfReader) -> str:
    parts, size = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part[: MAX_TEXT_CHARS - size])
        size += len(parts[-1])
        if size >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _ready() -> bool:
    return True


def _read_in_worker(data: bytes) -> tuple[int, str] | str:
    try:
        return read_pdf(data)
    except MunbookError as exc:
        return str(exc)
    except MemoryError:
        return f"reading the PDF needs more than {MEMORY_BYTES // 2**20} MB; refused"


class PdfWorker:
    """One worker process that reads PDFs one at a time; replaced when it overruns."""

    def __init__(self, seconds: float = SECONDS):
        self.seconds = seconds
        self.pool: Pool | None = None

    def read(self, data: bytes) -> tuple[int, str]:
        """(pages, text), or MunbookError with the reason (bad PDF, too slow, too big)."""
        check_header(data)
        if self.pool is None:
            self._start()
        try:
            answer = self.pool.apply_async(_read_in_worker, (data,)).get(self.seconds)
        except multiprocessing.TimeoutError:
            self.close()
            raise MunbookError(
                f"reading the PDF took longer than {self.seconds:g} s (built to stall readers?)"
            ) from None
        if isinstance(answer, str):
            raise MunbookError(answer)
        return answer

    def _start(self) -> None:
        # spawn, not fork: the caller may be a kernel holding threads. The start-up
        # (a fresh interpreter importing pypdf) is waited for before any PDF is timed.
        self.pool = multiprocessing.get_context("spawn").Pool(1, initializer=_limit_memory)
        try:
            self.pool.apply_async(_ready).get(STARTUP_SECONDS)
        except multiprocessing.TimeoutError:
            self.close()
            raise MunbookError(
                f"the PDF reader did not start within {STARTUP_SECONDS} s (the machine is "
                "overloaded?): try again"
            ) from None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
