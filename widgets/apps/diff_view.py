"""A word-level diff of two papers, section by section, as text (not markdown).

``DiffView().show(old_sections, new_sections)``: each a mapping label ->
markdown, in paper order (History's versions and submissions, the chair's two
submissions). Added words are underlined and marked "added", removed words
struck through and marked "removed" (``<ins>``/``<del>`` with words a screen
reader says, never colour alone); unchanged sections fold away together.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from ..core.words import count_words

if TYPE_CHECKING:
    from ..core.textdiff import Diff

LEGEND = (
    "<p class='mb-guidance mb-diff-legend'>Words added are <ins class='mb-ins'>underlined"
    "</ins>, words removed are <del class='mb-del'>struck through</del>; a screen reader "
    "says “added” and “removed”. Unchanged sections are folded together below.</p>"
)


def _heading(label: str) -> str:
    return escape(label[:1].upper() + label[1:])


def _ops_html(found: Diff) -> str:
    parts = []
    for op in found.ops:
        if op.kind == "equal":
            parts.append(escape(op.text))
            continue
        words = op.text.rstrip()
        space = escape(op.text[len(words) :])  # outside the mark: no underlined blank
        if not words:  # spacing alone
            parts.append(space)
            continue
        tag, said = ("ins", "added") if op.kind == "insert" else ("del", "removed")
        parts.append(
            f"<{tag} class='mb-{tag}'><span class='mb-sr'>[{said}: </span>{escape(words)}"
            f"<span class='mb-sr'>]</span></{tag}>{space}"
        )
    return "".join(parts)


def _counts(found: Diff) -> str:
    said = []
    if found.added:
        said.append(f"{found.added:,} word{'s' * (found.added != 1)} added")
    if found.removed:
        said.append(f"{found.removed:,} removed")
    if not said:
        said.append("spacing or punctuation changed")
    if found.coarse:
        said.append("long: compared paragraph by paragraph")
    return ", ".join(said)


def section_html(label: str, old_markdown: str, new_markdown: str) -> tuple[str, bool]:
    """One section's diff as HTML (escaped), and whether it changed."""
    # Here, not at the top: markdown-it and difflib load when History first compares,
    # not in every workbook's kernel as it opens.
    from ..core.readable import readable
    from ..core.textdiff import DiffTooLong, diff

    old, new = readable(old_markdown), readable(new_markdown)
    title = _heading(label)
    try:
        found = diff(old, new)
    except DiffTooLong as exc:
        return (
            f"<div class='mb-diff-section'><div class='mb-section-title'>{title}</div>"
            f"<p class='mb-over'>Not compared: {escape(str(exc))}.</p></div>",
            True,
        )
    if not found.changed:
        words = count_words(new)
        body = escape(new) or "(empty)"
        return (
            f"<div class='mb-section-title'>{title} ({words:,} word{'s' * (words != 1)})</div>"
            f"<div class='mb-diff-text'>{body}</div>",
            False,
        )
    return (
        f"<div class='mb-diff-section' role='group' aria-label='{title}'>"
        f"<div class='mb-section-title'>{title}</div>"
        f"<p class='mb-guidance'>{_counts(found)}</p>"
        f"<div class='mb-diff-text'>{_ops_html(found)}</div></div>",
        True,
    )


def diff_html(
    old_sections: Mapping[str, str],
    new_sections: Mapping[str, str],
    old_name: str = "the older text",
    new_name: str = "the newer text",
) -> str:
    """Every section's diff (new sections' order, then those only the old one has)."""
    labels = list(new_sections) + [k for k in old_sections if k not in new_sections]
    parts: list[str] = []
    same: list[str] = []
    for label in labels:
        html, did = section_html(label, old_sections.get(label, ""), new_sections.get(label, ""))
        (parts if did else same).append(html)
    changed = len(parts)
    if same:  # folded together: a reader looks for what changed
        parts.append(
            f"<details class='mb-diff-section mb-diff-same'><summary>{len(same)} "
            f"section{'s' * (len(same) != 1)} unchanged (open to read)</summary>{''.join(same)}</details>"
        )
    said = (
        f"{changed} of {len(labels)} sections changed"
        if changed
        else "No differences: the two texts are the same"
    )
    summary = (
        f"<p class='mb-diff-summary' role='status'><b>From {escape(old_name)} to "
        f"{escape(new_name)}:</b> {said}.</p>"
    )
    return f"<div class='mb-card mb-box mb-diff'>{summary}{LEGEND}{''.join(parts)}</div>"


class DiffView(w.VBox):
    """Shows the diff of two papers; ``show`` again to compare others."""

    def __init__(self) -> None:
        self.body = w.HTML()
        self.body.add_class("mb-diff-view")
        super().__init__([self.body])

    def show(
        self,
        old_sections: Mapping[str, str],
        new_sections: Mapping[str, str],
        old_name: str = "the older text",
        new_name: str = "the newer text",
    ) -> None:
        self.body.value = diff_html(old_sections, new_sections, old_name, new_name)

    def clear(self, message: str = "") -> None:
        self.body.value = f"<p class='mb-guidance'>{escape(message)}</p>" if message else ""
