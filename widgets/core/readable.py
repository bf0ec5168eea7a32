"""A delegate's markdown as the text a reader sees: no ``**``, ``#`` or ``[..](..)`` left.

For comparing versions (History, the chair's diff): paragraphs are separated by
a blank line, list items start with "• " or their number, a quote with "> ",
a link shows its text and then its address, footnotes are numbered "[1]" and
their text follows the section. Every word the delegate wrote stays.
"""

from __future__ import annotations

from .markdown import Node, parse


def readable(markdown: str) -> str:
    """``markdown`` as plain text, paragraph by paragraph."""
    notes: list[str] = []
    numbers: dict[str, int] = {}
    blocks = [_block(node, notes, numbers) for node in parse(markdown)]
    text = "\n\n".join(b for b in blocks if b)
    if notes:
        text += "\n\n" + "\n".join(f"[{n}] {note}" for n, note in enumerate(notes, 1))
    return text


def _block(node: Node, notes: list[str], numbers: dict[str, int]) -> str:
    kind = node["t"]
    if kind in ("p", "h"):
        return _inline(node["c"], notes, numbers).strip()
    if kind == "pre":
        return str(node["v"])
    if kind == "hr":
        return "—"
    if kind == "quote":
        body = "\n\n".join(_block(n, notes, numbers) for n in node["c"])
        return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
    if kind in ("ul", "ol"):
        lines = []
        for index, item in enumerate(node["items"], node.get("start", 1)):
            mark = "•" if kind == "ul" else f"{index}."
            body = "\n".join(_block(n, notes, numbers) for n in item)
            lines.append(f"{mark} {body}")
        return "\n".join(lines)
    return ""


def _inline(nodes: list[Node], notes: list[str], numbers: dict[str, int]) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node["t"]
        if kind in ("text", "code"):
            parts.append(str(node["v"]))
        elif kind == "br":
            parts.append("\n")
        elif kind in ("em", "strong"):
            parts.append(_inline(node["c"], notes, numbers))
        elif kind == "link":
            text = _inline(node["c"], notes, numbers)
            url = str(node["url"])
            parts.append(
                text if text.strip() in (url, url.removeprefix("mailto:")) else f"{text} ({url})"
            )
        elif kind == "fn":
            if node["id"] not in numbers:
                numbers[node["id"]] = len(notes) + 1
                notes.append(_inline(node.get("c", []), notes, numbers).strip())
            parts.append(f"[{numbers[node['id']]}]")
    return "".join(parts)
