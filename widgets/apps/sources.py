"""The workbook's Sources panel: the delegate's source list and its works cited."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import limits
from ..core.citations import DATE_FORMS, FIELDS, KINDS, cited_order, source_problem
from ..core.committees import Committee

FIELD_LABELS = {
    "kind": "Kind",
    "author": "Author(s)",
    "title": "Title",
    "publisher": "Publisher or site",
    "date": "Published",
    "url": "URL",
    "accessed": "Accessed",
}
FIELD_HINTS = {
    "author": "Mwangi, Peter; World Health Organization",
    "date": "2024, 2024-03 or 2024-03-15",
    "accessed": "2024-03-15",
    "url": "https://",
}
WIDE = "97%"
KIND_OPTIONS = [
    ("Web page if it has a URL, else a document", ""),
    ("Web page", "web"),
    ("News or magazine article", "news"),
    ("Report, book or document", "document"),
]
assert {v for _, v in KIND_OPTIONS if v} == set(KINDS)
# How the works cited read what is typed (widgets.core.citations): said next to the form.
SOURCE_HELP = (
    "Authors: a person as <i>Family, Given</i> with the full given name (<i>Mwangi, Peter</i>); "
    "an organisation as its name, kept whole (<i>World Health Organization</i>, <i>AT&amp;T</i>, "
    "<i>INTERPOL</i>); an organisation whose name has a comma in braces "
    "(<i>{Ministry of Health, Kenya}</i>); several authors separated by <i>;</i>. "
    f"Dates as {DATE_FORMS}, nothing else. For a web source give the date you accessed it: "
    "MLA and Chicago print it, APA only for a page without a date. "
    "The list is numbered and sorted alphabetically, as in the works cited."
)


def _field(name: str) -> w.Widget:
    style, layout = {"description_width": "9em"}, w.Layout(width=WIDE)
    if name == "kind":
        return w.Dropdown(
            options=KIND_OPTIONS, value="", description=FIELD_LABELS[name], style=style
        )
    return w.Text(
        description=FIELD_LABELS[name],
        placeholder=FIELD_HINTS.get(name, ""),
        layout=layout,
        style=style,
    )


def _note(css: str, text: str) -> str:
    return f"<span class='{css}'>{escape(text)}</span>"


def _source_key(source: dict[str, str]) -> tuple[str, str]:
    return (
        " ".join(str(source.get("title", "")).lower().split()),
        str(source.get("url", "")).strip().lower(),
    )


class SourcesPanel(w.VBox):
    """Add, edit and remove sources; shows the works cited in the committee's style."""

    def __init__(self, committee: Committee, on_change: Callable[[], None]):
        self.committee, self._on_change = committee, on_change
        self.sources: list[dict[str, str]] = []
        self.source_list = w.Select(
            options=[],
            rows=6,
            description="Your sources",
            style={"description_width": "9em"},
            layout=w.Layout(width=WIDE),
        )
        self.source_list.observe(self._pick, names="value")
        self.fields = {name: _field(name) for name in FIELDS}
        add = w.Button(description="Add source", button_style="primary")
        update = w.Button(description="Save changes")
        remove = w.Button(description="Remove", button_style="danger")
        add.on_click(lambda _: self.add(self.form()))
        update.on_click(lambda _: self.update(self.source_list.value, self.form()))
        remove.on_click(lambda _: self.remove(self.source_list.value))
        self.message, self.cited = w.HTML(), w.HTML()
        rules = committee.rules
        super().__init__(
            [
                w.HTML(
                    f"<p class='mb-guidance'>Works cited are formatted in {rules.citation_style.upper()} "
                    f"style and do not count toward the length limit. This committee expects at least "
                    f"{rules.min_sources} sources.</p>"
                ),
                self.source_list,
                w.HTML(f"<p class='mb-guidance'>{SOURCE_HELP}</p>"),
                *self.fields.values(),
                w.HTML(
                    f"<p class='mb-guidance mb-limits'>Up to {limits.SOURCES} sources; each field "
                    f"holds up to {limits.SOURCE_FIELD_CHARS:,} characters, the URL up to "
                    f"{limits.URL_CHARS:,}.</p>"
                ),
                w.HBox([add, update, remove]),
                self.message,
                self.cited,
            ]
        )

    def form(self) -> dict[str, str]:
        return {name: box.value.strip() for name, box in self.fields.items()}

    def _pick(self, change: dict) -> None:
        index = change["new"]
        if index is not None and 0 <= index < len(self.sources):
            for name, box in self.fields.items():
                value = self.sources[index].get(name, "")
                box.value = value if name != "kind" or value in KINDS else ""

    def set_sources(self, sources: list[dict[str, str]]) -> None:
        """Show ``sources`` (from a loaded draft) without counting it as a change."""
        self.sources = [dict(s) for s in sources]
        self._refresh()

    def _refused(self, sources: list[dict[str, str]]) -> bool:
        """Say (and return True) when ``sources`` would be past a limit; the form keeps its text."""
        problems = limits.check_sources(sources)
        if problems:
            self.message.value = _note("mb-over", f"{problems[0].message} Nothing was changed.")
        return bool(problems)

    def show_problems(self, messages: list[str]) -> None:
        """Limits the saved list is past (a draft from before the limits); said here."""
        if messages:
            self.message.value = _note("mb-over", " ".join(messages[:3]))

    def _invalid(self, source: dict[str, str]) -> bool:
        """Say (and return True) what is wrong with ``source``; the form keeps its text."""
        problem = source_problem(source)
        if problem:
            self.message.value = _note("mb-over", f"{problem} Nothing was changed.")
        return bool(problem)

    def add(self, source: dict[str, str]) -> bool:
        if self._invalid(source):
            return False
        if self._refused([*self.sources, source]):
            return False
        self.sources.append(source)
        self._changed("Source added.")
        for box in self.fields.values():
            box.value = ""
        return True

    def has_source(self, source: dict[str, str]) -> bool:
        """Whether the list already holds this source (same title and URL, any case)."""
        key = _source_key(source)
        return any(_source_key(s) == key for s in self.sources)

    def add_source(self, source: dict[str, str]) -> bool:
        """Add a source from elsewhere (the country profile) unless the list holds it already.

        Goes through ``add`` (and so its checks) but keeps what the delegate is typing
        in the form.
        """
        if self.has_source(source):
            self.message.value = _note("mb-status", "Already in your sources.")
            return False
        typing = self.form()
        added = self.add({name: str(source.get(name, "")) for name in FIELDS})
        for name, box in self.fields.items():
            box.value = typing[name]
        return added

    def update(self, index: int | None, source: dict[str, str]) -> bool:
        if index is None or not 0 <= index < len(self.sources):
            self.message.value = _note("mb-over", "Pick a source in the list first.")
            return False
        if self._invalid(source) or self._refused(
            [*self.sources[:index], source, *self.sources[index + 1 :]]
        ):
            return False
        self.sources[index] = source
        self._changed("Source saved.")
        return True

    def remove(self, index: int | None) -> bool:
        if index is None or not 0 <= index < len(self.sources):
            self.message.value = _note(
                "mb-over", "Pick the source to remove in the list first; nothing was removed."
            )
            return False
        del self.sources[index]
        self._changed("Source removed.")
        return True

    def _changed(self, message: str) -> None:
        self.message.value = _note("mb-status", message)
        self._refresh()
        self._on_change()

    def _listed(self, order: list[int]) -> None:
        """Number the list as the works cited are numbered (untitled sources last)."""
        order = order + [i for i in range(len(self.sources)) if i not in order]
        self.source_list.layout.display = "" if self.sources else "none"
        self.source_list.options = [
            (
                f"{n}. {self.sources[i].get('title', '')[:80] or '(no title)'}"
                + (f" — {self.sources[i]['author'][:40]}" if self.sources[i].get("author") else ""),
                i,
            )
            for n, i in enumerate(order, start=1)
        ]

    def _refresh(self) -> None:
        try:
            cited = cited_order(self.sources, self.committee.rules.citation_style)
        except limits.LimitExceeded as exc:
            self._listed([])
            self.cited.value = f"<div class='mb-conflict'>{escape(str(exc))}</div>"
            return
        self._listed([i for i, _ in cited])
        # The works cited stay unnumbered (no style numbers them); the list follows their order.
        items = "".join(f"<p class='mb-cited'>{e}</p>" for _, e in cited)
        self.cited.value = (
            f"<div class='mb-card mb-box'><b>Works cited</b>{items}</div>" if cited else ""
        )
