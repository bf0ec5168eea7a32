"""The paper as text, section by section: the Grade tab's reading area.

A slot of its own (``GradePanel.paper_text``) so that a richer reader (one
that lets a chair select a passage and comment on it) can take its place:
anything with ``show(sections)`` and ``clear(note)`` fits. Text is escaped,
its line breaks kept; nothing in it is read as markup.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w


class PaperText(w.HTML):
    """Shows ``(title, text)`` sections as headed, escaped paragraphs."""

    sections: list[tuple[str, str]]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sections = []
        self.add_class("mb-paper-text")

    def show(self, sections: list[tuple[str, str]]) -> None:
        """Show the paper's sections, in order (an empty section says so)."""
        self.sections = list(sections)
        parts = []
        for title, text in self.sections:
            paragraphs = [p for p in text.split("\n\n") if p.strip()]
            body = "".join(
                f"<p>{escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs
            )
            parts.append(
                f"<section><h3>{escape(title)}</h3>"
                + (body or "<p class='mb-empty-section'>(empty)</p>")
                + "</section>"
            )
        # Focusable: the keyboard scrolls it (it scrolls on its own past 75 % of the screen).
        self.value = "<article aria-label='The paper' tabindex='0'>" + "".join(parts) + "</article>"

    def clear(self, note: str = "") -> None:
        self.sections = []
        self.value = f"<p>{escape(note)}</p>" if note else ""
