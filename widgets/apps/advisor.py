"""The advisor app: roster upload, generation, progress table, codes, extensions.

Shown by notebooks/advisor.ipynb behind the advisor's access code. Each action
is a method, so tests drive the same code the buttons do.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

import ipywidgets as w

from .. import settings
from ..core import committees
from ..core.times import parse_local_time
from ..exceptions import MunbookError, RosterError
from ..store import Store
from ..workflows import generate, roster
from ..workflows.progress import committee_status
from .gate import CodeGate
from .html import STATUS_CLASS, TABLE_STYLE, download_link


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "–"


def status_table_html(store: Store, committee: str | None = None) -> str:
    """The delegations table, every value escaped."""
    header = ["Country", "Committee", "Delegate", "School", "Status", "Words", "Last saved"]
    rows = []
    for row in committee_status(store, committee):
        d = row.delegation
        cells = [row.country_name, d.committee.upper(), d.delegate or "–", d.school or "–"]
        status = f"<span class='{STATUS_CLASS.get(row.status, '')}'>{escape(row.status)}</span>"
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(c)}</td>" for c in cells)
            + f"<td>{status}</td><td>{row.words}</td><td>{_when(row.last_saved)}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(rows) or f"<tr><td colspan='{len(header)}'>No delegations yet.</td></tr>"
    return f"{TABLE_STYLE}<table class='mb-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class AdvisorPage(w.VBox):
    """Everything an advisor does after opening the app."""

    def __init__(self, store: Store):
        self.store = store
        keys = list(committees.all_committees())
        self.upload = w.FileUpload(accept=".csv", multiple=False, description="Roster CSV")
        self.upload.observe(self._on_upload, names="value")
        self.roster_message = w.HTML()
        self.committee = w.Dropdown(options=keys, description="Committee")
        self.generate_button = w.Button(description="Generate workbooks", button_style="primary")
        self.generate_button.on_click(lambda _: self.generate(self.committee.value))
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="20em"))
        self.generate_message = w.HTML()
        self.table = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.codes = w.HTML()
        self.delegation = w.Dropdown(description="Delegation", layout=w.Layout(width="26em"))
        self.until = w.Text(placeholder="2027-03-01 18:00", description="Until")
        self.grant_button = w.Button(description="Grant extension")
        self.grant_button.on_click(lambda _: self.grant(self.delegation.value, self.until.value))
        self.extension_message = w.HTML()
        section = lambda title: w.HTML(f"<h3 style='font-family:Georgia,serif'>{title}</h3>")  # noqa: E731
        super().__init__(
            [
                w.HTML("<h2 style='font-family:Georgia,serif'>munbook · advisor</h2>"),
                section("1. Import the roster"),
                w.HTML("Columns: delegate, school, committee, country (any order, any case)."),
                self.upload,
                self.roster_message,
                section("2. Generate the workbooks"),
                w.HBox([self.committee, self.generate_button, self.bar]),
                self.generate_message,
                section("3. Access codes"),
                self.codes,
                section("4. Delegations"),
                self.refresh_button,
                self.table,
                section("5. Extensions"),
                w.HBox([self.delegation, self.until, self.grant_button]),
                self.extension_message,
            ]
        )
        self.refresh()

    # ---- actions -----------------------------------------------------------

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.import_roster(bytes(item["content"]), item["name"])

    def import_roster(self, data: bytes, name: str) -> roster.ImportResult | None:
        """Validate and import an uploaded roster; show every problem or the summary."""
        try:
            result = roster.import_rows(roster.parse(data, name), self.store)
        except RosterError as exc:
            problems = "".join(f"<li>{escape(p)}</li>" for p in exc.problems)
            self.roster_message.value = (
                f"<div class='mb-bad'><b>{escape(name)}: nothing imported.</b> Fix these rows "
                f"and upload again:<ul>{problems}</ul></div>"
            )
            return None
        self.roster_message.value = f"<div class='mb-ok'>{escape(result.summary())}</div>"
        self.refresh()
        return result

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
        self.refresh()
        return result

    def grant(self, delegation_id: int | None, until_text: str) -> bool:
        """Grant an extension until a local date and time of the committee."""
        try:
            if delegation_id is None:
                raise MunbookError("choose a delegation first")
            delegation = self.store.delegation(delegation_id)
            zone = committees.load(delegation.committee).rules.timezone
            until = parse_local_time(until_text, zone)
            self.store.grant_extension(delegation_id, until, "granted in the advisor app")
        except MunbookError as exc:
            self.extension_message.value = f"<span class='mb-bad'>{escape(str(exc))}</span>"
            return False
        self.extension_message.value = f"<span class='mb-ok'>Extension granted until {until:%Y-%m-%d %H:%M} ({escape(zone)}).</span>"
        self.refresh()
        return True

    def refresh(self) -> None:
        self.table.value = status_table_html(self.store)
        self.delegation.options = [
            (f"{d.committee.upper()} · {d.country} · {d.delegate or 'no name'}", d.id)
            for d in self.store.delegations()
        ]
        folder = settings.access_dir()
        files = sorted(folder.glob("codes-*.csv"), reverse=True) if folder.is_dir() else []
        self.codes.value = (
            "".join(download_link(p, p.name) for p in files)
            + "<p>Codes are shown only in these files; the store keeps hashes. Keep them private.</p>"
            if files
            else "No codes yet: they are made when you import a roster or generate workbooks."
        )


def advisor_app(store: Store | None = None) -> CodeGate:
    """The advisor's page behind the advisor access code."""
    store = store or Store()
    gate = CodeGate(
        "munbook · advisor",
        check=lambda code: store.check_code(code, "advisor"),
        open_page=lambda _: AdvisorPage(store),
        scope="advisor",
        store=store,
    )
    return gate
