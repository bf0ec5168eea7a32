"""The secretariat's roster import and workbook generation (part of the advisor page).

Built only for the secretariat's code; each action checks the grant again, so a
page opened with an advisor's code could not run them even if it held them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import committees
from ..core.access import Grant
from ..exceptions import MunbookError, RosterError
from ..store import Store
from ..workflows import generate, roster
from ..workflows.roster_file import Choices
from .html import busy_html, shows_errors
from .roster_questions import RosterQuestions

REASSIGN_LABEL = "Hand over delegations to the delegates in this file (reassign)"


def secretariat_only(action):
    """Refuse the action (raise) unless the page was opened with the secretariat's code."""

    @functools.wraps(action)
    def run(self, *args, **kwargs):
        if not self.grant.is_secretariat:
            raise MunbookError("only the secretariat's code can do this")
        return action(self, *args, **kwargs)

    return run


class RosterPanel:
    """Upload a roster (with "reassign"), then generate a committee's workbooks.

    Not a widget itself: the page places its two parts (``roster_part``,
    ``generate_part``) under their own numbered headings.
    """

    def __init__(self, store: Store, grant: Grant, changed: Callable[[], None]):
        self.store, self.grant, self._changed = store, grant, changed
        self.upload = w.FileUpload(accept=".csv", multiple=False, description="Roster CSV")
        self.upload.observe(self._on_upload, names="value")
        self.reassign = w.Checkbox(
            description=REASSIGN_LABEL, indent=False, layout=w.Layout(width="auto")
        )
        self.roster_message = w.HTML()
        self.questions = RosterQuestions(self._import_chosen)
        self._pending: tuple[bytes, str, bool] | None = None  # the file the questions are about
        self.committee = w.Dropdown(
            options=list(committees.all_committees()), description="Committee"
        )
        generate_button = w.Button(description="Generate workbooks", button_style="primary")
        generate_button.on_click(lambda _: self.generate(self.committee.value))
        self.generate_button = generate_button
        # Shown only while workbooks are being written, with what is happening beside it.
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="20em"))
        self.bar.layout.display = "none"
        self.generate_message = w.HTML()
        self.roster_part = [
            w.HTML("Columns: delegate, school, committee, country (any order, any case)."),
            self.reassign,
            self.upload,
            self.roster_message,
            self.questions,
        ]
        self.generate_part = [
            w.HBox(
                [self.committee, generate_button, self.bar], layout=w.Layout(flex_flow="row wrap")
            ),
            self.generate_message,
        ]

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.import_roster(bytes(item["content"]), item["name"], self.reassign.value)

    def _import_chosen(self, choices: Choices) -> roster.ImportResult | None:
        if self._pending is None:
            return None
        data, name, reassign = self._pending
        return self.import_roster(data, name, reassign, choices)

    @secretariat_only
    @shows_errors("roster_message")
    def import_roster(
        self, data: bytes, name: str, reassign: bool = False, choices: Choices | None = None
    ) -> roster.ImportResult | None:
        """Validate and import an uploaded roster; show every problem, question or the summary."""
        hint = f"tick “{REASSIGN_LABEL}” and upload again to hand it over"
        self.roster_message.value = busy_html(f"Reading and importing {name} ({_size(len(data))})…")
        try:
            rows = roster.parse(data, name, choices)
            result = roster.import_rows(rows, self.store, reassign=reassign, source=name, hint=hint)
        except RosterError as exc:
            self._pending = (data, name, reassign)
            self.questions.ask(name, exc.questions)
            asked = {q.message for q in exc.questions}
            others = [p for p in exc.problems if p not in asked]
            self.roster_message.value = _refused(name, others, len(exc.questions))
            return None
        self._pending = None
        self.questions.ask(name, [])
        self.roster_message.value = f"<div class='mb-ok'>{_imported(name, result)}</div>"
        self._changed()
        return result

    @secretariat_only
    @shows_errors("generate_message")
    def generate(self, committee: str) -> generate.GenerateResult | None:
        """Generate the committee's workbooks for every delegation it has."""
        names = [d.country for d in self.store.delegations(committee)]
        if not names:
            self.generate_message.value = (
                "No delegations in this committee yet: import a roster first."
            )
            return None
        acronym = committees.load(committee).acronym
        self.generate_message.value = busy_html(f"Writing {len(names)} {acronym} workbook(s)…")
        self.bar.max, self.bar.value, self.bar.layout.display = len(names), 0, None
        self.generate_button.disabled = True

        def tick(done: int, total: int) -> None:
            self.bar.max, self.bar.value = max(total, 1), done
            self.generate_message.value = busy_html(
                f"Writing {acronym} workbooks: {done} of {total}…"
            )

        try:
            result = generate.generate(
                committee, country_names=names, progress=False, on_progress=tick
            )
        finally:
            self.bar.layout.display = "none"
            self.generate_button.disabled = False
        self.generate_message.value = _generated(acronym, result)
        self._changed()
        return result


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _refused(name: str, problems: list[str], asked: int) -> str:
    """Nothing imported: the rows to fix in the file, the rows to answer below."""
    lines = "".join(f"<li>{escape(p)}</li>" for p in problems)
    fix = f"Fix these rows and upload again:<ul>{lines}</ul>" if problems else ""
    ask = (
        f"<p>{asked} row(s) name a country munbook will not guess: choose each one below.</p>"
        if asked
        else ""
    )
    return f"<div class='mb-bad'><b>{escape(name)}: nothing imported.</b> {fix}{ask}</div>"


def _imported(name: str, result: roster.ImportResult) -> str:
    """What was imported from ``name``, per committee, in words (file names, never a path)."""
    per: dict[str, list[int]] = {}
    for n, rows in enumerate((result.created, result.updated, result.unchanged)):
        for row in rows:
            per.setdefault(committees.load(row.committee).acronym, [0, 0, 0])[n] += 1
    counts = "; ".join(
        f"{acronym}: {c} created, {u} updated, {same} unchanged"
        for acronym, (c, u, same) in sorted(per.items())
    )
    said = f"<b>{escape(name)} imported:</b> {escape(counts or 'no rows')}."
    if result.codes_file:
        said += (
            f" {result.new_delegate_codes} new delegate code(s) and {result.new_staff_codes} "
            f"staff code(s), in {escape(result.codes_file.name)} under “Access codes”."
        )
    if result.reassigned:
        said += f"<br>{len(result.reassigned)} reassigned:" + "".join(
            f"<br>  {escape(line)}" for line in result.reassigned
        )
    return said


def _generated(acronym: str, result: generate.GenerateResult) -> str:
    """What generation wrote, in words: counts, each failure, the new code file by name."""
    said = (
        f"{acronym} workbooks: {len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.failed)} failed"
    )
    if result.codes_file:
        said += f"; new access codes in {result.codes_file.name} under “Access codes”"
    failed = "".join(f"<li>{escape(t.country_name)}: {escape(r)}</li>" for t, r in result.failed)
    return f"{escape(said)}.<ul>{failed}</ul>" if failed else f"{escape(said)}."
