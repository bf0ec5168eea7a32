"""A delegate's markdown as a small block/inline tree, the form Typst receives.

Blocks: ``p``, ``h``, ``ul``, ``ol``, ``quote``, ``pre``, ``hr``; inline nodes:
``text``, ``code``, ``em``, ``strong``, ``link``, ``br``, ``fn`` (footnote).
A footnote's content is in the tree once, at its first reference
(``{"t": "fn", "id": label, "c": [...]}``); every later reference carries the
label only (``{"t": "fn", "id": label}``), so repeating a reference costs a few
bytes, never a copy of the note. Raw HTML is off, so ``<script>`` is text like any other; images are not
parsed, so ``![x](y)`` stays visible. Text is never interpreted downstream.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

Node = dict[str, Any]
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).use(footnote_plugin).disable("image")


class _Notes:
    """The footnotes of one text and which of them were already placed."""

    def __init__(self, content: dict[int, list[Node]], prefix: str):
        self.content, self.prefix = content, prefix
        self.placed: set[int] = set()

    def ref(self, note: int) -> Node | None:
        if note not in self.content:  # a reference inside a note: nowhere to point
            return None
        label = f"mb-fn-{self.prefix}-{note}"
        if note in self.placed:
            return {"t": "fn", "id": label}
        self.placed.add(note)
        return {"t": "fn", "id": label, "c": self.content[note]}


_NO_NOTES = _Notes({}, "")


def parse(text: str, key: str = "") -> list[Node]:
    """The block tree of ``text``; ``key`` keeps footnote labels unique across a paper."""
    env: dict = {}
    tokens = _parser().parse(text.replace("\r\n", "\n"), env)
    notes = _Notes(_footnotes(tokens), key)
    blocks, _ = _blocks(tokens, 0, None, notes)
    return blocks


def _footnotes(tokens: list) -> dict[int, list[Node]]:
    """Footnote id -> its inline content (paragraphs joined by line breaks)."""
    notes: dict[int, list[Node]] = {}
    current = None
    for tok in tokens:
        if tok.type == "footnote_open":
            current = tok.meta["id"]
            notes[current] = []
        elif tok.type == "footnote_close":
            current = None
        elif tok.type == "inline" and current is not None:
            if notes[current]:
                notes[current].append({"t": "br"})
            notes[current] += _inline(tok.children or [], _NO_NOTES)
    return notes


def _blocks(tokens: list, i: int, end: str | None, notes: _Notes) -> tuple[list[Node], int]:
    out: list[Node] = []
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if end and kind == end:
            return out, i + 1
        if kind in ("paragraph_open", "heading_open"):
            out.append(
                {
                    "t": "p" if kind == "paragraph_open" else "h",
                    "c": _inline(tokens[i + 1].children or [], notes),
                }
            )
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = kind.replace("_open", "_close")
            items, i = [], i + 1
            while tokens[i].type == "list_item_open":
                item, i = _blocks(tokens, i + 1, "list_item_close", notes)
                items.append(item)
            i += 1  # the list's close token
            node: Node = {"t": "ul" if kind == "bullet_list_open" else "ol", "items": items}
            if node["t"] == "ol":
                node["start"] = int(tok.attrGet("start") or 1)
            out.append(node)
            assert tokens[i - 1].type == close
        elif kind == "blockquote_open":
            body, i = _blocks(tokens, i + 1, "blockquote_close", notes)
            out.append({"t": "quote", "c": body})
        elif kind in ("fence", "code_block"):
            out.append({"t": "pre", "v": tok.content.rstrip("\n")})
            i += 1
        elif kind == "hr":
            out.append({"t": "hr"})
            i += 1
        elif kind == "footnote_block_open":
            _, i = _blocks(tokens, i + 1, "footnote_block_close", _NO_NOTES)
        else:
            i += 1
    return out, i


def _inline(children: list, notes: _Notes) -> list[Node]:
    root: list[Node] = []
    stack: list[tuple[Node, list[Node]]] = []  # the open em, strong and link nodes

    def inner() -> list[Node]:
        return stack[-1][1] if stack else root

    for tok in children:
        kind = tok.type
        current = inner()
        if kind == "text":
            _add_text(current, tok.content)
        elif kind == "code_inline":
            current.append({"t": "code", "v": tok.content})
        elif kind == "softbreak":
            _add_text(current, " ")
        elif kind == "hardbreak":
            current.append({"t": "br"})
        elif kind in ("em_open", "strong_open"):
            stack.append(({"t": kind[:-5]}, []))
        elif kind == "link_open":
            stack.append(({"t": "link", "url": tok.attrGet("href") or ""}, []))
        elif kind in ("em_close", "strong_close", "link_close") and stack:
            node, content = stack.pop()
            if node["t"] == "link" and not node["url"].lower().startswith(SAFE_SCHEMES):
                # Only web and mail links become links; anything else stays text.
                inner().extend(content)
                _add_text(inner(), f" ({node['url']})")
            else:
                inner().append({**node, "c": content})
        elif kind == "footnote_ref":
            ref = notes.ref(tok.meta["id"])
            if ref:
                current.append(ref)
        elif tok.content:
            _add_text(current, tok.content)
    while stack:  # unbalanced input: keep the text
        _, content = stack.pop()
        inner().extend(content)
    return root


def _add_text(nodes: list[Node], text: str) -> None:
    if nodes and nodes[-1]["t"] == "text":
        nodes[-1]["v"] += text
    else:
        nodes.append({"t": "text", "v": text})


def plain_text(nodes: list[Node]) -> str:
    """The readable text of a block or inline tree (for counts and checks)."""
    parts: list[str] = []
    for node in nodes:
        if "v" in node:
            parts.append(node["v"])
        for key in ("c",):
            if key in node:
                parts.append(plain_text(node[key]))
        for item in node.get("items", []):
            parts.append(plain_text(item))
        if node["t"] in ("p", "h", "pre", "br"):
            parts.append("\n")
    return "".join(parts)
