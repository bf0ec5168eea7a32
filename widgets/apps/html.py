"""What every app page shares: the stylesheet, headings, tables, download links, messages.

The one stylesheet is ``munbook.css`` beside this module; each page puts
``stylesheet()`` at its top once. ``shows_errors`` is how every button's
action reports a problem: a MunbookError's own words in the page, anything
else a plain sentence (and the traceback in the log), never a blank page.
"""

from __future__ import annotations

import base64
import functools
import logging
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any, TypeVar

from ..exceptions import MunbookError

CSS = (Path(__file__).with_name("munbook.css")).read_text(encoding="utf-8")
STATUS_CLASS = {"submitted": "mb-ok", "late": "mb-bad", "overdue": "mb-bad", "missing": "mb-bad"}
UNEXPECTED = "Something went wrong; the staff have been told."
log = logging.getLogger("munbook.apps")
F = TypeVar("F", bound=Callable[..., Any])


def stylesheet():
    """An HTML widget holding munbook.css (a page's first child)."""
    import ipywidgets as w

    return w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))


def title(text: str, level: int = 2) -> str:
    """A page (h2) or section (h3) heading; ``text`` is escaped."""
    return f"<h{level} class='mb-title'>{escape(text)}</h{level}>"


def ok(text: str) -> str:
    return f"<span class='mb-ok'>{escape(text)}</span>"


def bad(text: str) -> str:
    return f"<span class='mb-bad'>{escape(text)}</span>"


def table(header: Iterable[str], rows: list[str], empty: str = "No delegations yet.") -> str:
    """A ``mb-table``: escaped header cells, ``rows`` as ready ``<tr>`` strings."""
    header = list(header)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(rows) or f"<tr><td colspan='{len(header)}'>{escape(empty)}</td></tr>"
    return f"<table class='mb-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def data_link(
    data: bytes, name: str, label: str, mime: str = "application/pdf", css: str = "mb-link"
) -> str:
    """An ``<a download>`` link carrying ``data`` itself (small files: PDFs, CSVs)."""
    encoded = base64.b64encode(data).decode()
    return (
        f"<a class='{css}' download='{escape(name)}' href='data:{mime};base64,{encoded}'>"
        f"{escape(label)}</a>"
    )


def download_link(path: Path, label: str, mime: str = "text/csv") -> str:
    """A download link for a small file on disk (a code list, code slips)."""
    return data_link(path.read_bytes(), path.name, label, mime)


def shows_errors(message: str) -> Callable[[F], F]:
    """Decorate a page action: errors go to the HTML widget ``self.<message>``.

    A MunbookError shows its message; anything else shows ``UNEXPECTED`` and is
    logged with its traceback. The action then returns None (or False when it
    is annotated to return bool), so tests see the failure too.
    """

    def wrap(action: F) -> F:
        failed = False if action.__annotations__.get("return") in (bool, "bool") else None

        @functools.wraps(action)
        def run(self, *args, **kwargs):
            try:
                return action(self, *args, **kwargs)
            except MunbookError as exc:
                getattr(self, message).value = bad(str(exc))
            except Exception:
                log.exception("%s failed", action.__qualname__)
                getattr(self, message).value = bad(UNEXPECTED)
            return failed

        return run  # type: ignore[return-value]

    return wrap


def set_options(box: Any, options: list[tuple[str, Any]]) -> None:
    """New options for a Dropdown, keeping the chosen one when it is still there (else the first)."""
    chosen, ids = box.value, [value for _, value in options]
    box.options = options
    box.value = chosen if chosen in ids else (ids[0] if ids else None)
