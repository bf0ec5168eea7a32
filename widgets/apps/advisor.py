"""The advisor app: one page for the secretariat and for each school's advisor.

Shown by notebooks/advisor.ipynb behind a staff code. The code's grant decides
what the page holds:

- the secretariat code: roster upload (with "reassign"), generation, every
  delegation, every code file (chair codes included), extensions;
- a school's advisor code: that school's delegations, that school's code files
  (its delegations' codes only), and "issue a new code" for them.

Widgets a grant does not allow are never created (a browser can only talk to
widgets that exist), and each action checks the grant again. Each action is a
method, so tests drive the same code the buttons do.
"""

from __future__ import annotations

import functools
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as w

from .. import settings
from ..core import committees
from ..core.access import Grant, name_key
from ..exceptions import MunbookError, RosterError
from ..store import Store
from ..workflows import generate, roster, slips
from ..workflows.progress import committee_status
from .extensions_panel import ExtensionsPanel
from .gate import CodeGate
from .html import (
    STATUS_CLASS,
    download_link,
    ok,
    set_options,
    shows_errors,
    stylesheet,
    table,
    title,
)

REASSIGN_LABEL = "Hand over delegations to the delegates in this file (reassign)"


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "–"


def status_table_html(
    store: Store, committee: str | None = None, grant: Grant | None = None
) -> str:
    """The delegations table (only those ``grant`` sees, when given), every value escaped."""
    header = ["Country", "Committee", "Delegate", "School", "Status", "Words", "Last saved"]
    rows: list[str] = []
    for row in committee_status(store, committee):
        d = row.delegation
        if grant and not grant.sees(d.school):
            continue
        cells = [row.country_name, d.committee.upper(), d.delegate or "–", d.school or "–"]
        status = f"<span class='{STATUS_CLASS.get(row.status, '')}'>{escape(row.status)}</span>"
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(c)}</td>" for c in cells)
            + f"<td>{status}</td><td>{row.words}</td><td>{_when(row.last_saved)}</td></tr>"
        )
    return table(header, rows)


def code_files(store: Store, grant: Grant) -> list[tuple[str, list[Path]]]:
    """The code files a grant may download, newest first, as (heading, files) groups."""

    def newest(folder: Path) -> list[Path]:
        # A code file and its mail-merge file share their time: newest pair first.
        found = [*folder.glob("codes-*.csv"), *folder.glob("mail-merge-*.csv")]
        return sorted(found, key=lambda p: (p.stem.split("-")[-1], p.name), reverse=True)

    if not grant.is_secretariat:
        return [("", newest(settings.school_access_dir(name_key(grant.school or ""))))]
    groups = [
        (
            "Every code (chair, advisor and secretariat codes included)",
            newest(settings.access_dir()),
        )
    ]
    for school in sorted(store.advisor_schools(), key=name_key):
        folder = settings.school_access_dir(name_key(school))
        groups.append((f"{school}: its delegations' codes, to hand to its advisor", newest(folder)))
    return [(title, files) for title, files in groups if files]


def _section(text: str) -> w.HTML:
    return w.HTML(title(text, 3))


def _secretariat_only(action):
    """Refuse the action (raise) unless the page was opened with the secretariat's code."""

    @functools.wraps(action)
    def run(self, *args, **kwargs):
        if not self.grant.is_secretariat:
            raise MunbookError("only the secretariat's code can do this")
        return action(self, *args, **kwargs)

    return run


class AdvisorPage(w.VBox):
    """Everything the secretariat or a school's advisor does after opening the app."""

    def __init__(self, store: Store, grant: Grant):
        self.store, self.grant = store, grant
        self.table = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.codes = w.HTML()
        self.delegation = w.Dropdown(description="Delegation", layout=w.Layout(width="26em"))
        self.reissue_button = w.Button(description="Issue a new code")
        self.reissue_button.on_click(lambda _: self.reissue(self.delegation.value))
        self.code_message = w.HTML()
        self.slips_school = w.Dropdown(description="Slips for", layout=w.Layout(width="26em"))
        self.slips_button = w.Button(description="Download code slips (PDF)", icon="print")
        self.slips_button.layout.width = "auto"
        self.slips_button.on_click(lambda _: self.code_slips(self.slips_school.value))
        self.slips_message = w.HTML()
        parts = self._secretariat_parts() if grant.is_secretariat else self._advisor_parts()
        numbered = [
            _section(f"{n}. {part}") if isinstance(part, str) else part
            for n, part in _numbered(parts)
        ]
        super().__init__([*numbered, stylesheet()])
        self.add_class("mb-advisor")
        self.refresh()

    def _codes_part(self) -> list:
        return [
            "Access codes",
            self.codes,
            w.HBox([self.delegation, self.reissue_button]),
            self.code_message,
            # Only the secretariat chooses a school; an advisor's slips are always their own.
            w.HBox(
                [self.slips_school, self.slips_button]
                if self.grant.is_secretariat
                else [self.slips_button]
            ),
            self.slips_message,
        ]

    def _advisor_parts(self) -> list:
        school = escape(self.grant.school or "")
        return [
            w.HTML(title(f"munbook · advisor · {self.grant.school or ''}")),
            w.HTML(
                f"<p>You see the delegations of <b>{school}</b>: hand each delegate their code, "
                "follow their progress. The secretariat imports the roster, generates the "
                "workbooks and grants extensions.</p>"
            ),
            *self._codes_part(),
            "Delegations",
            self.refresh_button,
            self.table,
        ]

    def _secretariat_parts(self) -> list:
        keys = list(committees.all_committees())
        self.upload = w.FileUpload(accept=".csv", multiple=False, description="Roster CSV")
        self.upload.observe(self._on_upload, names="value")
        self.reassign = w.Checkbox(
            description=REASSIGN_LABEL, indent=False, layout=w.Layout(width="auto")
        )
        self.roster_message = w.HTML()
        self.committee = w.Dropdown(options=keys, description="Committee")
        self.generate_button = w.Button(description="Generate workbooks", button_style="primary")
        self.generate_button.on_click(lambda _: self.generate(self.committee.value))
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="20em"))
        self.generate_message = w.HTML()
        self.extensions = ExtensionsPanel(self.store, changed=self.refresh)
        return [
            w.HTML(title("munbook · secretariat")),
            "Import the roster",
            w.HTML("Columns: delegate, school, committee, country (any order, any case)."),
            self.reassign,
            self.upload,
            self.roster_message,
            "Generate the workbooks",
            w.HBox([self.committee, self.generate_button, self.bar]),
            self.generate_message,
            *self._codes_part(),
            "Delegations",
            self.refresh_button,
            self.table,
            "Extensions",
            self.extensions,
        ]

    # ---- actions -----------------------------------------------------------

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.import_roster(bytes(item["content"]), item["name"], self.reassign.value)

    @_secretariat_only
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
        self.refresh()
        return result

    @_secretariat_only
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
        self.refresh()
        return result

    @property
    def extension_message(self) -> w.HTML:
        return self.extensions.extension_message

    @_secretariat_only
    def grant_extension(self, delegation_id: int | None, until_text: str, reason: str = "") -> bool:
        """Grant an extension until a local date and time of the committee (after its deadline)."""
        return self.extensions.grant(delegation_id, until_text, reason)

    @_secretariat_only
    def revoke_extension(self, extension_id: int | None) -> bool:
        """Delete one extension: the delegation's deadline is the committee's again."""
        return self.extensions.revoke(extension_id)

    def code_slips(self, school: str | None = None) -> slips.SlipsResult | None:
        """Write the slips PDF (the advisor's school; the secretariat's choice) and link it."""
        if not self.grant.is_secretariat:
            school = self.grant.school  # an advisor prints their own school's, whatever is asked
        try:
            result = slips.write_slips(self.store, school or None)
        except MunbookError as exc:
            self.slips_message.value = f"<span class='mb-bad'>{escape(str(exc))}</span>"
            return None
        link = download_link(result.path, "Download code slips (PDF)", "application/pdf")
        missing = (
            f"<br>No code on file for {escape(', '.join(result.without_code))}: issue a new code."
            if result.without_code
            else ""
        )
        self.slips_message.value = (
            f"<span class='mb-ok'>{result.count} slip(s), one per delegate, to cut out:</span> "
            f"{link}{missing}"
        )
        return result

    @shows_errors("code_message")
    def reissue(self, delegation_id: int | None) -> bool:
        """Revoke a delegation's code and issue a new one, written to the code files."""
        if delegation_id is None:
            raise MunbookError("choose a delegation first")
        delegation = self.store.delegation(delegation_id)
        if not self.grant.sees(delegation.school):
            raise MunbookError("that delegation is not one of your school's")
        roster.reissue_code(self.store, delegation.id)
        self.code_message.value = ok(
            f"New code for {delegation.country} ({delegation.committee.upper()}): it is in the "
            "newest code file above; the old code no longer works."
        )
        self.refresh()
        return True

    @shows_errors("table")
    def refresh(self) -> None:
        self.table.value = status_table_html(self.store, grant=self.grant)
        options = [
            (f"{d.committee.upper()} · {d.country} · {d.delegate or 'no name'}", d.id)
            for d in self.store.delegations()
            if self.grant.sees(d.school)
        ]
        set_options(self.delegation, options)
        if self.grant.is_secretariat:
            self.extensions.show(options)
        if self.grant.is_secretariat:
            schools = sorted({d.school for d in self.store.delegations() if d.school}, key=name_key)
            set_options(self.slips_school, [("Every school", ""), *[(s, s) for s in schools]])
        groups = code_files(self.store, self.grant)
        links = "".join(
            (f"<p><b>{escape(title)}</b><br>" if title else "<p>")
            + "".join(download_link(p, p.name) for p in files)
            + "</p>"
            for title, files in groups
        )
        self.codes.value = (
            links
            + "<p>Codes are shown only in these files (newest first; a newer code replaces an "
            "older one); the store keeps hashes. Keep them private.</p>"
            if groups
            else "No codes yet: they are made when the roster is imported."
        )


def _numbered(parts: list) -> list:
    """(n, part) pairs, numbering the string parts (section titles) 1, 2, ..."""
    n, out = 0, []
    for part in parts:
        if isinstance(part, str):
            n += 1
        out.append((n, part))
    return out


def advisor_app(store: Store | None = None) -> CodeGate:
    """The advisor's page behind the secretariat code or a school's advisor code."""
    store = store or Store()
    gate = CodeGate(
        "munbook · advisor",
        check=store.staff_grant,
        open_page=lambda grant: AdvisorPage(store, grant),
        scope="advisor",
        store=store,
    )
    return gate
