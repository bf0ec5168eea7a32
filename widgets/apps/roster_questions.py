"""The roster rows whose country munbook would not guess: one choice per row, then import.

Part of the secretariat's roster panel. Each row gets a dropdown that starts on
no country (the likely ones first, then every other country); the import
button refuses until every row has its country, and the file is then read
again with those choices (``roster_file.parse(choices=...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import countries
from ..workflows.roster_file import Choices, CountryQuestion

CHOOSE = "Choose the country…"
IMPORT_LABEL = "Import with these countries"


def options(question: CountryQuestion) -> list[tuple[str, str | None]]:
    """The dropdown's choices: none yet, the candidates, then every other country."""
    likely = [countries.lookup(code) for code in question.candidates]
    others = [c for c in countries.all_countries() if c.alpha3 not in question.candidates]
    return [
        (CHOOSE, None),
        *((f"{c.name} ({c.alpha3})", c.alpha3) for c in likely),
        *((f"{c.name} ({c.alpha3}) · other", c.alpha3) for c in others),
    ]


class RosterQuestions(w.VBox):
    """Ask the country of every unsure row; ``on_import(choices)`` once all are answered."""

    def __init__(self, on_import: Callable[[Choices], object]):
        self._on_import = on_import
        self.pickers: dict[tuple[int, str], w.Dropdown] = {}
        self.button = w.Button(description=IMPORT_LABEL, button_style="primary", icon="check")
        self.button.layout.width, self.button.layout.align_self = "auto", "flex-start"
        self.button.on_click(lambda _: self.import_chosen())
        self.message = w.HTML()
        super().__init__([])
        self.add_class("mb-questions")

    def ask(self, name: str, questions: list[CountryQuestion]) -> None:
        """One row per question (none: the box is empty)."""
        self.pickers = {}
        rows: list[w.Widget] = []
        for q in questions:
            picker = w.Dropdown(options=options(q), index=0, layout=w.Layout(width="22em"))
            said = f"Line {q.line}: “{q.written}”"
            who = f"<br><span class='mb-quiet'>{escape(q.delegate)}</span>" if q.delegate else ""
            label = w.HTML(f"<b>{escape(said)}</b>{who}", layout=w.Layout(width="16em"))
            self.pickers[(q.line, q.written)] = picker
            rows.append(w.HBox([label, picker], layout=w.Layout(flex_flow="row wrap")))
        self.message.value = ""
        if not rows:
            self.children = []
            return
        intro = w.HTML(
            f"<p>Which country does each of these rows of <b>{escape(name)}</b> mean? "
            "munbook does not guess a country; choose one for every row, then import.</p>"
        )
        self.children = [intro, *rows, self.button, self.message]

    def chosen(self) -> Choices | None:
        """Every row's choice, or None while a row has none."""
        picked = {key: p.value for key, p in self.pickers.items()}
        if any(v is None for v in picked.values()):
            return None
        return {key: str(v) for key, v in picked.items()}

    def import_chosen(self) -> object:
        """Import with the choices (refused while a row has none)."""
        choices = self.chosen()
        if choices is None:
            missing = [f"line {line}" for (line, _), p in self.pickers.items() if p.value is None]
            self.message.value = (
                f"<span class='mb-bad'>Choose a country for {escape(', '.join(missing))} "
                "first; nothing imported.</span>"
            )
            return None
        return self._on_import(choices)
