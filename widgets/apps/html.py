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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..exceptions import MunbookError

if TYPE_CHECKING:
    import ipywidgets as w

CSS = (Path(__file__).with_name("munbook.css")).read_text(encoding="utf-8")
STATUS_CLASS = {"submitted": "mb-ok", "late": "mb-bad", "overdue": "mb-bad", "missing": "mb-bad"}
UNEXPECTED = "Something went wrong; the staff have been told."
log = logging.getLogger("munbook.apps")
F = TypeVar("F", bound=Callable[..., Any])


def stylesheet():
    """An HTML widget holding munbook.css (a page's first child)."""
    import ipywidgets as w

    return w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))


def title(text: str, level: int = 1) -> str:
    """A page (h1) or section (h2) heading; ``text`` is escaped."""
    return f"<h{level} class='mb-title'>{escape(text)}</h{level}>"


def ok(text: str) -> str:
    return f"<span class='mb-ok'>{escape(text)}</span>"


def bad(text: str) -> str:
    return f"<span class='mb-bad'>{escape(text)}</span>"


def table(
    header: Iterable[str],
    rows: list[str],
    empty: str = "No delegations yet.",
    caption: str = "",
    css: str = "mb-table",
) -> str:
    """A ``mb-table``: a caption, ``scope=col`` header cells, ``rows`` as ready ``<tr>`` strings."""
    header = list(header)
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in header)
    body = "".join(rows) or f"<tr><td colspan='{len(header)}'>{escape(empty)}</td></tr>"
    said = f"<caption>{escape(caption)}</caption>" if caption else ""
    # A box that scrolls sideways on a phone; focusable, so the keyboard can scroll it too.
    return (
        f"<div class='mb-scroll' role='region' tabindex='0' aria-label='{escape(caption or 'Table')}'>"
        f"<table class='{css}'>{said}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def frame_html(
    frame: Any,
    caption: str,
    labels: dict[str, str],
    formats: dict[str, Callable[[Any], str]] | None = None,
    classes: dict[str, Callable[[str], str]] | None = None,
    empty: str = "No delegations yet.",
    row_ids: list[int] | None = None,
) -> str:
    """A pandas DataFrame (``workflows.tables``) as a ``mb-table``, every cell escaped.

    ``labels`` picks the columns shown, in order, and names them for people;
    ``formats`` turn a column's values into text; ``classes`` give a cell its
    CSS class from its text (status colours). Missing values read "–"; a
    newline in a value becomes a line break. pandas is imported only here and
    only when a staff page calls this: the delegate's kernel loads this module.
    ``row_ids`` (one per row) become ``data-row`` attributes (``row_table`` opens them).
    """
    import pandas as pd

    formats, classes = formats or {}, classes or {}

    def cell(column: str, value: Any) -> str:
        missing = value is None or (not isinstance(value, (list, tuple)) and pd.isna(value))
        text = "–" if missing else formats.get(column, str)(value)
        css = classes[column](text) if column in classes else ""
        said = escape(text).replace("\n", "<br>")
        return f"<td class='{css}'>{said}</td>" if css else f"<td>{said}</td>"

    columns = list(labels)
    ids = [f" data-row='{int(i)}'" for i in row_ids] if row_ids is not None else None
    rows = [
        f"<tr{ids[n] if ids else ''}>"
        + "".join(cell(c, v) for c, v in zip(columns, values, strict=True))
        + "</tr>"
        for n, values in enumerate(frame[columns].itertuples(index=False, name=None))
    ]
    return table(labels.values(), rows, empty=empty, caption=caption)


def figure_html(png: bytes, alt: str, caption: str, data: str) -> str:
    """A plot with its text alternative and caption, and ``data`` (a table) beside it."""
    encoded = base64.b64encode(png).decode()
    return (
        f"<div class='mb-figure'><figure><img src='data:image/png;base64,{encoded}' "
        f"alt='{escape(alt)}' width='470'><figcaption>{escape(caption)}</figcaption></figure>"
        f"{data}</div>"
    )


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


def busy_html(text: str) -> str:
    """What is happening, with a spinner, for as long as it takes (say it before the wait)."""
    return f"<span class='mb-busy' role='status'>{escape(text)}</span>"


@contextmanager
def busy(line: w.HTML, text: str, *buttons: w.Button) -> Iterator[None]:
    """``line`` says ``text`` and ``buttons`` are off while the block runs, then both clear."""
    line.value = busy_html(text)
    for button in buttons:
        button.disabled = True
    try:
        yield
    finally:
        line.value = ""
        for button in buttons:
            button.disabled = False


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
