"""The PDF a chair sees of a submission: in a blind committee, with no delegate or school.

An app submission keeps its paper notebook, so it is rendered again without
the names in the header. An ingested PDF has no notebook and its pages
cannot be edited reliably, so the chair gets its text as read, with the
roster's delegate and school names replaced, and the original is withheld.
"""

from __future__ import annotations

import re
import unicodedata

import nbformat
from nbformat import NotebookNode

from ..core import committees, countries
from ..paper import fonts
from ..paper.export import render
from ..paper.notebook import header_metadata

WITHHELD = "[withheld]"
SECTION_CHARS = 10_000  # the text is split into sections of about this size
MAX_CHARS = 60_000  # about 10,000 words: far past any position paper
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # CommonMark escapes any ASCII punctuation


def chair_pdf(delegation, submission: dict, blind: bool) -> bytes:
    """The PDF to hand a chair: the stored one, or a blind one when the committee grades blind."""
    if not blind:
        return submission["pdf"]
    if submission.get("notebook"):
        return render(nbformat.reads(submission["notebook"], as_version=4), blind=True).pdf
    return render(ingested_notebook(delegation, submission["text"] or ""), blind=True).pdf


def redact(text: str, delegate: str, school: str, keep: str = "") -> str:
    """``text`` with the delegate's and school's names, and the delegate's name parts, withheld.

    Words of ``keep`` (the country's name) are never withheld on their own, so
    a delegate's surname that is also the country does not blank the paper.
    """
    kept = {w.casefold() for w in re.findall(r"\w+", keep)}
    phrases = {n for n in (delegate, school) if n.strip()}
    phrases |= {w for w in re.findall(r"\w{3,}", delegate) if w.casefold() not in kept}
    if not phrases:
        return text
    # Longest first, so "Wanjiru Kamau" goes before "Kamau"; \s+ because a PDF's text
    # breaks lines anywhere. A single alternation of literals: no backtracking blow-up.
    alternatives = sorted(
        (r"\s+".join(map(re.escape, unicodedata.normalize("NFC", p).split())) for p in phrases),
        key=len,
        reverse=True,
    )
    regex = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
    return regex.sub(WITHHELD, unicodedata.normalize("NFC", text))


def ingested_notebook(delegation, text: str) -> NotebookNode:
    """A paper notebook holding an ingested PDF's text, names withheld, for a blind render."""
    info = committees.load(delegation.committee)
    country = countries.lookup(delegation.country)
    shown = redact(text, delegation.delegate, delegation.school, keep=country.name)
    cut = len(shown) > MAX_CHARS
    shown = shown[:MAX_CHARS]
    # A character no font draws would stop the render: show it as "?" instead.
    shown = shown.translate({ord(c): "?" for c in fonts.missing(shown) if c != "\n"})
    nb = nbformat.v4.new_notebook()
    nb.metadata.munbook = {
        **header_metadata(info, country),
        # The template heads each topic "Topic <key>: <title>"; the text is one "topic".
        "topics": [{"key": "PDF", "title": "the submitted text, names withheld"}],
    }
    note = (
        f"{info.acronym} grades blind. This paper came in as a PDF, which is withheld: "
        f"below is its text as read, with the delegate's and school's names shown as "
        f"{WITHHELD}. Layout, tables and images are not shown."
        + (f" The text is cut after {MAX_CHARS:,} characters." if cut else "")
    )
    sources = [f"*{_escape(note)}*", *_chunks(shown)]
    nb.cells = [
        _section(source, "Submitted text" if i else "Note") for i, source in enumerate(sources)
    ]
    return nb


def _section(source: str, title: str) -> NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata.munbook = {"topic": "PDF", "section": "text", "title": title}
    return cell


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)


def _chunks(text: str) -> list[str]:
    """Paragraphs (blank-line separated) packed into sections of about SECTION_CHARS."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    pieces = [p[i : i + SECTION_CHARS] for p in paragraphs for i in range(0, len(p), SECTION_CHARS)]
    chunks, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) > SECTION_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{piece}" if current else piece
    chunks += [current] if current else []
    # Escaped so that no text acts as markdown; a PDF's line breaks kept as line breaks.
    return [re.sub(r"(?<!\n)\n(?!\n)", "  \n", _escape(c)) for c in chunks] or [
        "*(no text could be read)*"
    ]
