"""The HTML a word processor puts on the clipboard, read as paragraphs and list items.

Three shapes are known: Word writes each item as a paragraph styled
``mso-list:l0 level2 lfo1`` whose bullet sits in a ``mso-list:Ignore`` span;
Google Docs and Pages (Cocoa HTML Writer) write ``<ul>``/``<ol>`` with
``<li>``, a nested list as a sibling ``<ul>`` or inside the ``<li>``. Only text
is kept (no markup reaches the draft); the stdlib parser never runs anything.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .pasted_blocks import Block, item_of

SKIPPED = {"style", "script", "head", "title", "xml", "template", "noscript"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre", "table"}
WORD_LEVEL = re.compile(r"mso-list:\s*l\d+\s+level(\d+)", re.IGNORECASE)
IGNORE = re.compile(r"mso-list:\s*ignore", re.IGNORECASE)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.skip = 0  # depth inside elements whose text is not the document's
        self.lists: list[bool] = []  # open <ul>/<ol>: ordered or not
        self.item: tuple[int, bool] | None = None  # the open <li>'s level and kind
        self.word: int | None = None  # the open Word list paragraph's level
        self.label: list[str] | None = None  # Word's bullet text, while in its Ignore span
        self.word_label, self.ignore_depth = "", 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = dict(attrs).get("style") or ""
        if tag in SKIPPED:
            self.skip += 1
        elif self.label is not None and tag == "span":
            self.ignore_depth += 1
        elif tag == "span" and IGNORE.search(style):
            self.label, self.ignore_depth = [], 1
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append(tag == "ol")
        elif tag == "li":
            self._flush()
            self.item = (max(len(self.lists) - 1, 0), bool(self.lists and self.lists[-1]))
        elif tag == "br":
            self._flush()
        elif tag in BLOCKS:
            if self.item is None:  # a <p> inside a Docs <li> is the item's text
                self._flush()
            found = WORD_LEVEL.search(style)
            if tag == "p" and found:
                self.word = int(found[1]) - 1
        elif tag in ("td", "th"):
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip = max(self.skip - 1, 0)
        elif self.label is not None and tag == "span":
            self.ignore_depth -= 1
            if self.ignore_depth == 0:
                self.word_label = "".join(self.label)
                self.label = None
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li" or (tag in BLOCKS and self.item is None):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.label is not None:
            self.label.append(data)
        else:
            self.text.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.text).replace("\u00a0", " ").split())
        self.text = []
        if self.word is not None:
            if text:
                self.blocks.append(item_of(self.word_label.strip() or "·", text, self.word))
            self.word, self.word_label = None, ""
        elif self.item is not None:
            level, ordered = self.item
            text = re.sub(r"^[•·●◦○▪■]\s*", "", text)  # a bullet Pages wrote as text
            if text:
                self.blocks.append(Block(text, level, ordered=ordered))
            self.item = None
        elif text:
            if self.blocks and self.blocks[-1].level is None:
                self.blocks.append(Block(""))  # paragraphs apart, as on the page
            self.blocks.append(Block(text))


def html_blocks(html: str) -> list[Block]:
    """Paragraphs and list items of clipboard HTML, in order, text only."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._flush()
    return reader.blocks
