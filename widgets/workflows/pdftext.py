"""Pages and text of a PDF from outside, read with bounds on pages, text, time and memory.

pypdf is careful but not bounded in time: a 170 KB page of 3 million tiny
text operations takes 15 s and 300 MB, and a page tree can name the same
page 60,000 times. So the page count is checked before any text is read,
extraction stops after ``MAX_PAGES``, and the whole read runs in a worker
process with a time and an address-space limit, killed when it overruns.
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import subprocess
import sys
import time
from typing import IO, Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .. import settings
from ..exceptions import MunbookError

MAX_PAGES = 50  # a position paper is 1-4 pages; a long annex still fits
MAX_TEXT_CHARS = 500_000  # about 80,000 words
SECONDS = 10  # per PDF
STARTUP_SECONDS = 60
MEMORY_BYTES = 768 * 2**20  # the worker's address space (Python and pypdf take ~150 MB)


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> tuple[int, list[str]]:
    """(pages, text of each page) of a PDF; MunbookError saying why it cannot be read."""
    check_header(data)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise MunbookError(
                "the PDF is encrypted (password-protected); ask for an unprotected copy"
            )
        pages = count_pages(reader, max_pages)
        texts = _page_texts(reader)
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
    return pages, texts


def check_header(data: bytes) -> None:
    """MunbookError unless ``data`` starts like a PDF (cheap: no reader, no worker)."""
    if not data:
        raise MunbookError("the file is empty (0 bytes)")
    if not data[:1024].lstrip()[:5].startswith(b"%PDF-"):
        raise MunbookError("not a PDF (it does not start with %PDF-)")


def count_pages(reader: PdfReader, max_pages: int) -> int:
    """Pages in the page tree, counted without building them; MunbookError past ``max_pages``."""
    root = reader.root_object["/Pages"].get_object()
    if not isinstance(root, DictionaryObject):  # malformed: said so as "damaged"
        raise ValueError("the PDF has no page tree")
    declared = int(root.get("/Count", 0))
    if declared > max_pages:
        raise MunbookError(f"the PDF has {declared:,} pages; at most {max_pages} are taken")
    count, seen = 0, set()
    stack: list[Any] = [root]
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
            kids = node["/Kids"]
            stack.extend(kids if isinstance(kids, ArrayObject) else [])
            continue
        count += 1
        if count > max_pages:  # /Count can lie; the tree cannot
            raise MunbookError(
                f"the PDF has more than {max_pages} pages; at most {max_pages} are taken"
            )
    return count


def _page_texts(reader: PdfReader) -> list[str]:
    """Each page's text (kept apart: the counting rule needs to know where pages end)."""
    parts, size = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part[: MAX_TEXT_CHARS - size])
        size += len(parts[-1])
        if size >= MAX_TEXT_CHARS:
            break
    return parts


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _answer(data: bytes) -> dict:
    try:
        pages, texts = read_pdf(data)
    except MunbookError as exc:
        return {"error": str(exc)}
    except MemoryError:
        return {"error": f"reading the PDF needs more than {MEMORY_BYTES // 2**20} MB; refused"}
    return {"pages": pages, "texts": texts}


def _serve() -> None:
    """The worker: length-prefixed PDFs on stdin, length-prefixed JSON answers on stdout."""
    _limit_memory()
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sink.write(_frame(b""))  # ready: the imports are done
    sink.flush()
    while header := source.read(8):
        reply = json.dumps(_answer(source.read(int.from_bytes(header, "big"))))
        sink.write(_frame(reply.encode()))
        sink.flush()


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "big") + payload


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """A pipe to or from the worker (``Popen`` makes them: stdin and stdout are PIPE)."""
    if stream is None:
        raise OSError("no pipe to the PDF worker")
    return stream


class PdfWorker:
    """One worker process (``python -m widgets.workflows.pdftext``) reading PDFs one at a time.

    A plain subprocess, not multiprocessing: it works whatever the caller's
    ``__main__`` is (a kernel, ``python -``), and it is killed and replaced
    when a PDF overruns its time.
    """

    def __init__(self, seconds: float = SECONDS):
        self.seconds = seconds
        self.process: subprocess.Popen | None = None

    def read(self, data: bytes) -> tuple[int, str]:
        """(pages, text), or MunbookError with the reason (bad PDF, too slow, too big)."""
        pages, texts = self.read_pages(data)
        return pages, "\n".join(texts)

    def read_pages(self, data: bytes) -> tuple[int, list[str]]:
        """(pages, text of each page), or MunbookError with the reason."""
        check_header(data)
        process = self.process or self._start()
        try:
            stdin = _pipe(process.stdin)
            stdin.write(_frame(data))
            stdin.flush()
            answer = json.loads(self._receive(process, self.seconds))
        except (TimeoutError, OSError, ValueError):
            self.close()
            raise MunbookError(
                f"reading the PDF took longer than {self.seconds:g} s or more than "
                f"{MEMORY_BYTES // 2**20} MB (built to stall readers?)"
            ) from None
        if "error" in answer:
            raise MunbookError(answer["error"])
        return answer["pages"], answer["texts"]

    def _start(self) -> subprocess.Popen:
        root = str(settings.PACKAGE_DIR.parent)  # where ``widgets`` is imported from
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "widgets.workflows.pdftext"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        try:
            self._receive(self.process, STARTUP_SECONDS)
        except (TimeoutError, OSError, ValueError):
            self.close()
            raise MunbookError(
                f"the PDF reader did not start within {STARTUP_SECONDS} s: try again"
            ) from None
        return self.process

    @staticmethod
    def _receive(process: subprocess.Popen, seconds: float) -> bytes:
        """One framed answer, or TimeoutError after ``seconds``; EOF (a dead worker) is OSError."""
        deadline, got, size = time.monotonic() + seconds, b"", None
        stream = _pipe(process.stdout)
        while size is None or len(got) < 8 + size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stream], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(stream.fileno(), 2**20)
            if not chunk:
                raise OSError("the worker ended")
            got += chunk
            if size is None and len(got) >= 8:
                size = int.from_bytes(got[:8], "big")
        return got[8:]

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self.process = None

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    _serve()
