"""The delegate's workbook app: research, write, cite, preview and submit.

The page is one ``WorkbookApp`` behind the access-code gate. It keeps the
draft in the store through ``DraftSession`` (autosave about a second after
typing, every save a version, stale tabs noticed) and composes the panels of
``panels.py``. Everything a delegate or committee file wrote is escaped
before it reaches the page.
"""

from __future__ import annotations

import asyncio
import atexit
from html import escape
from typing import Any

import ipywidgets as w

from ..core import committees, countries, limits
from ..core.committees import Committee
from ..core.countries import Country
from ..core.limits import Problem
from ..core.times import now
from ..core.words import section_key
from ..core.zones import ReaderZone
from ..exceptions import MunbookError, StoreError
from ..kernel.memory import TRIM_EVERY, give_back
from ..store import Delegation, KernelStore
from ..store.contract import StoreContract
from ..workflows.autosave import DraftSession
from ..workflows.progress import deadline_for
from ..workflows.revisions import standing_of
from ..workflows.status import draft_change, latest_submission, review_html, status_html
from .autosaving import Autosaving
from .browser_zone import BrowserZone
from .delegate_comments import DelegateComments
from .gate import CodeGate
from .help_link import help_html
from .html import shows_errors, stylesheet
from .panels import FeedbackPanel, HistoryPanel, PaperPanel
from .paste_lists import PasteLists
from .reading import header_html, reading_pages
from .save_status import SaveStatus
from .sources import SourcesPanel
from .write_panel import ResearchPanel, WritePanel

TABS = ("Read", "Research", "Write", "Sources", "History", "Paper & submit", "Feedback")


class WorkbookApp(Autosaving, w.VBox):
    """The delegate's page once the code is accepted: read, research, write, cite, submit."""

    def __init__(
        self, store: StoreContract, delegation: Delegation, committee: Committee, country: Country
    ):
        self.store, self.delegation = store, delegation
        self.committee, self.country = committee, country
        self.session = DraftSession(store, delegation.id)
        self._pending: asyncio.TimerHandle | None = None
        self._loading = self._held = False
        self.refused: list[Problem] = []  # the limits the last save was refused for
        self.titles = {
            section_key(t.key, s.key): f"Topic {t.key} · {s.title}"
            for t in committee.topics
            for s in committee.rules.sections
        }
        self.zone = ReaderZone(committee.rules.timezone)  # the committee's until the browser says
        self.save_status = SaveStatus(self.session, self.zone)
        self.status, self.banner = self.save_status.line, self.save_status.banner
        self.submission = w.HTML()  # "Submitted version N at ..." or "Not submitted"
        self._submitted = latest_submission(store, delegation.id)
        self._standing = standing_of(store, delegation.id)  # the chair's word, read with it
        self._make_panels()
        self.tabs = self._make_tabs()
        self.header = w.HTML()
        self._show_header()
        browser_zone = BrowserZone()
        browser_zone.on_zone(self.zone_said)
        self.paste_lists = PasteLists()
        self.paste_lists.on_paste(self.write.pasted)
        parts = [stylesheet(), browser_zone, self.paste_lists, self.header, self.submission]
        parts.append(self.status)
        super().__init__([*parts, self.banner, self.tabs])
        self.add_class("mb-app")
        self.set_content(self.session.load())
        self._show_status()
        self.restore_held()
        self._show_submission()
        self.show_comments()
        # Closing the page now shuts its kernel down at once: save the last second of typing.
        atexit.register(self._flush)
        give_back(every=TRIM_EVERY)  # what building the page freed, and from now on

    def _make_panels(self) -> None:
        """One panel per tab; each calls back when the draft changes."""
        store, committee, country = self.store, self.committee, self.country
        self.research = ResearchPanel(committee, country, on_change=self._changed)
        self.write = WritePanel(committee, on_change=self._changed, fits=page_fit(committee))
        # The parts tests and the paper panel reach through the app, as before the split.
        self.notes, self.notes_message = self.research.notes, self.research.notes_message
        self.sections, self.section_counts = self.write.sections, self.write.section_counts
        self.topic_counts, self.total_count = self.write.topic_counts, self.write.total_count
        self.disclosure, self.disclosure_count = self.write.disclosure, self.write.disclosure_count
        self.sources_panel = SourcesPanel(committee, on_change=self._changed)
        self.history_panel = HistoryPanel(
            store, self.delegation.id, self.restore, committee, self.titles
        )
        self.history_panel.zone = self.zone  # one zone for the whole page
        self.paper_panel = PaperPanel(
            store,
            self.delegation,
            committee,
            country,
            before=self._flush,
            on_submitted=self.show_submission,
        )
        self.feedback_panel = FeedbackPanel(store, self.delegation, committee)
        self.comments = DelegateComments(
            store,
            self.delegation,
            committee,
            self.write.comment_slots,
            self.feedback_panel.comments_box,
            self.titles,
        )
        self.reading = reading_pages(
            committee,
            country,
            on_add=self.add_source,
            is_added=self.sources_panel.has_source,
            today=lambda: self.zone.bare(now(), "%Y-%m-%d"),
        )
        self.profile = self.reading.children[-1]  # the country profile (Read tab, last page)

    def _make_tabs(self) -> w.Tab:
        panels = [self.reading, self.research, self.write, self.sources_panel]
        panels += [self.history_panel, self.paper_panel, self.feedback_panel]
        tabs = w.Tab(children=panels)
        tabs.titles = TABS
        # History, preview and feedback are computed when their tab opens, not on every save.
        tabs.observe(self._tab_opened, names="selected_index")
        return tabs

    def _tab_opened(self, change: dict) -> None:
        opened = {
            2: self.show_comments,
            4: self.history_panel.fill,
            5: self.paper_panel.refresh,
            6: self._feedback_opened,
        }
        action = opened.get(change["new"])
        if action:
            action()

    # ---- content in and out ------------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The draft as the page shows it now."""
        return {
            "sections": {k: box.value for k, box in self.sections.items()},
            "notes": {k: box.value for k, box in self.notes.items()},
            "sources": [dict(s) for s in self.sources_panel.sources],
            "disclosure": self.disclosure.value,
        }

    def set_content(self, content: dict[str, Any]) -> None:
        """Show ``content`` in the widgets without it counting as the delegate's typing."""
        self._loading = True
        try:
            for key, box in self.sections.items():
                box.value = content["sections"].get(key, "")
            for key, box in self.notes.items():
                box.value = content["notes"].get(key, "")
            self.disclosure.value = content.get("disclosure", "")
        finally:
            self._loading = False
        self.sources_panel.set_sources(content.get("sources", []))
        self.profile.refresh()
        self._update_counts()

    def _show_header(self) -> None:
        deadline = deadline_for(self.store, self.delegation)
        who = (self.delegation.delegate, self.delegation.school)
        self.header.value = header_html(
            self.committee, self.country, *who, deadline, self.zone
        ) + help_html("delegates")

    def zone_said(self, name: str) -> None:
        """The browser said its zone: every time on the page is shown in it (if it is one)."""
        self.zone.set_reader(name)
        self._show_header()
        self._show_status()
        self._show_submission()
        if self.history_panel.history.options:  # already listed: list again in the new zone
            self.history_panel.fill()

    def show_submission(self) -> None:
        """Read the latest submission from the store again (after submitting) and show it."""
        self._submitted = latest_submission(self.store, self.delegation.id)
        self._standing = standing_of(self.store, self.delegation.id)
        self._show_submission()

    def _show_submission(self) -> None:
        """The header's status line, the Paper tab's receipt and History's mark agree."""
        sub = self._submitted
        change = draft_change(self.store, self.delegation.id, sub) if sub else None
        review = review_html(self._standing, self.committee, self.zone)
        self.submission.value = f"<div class='mb-header-status'>{status_html(sub, change, self.committee, zone=self.zone)}{review}</div>"
        self.paper_panel.show_status(
            status_html(sub, None, self.committee, live=False, zone=self.zone) + review,
            sub.sha256 if sub else "",
            changed=bool(change),
        )
        self.history_panel.submitted_version = sub.version if sub else None

    def _feedback_opened(self) -> None:
        self.feedback_panel.show()
        self.show_comments()

    def show_comments(self) -> None:
        """The comments on the paper, drawn again against the sections as they are now."""
        self.comments.refresh({k: box.value for k, box in self.sections.items()})

    @shows_errors("status")
    def restore(self, version: int) -> bool:
        """Show an earlier version and save it as the newest one."""
        self.set_content(self.session.load(version))
        return self.save_now()

    # ---- counts -----------------------------------------------------------------

    def _update_counts(self) -> None:
        problems = {p.field: p.message for p in limits.check_draft(self.content(), self.titles)}
        self.write.show_counts(problems)
        self.research.show_problems(problems)
        self.sources_panel.show_problems(
            [m for f, m in problems.items() if f.startswith("sources")]
        )

    # ---- sources ----------------------------------------------------------------

    def add_source(self, source: dict[str, str]) -> bool:
        """Add a source from the country profile to the draft (once) and save it."""
        added = self.sources_panel.add_source(source)  # its change autosaves the draft
        self.profile.refresh()
        return added


def page_fit(committee: Committee) -> int | None:
    """The words that fit the page limit (cached; ``generate`` measures it), or None if unknown."""
    from ..paper.fit import words_that_fit

    try:
        return words_that_fit(committee)
    except MunbookError:  # the measure failed (time, memory): the meter counts words only
        return None


def open_workbook(
    store: StoreContract, committee: str, country: str, delegation_id: int
) -> Delegation | None:
    """The delegation this workbook was generated for, if the store agrees."""
    try:
        delegation = store.delegation(delegation_id)
    except StoreError:  # an unknown id: the workbook was not generated here
        return None
    info = committees.load(committee)
    if delegation.committee != info.key or delegation.country != countries.lookup(country).alpha3:
        return None
    return delegation


def workbook_page(
    committee: str, country: str, delegation_id: int = 0, store: StoreContract | None = None
) -> w.Widget:
    """The delegate's page behind their access code; a notebook shows it as its output."""
    try:
        store = store or KernelStore()
    except StoreError as exc:  # e.g. the schema is not made yet: say so, never a blank page
        return w.HTML(f"<p class='mb-over'>{escape(str(exc))}</p>")
    delegation = open_workbook(store, committee, country, delegation_id)
    if delegation is None:
        page: w.Widget = w.HTML(
            "<p>This workbook is not set up on this server. Ask your advisor.</p>"
        )
        return page
    info, nation = committees.load(committee), countries.lookup(country)
    gate = CodeGate(
        f"{escape(nation.name)} · {escape(info.acronym)} position paper",
        check=lambda code: store.check_code(code, "delegate", info.key, delegation.id),
        open_page=lambda _: WorkbookApp(store, delegation, info, nation),
        store=store,
    )
    return gate
