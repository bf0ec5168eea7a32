"""The advisor app: one page for the secretariat and for each school's advisor.

Shown by notebooks/advisor.ipynb behind a staff code. The code's grant decides
what the page holds:

- the secretariat code: roster upload (with "reassign"), generation, every
  delegation, every code file (chair codes included), chairs and advisors with
  codes of their own (``staff_panel``), extensions;
- a school's advisor code: that school's delegations, that school's code files
  (its delegations' codes only), and "issue a new code" for them.

Widgets a grant does not allow are never created (a browser can only talk to
widgets that exist), and each action checks the grant again. The page is
built from panels (``codes_panel``, ``roster_panel``, ``extensions_panel``);
its actions are methods, so tests drive the same code the buttons do.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core.access import Grant
from ..store import Store
from .advisor_drafts import DraftReader
from .advisor_feedback import ReleasedFeedback
from .codes_panel import CodesPanel, code_files
from .extensions_panel import ExtensionsPanel
from .gate import CodeGate
from .help_link import help_link
from .html import STATUS_CLASS, frame_html, shows_errors, stylesheet, title
from .roster_panel import REASSIGN_LABEL, RosterPanel, secretariat_only
from .staff_panel import StaffPanel

__all__ = ["REASSIGN_LABEL", "AdvisorPage", "advisor_app", "code_files", "status_table_html"]

COLUMNS = {
    "country": "Country",
    "committee": "Committee",
    "delegate": "Delegate",
    "school": "School",
    "status": "Status",
    "words": "Words",
    "last_saved": "Last saved (UTC)",
    "draft_changed": "Draft changed since submission",
    "review_status": "Review",
}
FORMATS = {
    "delegate": lambda name: name or "–",
    "school": lambda name: name or "–",
    "last_saved": lambda t: f"{t:%Y-%m-%d %H:%M}",
    "words": lambda n: f"{int(n)}",
    "draft_changed": lambda changed: CHANGED if changed else "no",
    "review_status": lambda status: "–" if status == "not submitted" else status,  # Status says it
}
CHANGED = "yes"
REVIEW_CLASS = {"changes requested": "mb-warn", "accepted": "mb-ok"}
CLASSES = {
    "status": lambda text: STATUS_CLASS.get(text, ""),
    "draft_changed": lambda text: "mb-warn" if text == CHANGED else "",
    "review_status": lambda text: REVIEW_CLASS.get(text, ""),
}


def status_table_html(
    store: Store, committee: str | None = None, grant: Grant | None = None
) -> str:
    """The delegations table (only those ``grant`` sees, when given), every value escaped.

    It is ``workflows.tables.progress_table``, the advisor's DataFrame, shown.
    """
    from ..workflows.tables import progress_table

    frame = progress_table(store, committee)
    if grant is not None:
        # A mask, not a list: an empty list would select no columns, not no rows.
        frame = frame[frame["school"].map(lambda s: grant.sees(s or "")).astype(bool)]
    caption = (
        "Each delegation: its status and the words of its paper (submitted, else the draft); "
        "whether the draft changed since the paper was submitted; the chair's review "
        "(submitted, changes requested, revised, accepted)."
    )
    return frame_html(frame, caption, COLUMNS, FORMATS, CLASSES)


class AdvisorPage(w.VBox):
    """Everything the secretariat or a school's advisor does after opening the app."""

    def __init__(self, store: Store, grant: Grant):
        self.store, self.grant = store, grant
        self.table = w.HTML()
        self.table.add_class("mb-delegations")  # the progress table (pages and tests find it)
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.codes_panel = CodesPanel(store, grant, changed=self.refresh)
        self.drafts = DraftReader(store, grant)  # read drafts and comment on them
        self.feedback = ReleasedFeedback(store, grant)  # once the chairs released it
        # The parts tests and notebooks reach through the page, as before the split.
        self.codes, self.delegation = self.codes_panel.codes, self.codes_panel.delegation
        self.code_message = self.codes_panel.code_message
        self.slips_message = self.codes_panel.slips_message
        parts = self._secretariat_parts() if grant.is_secretariat else self._advisor_parts()
        numbered = [
            w.HTML(title(f"{n}. {part}", 2)) if isinstance(part, str) else part
            for n, part in _numbered(parts)
        ]
        super().__init__([*numbered, stylesheet()])
        self.add_class("mb-advisor")
        self.refresh()

    def _advisor_parts(self) -> list:
        school = escape(self.grant.school or "")
        return [
            w.HTML(title(f"munbook · advisor · {self.grant.school or ''}")),
            help_link("advisors"),
            w.HTML(
                f"<p>You see the delegations of <b>{school}</b>: hand each delegate their code, "
                "follow their progress. The secretariat imports the roster, generates the "
                "workbooks and grants extensions.</p>"
            ),
            "Access codes",
            self.codes_panel,
            "Delegations",
            self.refresh_button,
            self.table,
            "Read drafts and comment",
            self.drafts,
            "Released feedback",
            self.feedback,
        ]

    def _secretariat_parts(self) -> list:
        self.roster = RosterPanel(self.store, self.grant, changed=self.refresh)
        self.upload, self.reassign, self.bar = (
            self.roster.upload,
            self.roster.reassign,
            self.roster.bar,
        )
        self.roster_message = self.roster.roster_message
        self.generate_message = self.roster.generate_message
        self.extensions = ExtensionsPanel(self.store, changed=self.refresh)
        self.staff = StaffPanel(self.store, self.grant)
        return [
            w.HTML(title("munbook · secretariat")),
            help_link("secretariat"),
            "Import the roster",
            *self.roster.roster_part,
            "Generate the workbooks",
            *self.roster.generate_part,
            "Access codes",
            self.codes_panel,
            "Chairs and advisors",
            self.staff,
            "Delegations",
            self.refresh_button,
            self.table,
            "Read drafts",
            self.drafts,
            "Released feedback",
            self.feedback,
            "Extensions",
            self.extensions,
        ]

    # ---- actions (the panels do the work; the page checks the grant) ----------

    @secretariat_only
    def import_roster(self, data: bytes, name: str, reassign: bool = False):
        """Validate and import an uploaded roster; show every problem or the summary."""
        return self.roster.import_roster(data, name, reassign)

    def _on_upload(self, change: dict) -> None:
        self.roster._on_upload(change)

    @secretariat_only
    def generate(self, committee: str):
        """Generate the committee's workbooks for every delegation it has."""
        return self.roster.generate(committee)

    @property
    def extension_message(self) -> w.HTML:
        return self.extensions.extension_message

    @secretariat_only
    def grant_extension(self, delegation_id: int | None, until_text: str, reason: str = "") -> bool:
        """Grant an extension until a local date and time of the committee (after its deadline)."""
        return self.extensions.grant(delegation_id, until_text, reason)

    @secretariat_only
    def revoke_extension(self, extension_id: int | None) -> bool:
        """Delete one extension: the delegation's deadline is the committee's again."""
        return self.extensions.revoke(extension_id)

    def code_slips(self, school: str | None = None):
        """Write the code slips PDF (an advisor's own school; the secretariat's choice)."""
        return self.codes_panel.code_slips(school)

    def ask_new_code(self, delegation_id: int | None) -> bool:
        """ "Issue a new code": ask once, naming the delegation (nothing changes yet)."""
        return self.codes_panel.new_code.ask(delegation_id)

    def confirm_new_code(self) -> bool:
        """Confirm: the old code stops working; the new one is shown with its slip."""
        return self.codes_panel.new_code.confirm()

    def cancel_new_code(self) -> None:
        """Cancel: nothing changes."""
        self.codes_panel.new_code.cancel()

    @shows_errors("table")
    def refresh(self) -> None:
        """The delegations table, the choices and the code files, read again."""
        self.table.value = status_table_html(self.store, grant=self.grant)
        options = [
            (f"{d.committee.upper()} · {d.country} · {d.delegate or 'no name'}", d.id)
            for d in self.store.delegations()
            if self.grant.sees(d.school)
        ]
        self.codes_panel.show(options)
        self.drafts.show(options)
        self.feedback.show(options)
        if self.grant.is_secretariat:
            self.extensions.show(options)


def _numbered(parts: list) -> list:
    """(n, part) pairs, numbering the string parts (section titles) 1, 2, ..."""
    n, out = 0, []
    for part in parts:
        if isinstance(part, str):
            n += 1
        out.append((n, part))
    return out


def advisor_app(store: Store | None = None) -> CodeGate[Grant]:
    """The advisor's page behind the secretariat code or a school's advisor code."""
    store = store or Store()
    gate = CodeGate(
        "munbook · advisor",
        check=store.staff_grant,
        open_page=lambda grant: AdvisorPage(store, grant),
        store=store,
    )
    return gate
