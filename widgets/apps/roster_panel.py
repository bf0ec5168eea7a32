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
from .html import shows_errors

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
        self.committee = w.Dropdown(
            options=list(committees.all_committees()), description="Committee"
        )
        generate_button = w.Button(description="Generate workbooks", button_style="primary")
        generate_button.on_click(lambda _: self.generate(self.committee.value))
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="20em"))
        self.generate_message = w.HTML()
        self.roster_part = [
            w.HTML("Columns: delegate, school, committee, country (any order, any case)."),
            self.reassign,
            self.upload,
            self.roster_message,
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

    @secretariat_only
    @shows_errors("roster_message")
    def import_roster(
        self, data: bytes, name: str, reassign: bool = False
    ) -> roster.ImportResult | None:
        """Validate and import an uploaded roster; show every problem or the summary."""
        hint = f"tick “{REASSIGN_LABEL}” and upload again to hand it over"
        try:
            rows = roster.parse(data, name)
            result = roster.import_rows(rows, self.store, reassign=reassign, source=name, hint=hint)
        except RosterError as exc:
            problems = "".join(f"<li>{escape(p)}</li>" for p in exc.problems)
            self.roster_message.value = (
                f"<div class='mb-bad'><b>{escape(name)}: nothing imported.</b> Fix these rows "
                f"and upload again:<ul>{problems}</ul></div>"
            )
            return None
        summary = escape(result.summary()).replace("\n", "<br>")
        self.roster_message.value = f"<div class='mb-ok'>{summary}</div>"
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

        def tick(done: int, total: int) -> None:
            self.bar.max, self.bar.value = max(total, 1), done

        result = generate.generate(committee, country_names=names, progress=False, on_progress=tick)
        failed = "".join(
            f"<li>{escape(t.country_name)}: {escape(r)}</li>" for t, r in result.failed
        )
        self.generate_message.value = f"Workbooks: {escape(result.summary())}<ul>{failed}</ul>"
        self._changed()
        return result
