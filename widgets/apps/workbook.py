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
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core import committees, countries, limits
from ..core.committees import Committee
from ..core.countries import Country
from ..core.limits import LimitExceeded, Problem
from ..core.words import count_words, section_key
from ..exceptions import StoreError
from ..store import Delegation, Store
from ..workflows.autosave import DraftSession
from ..workflows.progress import deadline_for
from ..workflows.status import draft_change, latest_submission, status_html
from .gate import CodeGate
from .html import shows_errors, stylesheet
from .panels import FeedbackPanel, HistoryPanel, PaperPanel
from .reading import header_html, prompt_facts_html, reading_pages
from .sources import SourcesPanel

SAVE_DELAY = 1.0  # seconds after a change; keeps every keystroke saved within 2 s
TABS = ("Read", "Research", "Write", "Sources", "History", "Paper & submit", "Feedback")


def _count_html(words: int, limit: int | None, unit: str = "words", problem: str = "") -> str:
    text = f"{words} / {limit} {unit}" if limit else f"{words} {unit}"
    css = "mb-count mb-over" if (limit and words > limit) or problem else "mb-count"
    return f"<div class='{css}'>{text}</div>" + _problem_html(problem)


def _problem_html(problem: str) -> str:
    """A limit the box is past, said next to it; the text itself stays in the box."""
    if not problem:
        return ""
    return (
        f"<div class='mb-over mb-limit'>{escape(problem)} Not saved until it is shorter; "
        f"your text stays here.</div>"
    )


def _section_html(text: str, words: int | None, problem: str) -> str:
    """Words and characters of a section against its limits (and what is wrong)."""
    used = f"{words:,} / {limits.SECTION_WORDS:,} words · " if words is not None else ""
    css = "mb-count mb-over" if problem else "mb-count"
    return (
        f"<div class='{css}'>{used}{len(text):,} / {limits.SECTION_CHARS:,} characters</div>"
        + _problem_html(problem)
    )


class WorkbookApp(w.VBox):
    """The delegate's page once the code is accepted: read, research, write, cite, submit."""

    def __init__(
        self, store: Store, delegation: Delegation, committee: Committee, country: Country
    ):
        self.store, self.delegation, self.committee, self.country = (
            store,
            delegation,
            committee,
            country,
        )
        self.session = DraftSession(store, delegation.id)
        self._pending: asyncio.TimerHandle | None = None
        self._loading = False
        self.status, self.banner = w.HTML(), w.VBox()
        self.sections: dict[str, w.Textarea] = {}
        self.titles = {
            section_key(t.key, s.key): f"Topic {t.key} · {s.title}"
            for t in committee.topics
            for s in committee.rules.sections
        }
        self.section_counts: dict[str, w.HTML] = {}
        self.topic_counts: dict[str, w.HTML] = {}
        self.total_count = w.HTML()
        self.notes: dict[str, w.Textarea] = {}
        self.disclosure = w.Textarea(
            placeholder="Which AI tools did you use, and for what? Write 'None' if you used none.",
            rows=4,
            layout=w.Layout(width="97%"),
        )
        self.disclosure.observe(self._changed, names="value")
        self.disclosure_count, self.notes_message = w.HTML(), w.HTML()
        self.refused: list[Problem] = []  # the limits the last save was refused for
        self.sources_panel = SourcesPanel(committee, on_change=self._changed)
        self.history_panel = HistoryPanel(
            store, delegation.id, self.restore, committee, self.titles
        )
        self.paper_panel = PaperPanel(
            store,
            delegation,
            committee,
            country,
            before=self._flush,
            on_submitted=self.show_submission,
        )
        self.submission = w.HTML()  # "Submitted version N at ..." or "Not submitted"
        self._submitted = latest_submission(store, delegation.id)
        self.feedback_panel = FeedbackPanel(store, delegation, committee)
        self.reading = reading_pages(
            committee, country, on_add=self.add_source, is_added=self.sources_panel.has_source
        )
        self.profile = self.reading.children[-1]  # the country profile (Read tab, last page)
        self.tabs = w.Tab(
            children=[
                self.reading,
                self._research_tab(),
                self._write_tab(),
                self.sources_panel,
                self.history_panel,
                self.paper_panel,
                self.feedback_panel,
            ]
        )
        self.tabs.titles = TABS
        # History, preview and feedback are computed when their tab opens, not on every save.
        self.tabs.observe(self._tab_opened, names="selected_index")
        header = w.HTML(
            header_html(
                committee,
                country,
                delegation.delegate,
                delegation.school,
                deadline_for(store, delegation),
            )
        )
        super().__init__(
            [stylesheet(), header, self.submission, self.status, self.banner, self.tabs]
        )
        self.add_class("mb-app")
        self.set_content(self.session.load())
        self._show_status()
        self._show_submission()
        # Closing the page now shuts its kernel down at once: save the last second of typing.
        atexit.register(self._flush)

    def _tab_opened(self, change: dict) -> None:
        opened = {
            4: self.history_panel.fill,
            5: self.paper_panel.refresh,
            6: self.feedback_panel.show,
        }
        action = opened.get(change["new"])
        if action:
            action()

    # ---- the research and write tabs ---------------------------------------------

    def _research_tab(self) -> w.VBox:
        rows = [
            w.HTML(
                "<p class='mb-guidance'>Private notes: only you see them; they are not part of the "
                f"paper. Each note holds up to {limits.NOTE_CHARS:,} characters.</p>"
            ),
            self.notes_message,
        ]
        for topic in self.committee.topics:
            rows.append(w.HTML(f"<h2 class='mb-title'>Topic {escape(topic.key)}</h2>"))
            for index, prompt in enumerate(topic.prompts):
                box = w.Textarea(
                    placeholder="Your notes and where you found them…",
                    rows=4,
                    layout=w.Layout(width="97%"),
                )
                box.observe(self._changed, names="value")
                self.notes[f"{topic.key}.{index}"] = box
                rows += [
                    w.HTML(
                        f"<div class='mb-section-title'>{index + 1}. {escape(prompt)}</div>"
                        + prompt_facts_html(self.committee, self.country, topic.key, index)
                    ),
                    box,
                ]
        return w.VBox(rows)

    def _write_tab(self) -> w.VBox:
        rules = self.committee.rules
        rules_text = []
        if rules.max_pages:
            rules_text.append(f"at most {rules.max_pages} pages")
        if rules.max_words:
            rules_text.append(f"at most {rules.max_words} words")
        rows = [
            w.HTML(
                f"<p class='mb-guidance'>Write each section in plain text; *italics*, **bold**, "
                f"lists with '- ' and blank lines between paragraphs work. The paper: "
                f"{escape(', '.join(rules_text) or 'no length limit')}; works cited do not count. "
                f"Each section holds up to {limits.SECTION_WORDS:,} words and "
                f"{limits.SECTION_CHARS:,} characters, the whole paper up to "
                f"{limits.PAPER_WORDS:,} words and {limits.PAPER_CHARS:,} characters.</p>"
            ),
            self.total_count,
        ]
        for topic in self.committee.topics:
            count = w.HTML()
            self.topic_counts[topic.key] = count
            rows += [
                w.HTML(
                    f"<h2 class='mb-title'>Topic {escape(topic.key)}: {escape(topic.title)}</h2>"
                ),
                count,
            ]
            for section in rules.sections:
                key = section_key(topic.key, section.key)
                box = w.Textarea(placeholder=section.guidance, rows=8, layout=w.Layout(width="97%"))
                box.observe(self._changed, names="value")
                box.add_class(f"mb-section-{topic.key}-{section.key}")
                box.add_class("mb-writing")
                self.sections[key] = box
                self.section_counts[key] = w.HTML()
                rows += [
                    w.HTML(
                        f"<div class='mb-section-title'>{escape(section.title)}</div>"
                        f"<div class='mb-guidance'>{escape(section.guidance)}</div>"
                    ),
                    box,
                    self.section_counts[key],
                ]
        if rules.ai_disclosure:
            rows += [
                w.HTML(
                    "<h2 class='mb-title'>AI-use disclosure</h2>"
                    "<p class='mb-guidance'>This committee asks every paper to say whether "
                    f"and how AI tools were used (up to {limits.DISCLOSURE_CHARS:,} characters).</p>"
                ),
                self.disclosure,
                self.disclosure_count,
            ]
        return w.VBox(rows)

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

    # ---- autosave ---------------------------------------------------------------

    def _changed(self, change: dict | None = None) -> None:
        if self._loading:
            return
        self._update_counts()
        if self.session.conflict:
            return  # the delegate decides first (banner)
        self.status.value = "<span class='mb-status mb-warn'>Saving…</span>"
        if self._pending is None:
            try:
                loop = asyncio.get_event_loop()
                self._pending = loop.call_later(SAVE_DELAY, self._autosave)
            except RuntimeError:
                self.save_now()  # no event loop (a script): save at once

    def _flush(self) -> None:
        """Save pending typing now (before a preview or a submission)."""
        if self._pending is not None:
            self.save_now()

    def _autosave(self) -> None:
        self._pending = None
        self.save_now()

    @shows_errors("status")
    def save_now(self, overwrite: bool = False) -> bool:
        """Save the page's content as a new version (the autosave calls this)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        try:
            content = self.content()
            limits.enforce(content, self.titles)  # the session checks too, without the titles
            saved = self.session.save(content, overwrite=overwrite)
        except LimitExceeded as exc:  # nothing saved; every word stays in its box
            self.refused = exc.problems
            self._show_status()
            return False
        self.refused = []
        if not saved:
            self._show_conflict()
        else:
            self.banner.children = []
            self._show_submission()  # the draft may now differ from what was submitted
        self._show_status()
        return saved

    def show_submission(self) -> None:
        """Read the latest submission from the store again (after submitting) and show it."""
        self._submitted = latest_submission(self.store, self.delegation.id)
        self._show_submission()

    def _show_submission(self) -> None:
        """The header's status line, the Paper tab's receipt and History's mark agree."""
        sub = self._submitted
        change = draft_change(self.store, self.delegation.id, sub) if sub else None
        self.submission.value = (
            f"<div class='mb-header-status'>{status_html(sub, change, self.committee)}</div>"
        )
        self.paper_panel.show_status(
            status_html(sub, None, self.committee, live=False),
            sub.sha256 if sub else "",
            changed=bool(change),
        )
        self.history_panel.submitted_version = sub.version if sub else None

    def _show_status(self) -> None:
        if self.refused:
            more = len(self.refused) - 1
            self.status.value = (
                "<span class='mb-status mb-refused mb-bad'>"
                f"Not saved: {escape(self.refused[0].message)}"
                + (f" (and {more} more, marked below)" if more else "")
                + "</span>"
            )
        elif self.session.conflict:
            self.status.value = "<span class='mb-status mb-bad'>Not saved: see below.</span>"
        elif self.session.saved_at:
            saved = self.session.saved_at.astimezone(ZoneInfo(self.committee.rules.timezone))
            self.status.value = (
                f"<span class='mb-status'>All changes saved · version {self.session.version} · "
                f"{saved:%a %d %b, %H:%M:%S} ({escape(self.committee.rules.timezone)})</span>"
            )
        else:
            self.status.value = "<span class='mb-status mb-quiet'>Nothing written yet.</span>"

    def _show_conflict(self) -> None:
        fit = w.Layout(width="auto")  # the labels in full, on a phone too
        load = w.Button(description="Load the newer version", layout=fit)
        load.add_class("mb-warn-button")
        keep = w.Button(description="Keep mine and save it", layout=fit)
        load.on_click(lambda _: self.reload())
        keep.on_click(lambda _: self.save_now(overwrite=True))
        self.banner.children = [
            w.HTML(
                f"<div class='mb-conflict'><b>This workbook was changed in another tab or on another "
                f"device</b> (now version {self.session.conflict}). What you typed here since is "
                f"<b>not saved</b>. Load the newer version, or keep yours and save it over the other.</div>"
            ),
            w.HBox([load, keep], layout=w.Layout(flex_flow="row wrap")),
        ]

    @shows_errors("status")
    def reload(self) -> None:
        """Show the latest saved version (from this or any other tab)."""
        self.set_content(self.session.load())
        self.banner.children = []
        self._show_status()
        self._show_submission()

    @shows_errors("status")
    def restore(self, version: int) -> bool:
        """Show an earlier version and save it as the newest one."""
        self.set_content(self.session.load(version))
        return self.save_now()

    # ---- counts -----------------------------------------------------------------

    def _update_counts(self) -> None:
        content = self.content()
        problems = {p.field: p.message for p in limits.check_draft(content, self.titles)}
        words: dict[str, int | None] = {}
        for key, box in self.sections.items():
            # Far past the character limit words are not counted (the text is refused anyway,
            # and counting megabytes on every keystroke would stall the page).
            fits = len(box.value) <= 5 * limits.SECTION_CHARS
            words[key] = count_words(box.value) if fits else None
            self.section_counts[key].value = _section_html(
                box.value, words[key], problems.get(key, "")
            )
        total = 0
        for topic in self.committee.topics:
            topic_total = sum(
                words.get(section_key(topic.key, s.key)) or 0 for s in self.committee.rules.sections
            )
            total += topic_total
            self.topic_counts[topic.key].value = _count_html(
                topic_total, topic.rules.max_words, "words in this topic"
            )
        self.total_count.value = _count_html(
            total, self.committee.rules.max_words, "words in the paper", problems.get("paper", "")
        )
        self.disclosure_count.value = (
            f"<div class='mb-count'>{len(self.disclosure.value):,} / "
            f"{limits.DISCLOSURE_CHARS:,} characters</div>"
            + _problem_html(problems.get("disclosure", ""))
        )
        self.notes_message.value = "".join(
            _problem_html(m) for f, m in problems.items() if f.startswith("notes.")
        )
        self.sources_panel.show_problems(
            [m for f, m in problems.items() if f.startswith("sources")]
        )

    # ---- sources ----------------------------------------------------------------

    def add_source(self, source: dict[str, str]) -> bool:
        """Add a source from the country profile to the draft (once) and save it."""
        added = self.sources_panel.add_source(source)  # its change autosaves the draft
        self.profile.refresh()
        return added


def open_workbook(
    store: Store, committee: str, country: str, delegation_id: int
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
    committee: str, country: str, delegation_id: int = 0, store: Store | None = None
) -> w.Widget:
    """The delegate's page behind their access code; a notebook shows it as its output."""
    try:
        store = store or Store()
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
        scope=f"delegate:{delegation.id}",
        store=store,
    )
    return gate
