"""The delegate's workbook page: what every generated workbook shows.

Everything a delegate or committee file wrote is escaped before it reaches
the page, so no text can run as markup or script.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as w

from . import committees, countries, settings
from .citations import FIELDS, works_cited
from .committees import Committee
from .countries import Country
from .drafts import DraftSession, count_words, section_key, topic_words
from .exceptions import MunbookError, StoreError
from .gate import CodeGate
from .progress import deadline_for
from .store import Delegation, Store

STYLE = """
<style>
.mb-card{font-family:Georgia,'Times New Roman',serif;max-width:860px;line-height:1.5;color:#1d2733}
.mb-card h1{font-size:1.7em;margin:.2em 0}.mb-card h2{font-size:1.25em;margin:.6em 0 .2em}
.mb-muted{color:#5b6775;font-size:.92em}.mb-pill{display:inline-block;background:#e8eef5;
border-radius:10px;padding:0 .6em;margin:0 .3em .3em 0;font-size:.85em}
.mb-box{border:1px solid #d5dde6;border-radius:8px;padding:.8em 1.1em;margin:.6em 0;background:#fbfcfe}
.mb-card ol li{margin:.25em 0}
.mb-header{background:#f3f6fa;border-radius:10px;padding:.7em 1.2em;margin-bottom:.4em}
</style>
"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    """'12 days 3 hours left', or 'deadline passed 2 hours ago'."""
    seconds = int((deadline - (now or datetime.now(UTC))).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} day{'s' * (days != 1)}"] if days else []
    if hours or days:
        parts.append(f"{hours} hour{'s' * (hours != 1)}")
    if not days:
        parts.append(f"{minutes} minute{'s' * (minutes != 1)}")
    span = " ".join(parts)
    return f"{span} left" if seconds >= 0 else f"deadline passed {span} ago"


def header_html(
    committee: Committee,
    country: Country,
    delegate: str = "",
    school: str = "",
    deadline: datetime | None = None,
) -> str:
    deadline = deadline or committee.rules.deadline_utc
    who = " · ".join(escape(x) for x in (delegate, school) if x)
    local = deadline.astimezone(ZoneInfo(committee.rules.timezone))
    return (
        f"{STYLE}<div class='mb-card mb-header'><div class='mb-muted'>{escape(committee.acronym)} · "
        f"{escape(committee.name)} · position paper</div><h1>{escape(country.name)}</h1>"
        f"<div class='mb-muted'>{who}</div>"
        f"<div style='margin-top:.3em'><span class='mb-pill'>Deadline {local:%a %d %b %Y, %H:%M} "
        f"({escape(committee.rules.timezone)}) · {escape(time_left(deadline))}</span></div></div>"
    )


def country_card_html(country: Country) -> str:
    pills = "".join(f"<span class='mb-pill'>{escape(m)}</span>" for m in country.membership_names)
    return (
        f"{STYLE}<div class='mb-card mb-box'><h2>{escape(country.official_name)}</h2>"
        f"<div class='mb-muted'>{escape(country.region)} · {escape(country.subregion)} · "
        f"ISO {escape(country.alpha3)}</div><div style='margin-top:.4em'>{pills}</div></div>"
    )


def committee_html(committee: Committee) -> str:
    faculties = "".join(f"<li>{escape(f)}</li>" for f in committee.faculties)
    dais = ", ".join(escape(c) for c in committee.chairs)
    return (
        f"{STYLE}<div class='mb-card'>{_paragraphs(committee.background)}"
        f"<h2>What {escape(committee.acronym)} can do</h2><ul>{faculties}</ul>"
        f"<div class='mb-muted'>President: {escape(committee.president)}<br>Chairs: {dais}</div></div>"
    )


def topic_html(topic: committees.Topic) -> str:
    prompts = "".join(f"<li>{escape(p)}</li>" for p in topic.prompts)
    return (
        f"{STYLE}<div class='mb-card'><h2>Topic {escape(topic.key)}: {escape(topic.title)}</h2>"
        f"{_paragraphs(topic.background)}<div class='mb-box'><b>Research prompts</b>"
        f"<ol>{prompts}</ol></div></div>"
    )


def reading_pages(committee: Committee, country: Country) -> w.Tab:
    """Tabs with the committee, each topic and the country profile (read-only)."""
    children = [w.HTML(committee_html(committee))]
    titles = ["Committee"]
    for topic in committee.topics:
        children.append(w.HTML(topic_html(topic)))
        titles.append(f"Topic {topic.key}")
    children.append(w.HTML(country_card_html(country)))
    titles.append(country.name)
    tabs = w.Tab(children=children)
    tabs.titles = tuple(titles)
    return tabs


SAVE_DELAY = 1.0  # seconds after a change; keeps every keystroke saved within 2 s
FIELD_LABELS = {
    "author": "Author(s)",
    "title": "Title",
    "publisher": "Publisher or site",
    "date": "Published",
    "url": "URL",
    "accessed": "Accessed",
}
FIELD_HINTS = {
    "author": "Family, Given; or an organisation",
    "date": "YYYY-MM-DD",
    "accessed": "YYYY-MM-DD",
    "url": "https://",
}
APP_STYLE = """<style>
.mb-app{max-width:900px}.mb-app textarea{box-sizing:border-box;font-family:Georgia,'Times New Roman',serif;font-size:15px;
line-height:1.45}.mb-count{color:#5b6775;font-size:12px;text-align:right}
.mb-over{color:#b42318;font-weight:600}.mb-status{font-size:13px;color:#1a7f37}
.mb-conflict{background:#fff4e5;border:1px solid #f0b35a;border-radius:8px;padding:.6em 1em}
.mb-section-title{font-family:Georgia,serif;font-weight:600;margin-top:.6em}
.mb-guidance{color:#5b6775;font-size:12px}
</style>"""


def checklist_html(violations: list) -> str:
    """The checklist: blocking problems first, then warnings; a tick when all is well."""
    if not violations:
        return "<div class='mb-status mb-checklist'>✓ The paper meets every rule of the committee.</div>"
    rows = "".join(
        f"<li class='{'mb-over' if v.blocking else ''}'>{'✗ must fix' if v.blocking else '! check'}: "
        f"{escape(v.message)}</li>"
        for v in sorted(violations, key=lambda v: not v.blocking)
    )
    return f"<div class='mb-checklist'><b>Checklist</b><ul>{rows}</ul></div>"


def _count_html(words: int, limit: int | None, unit: str = "words") -> str:
    text = f"{words} / {limit} {unit}" if limit else f"{words} {unit}"
    css = "mb-count mb-over" if limit and words > limit else "mb-count"
    return f"<div class='{css}'>{text}</div>"


class WorkbookApp(w.VBox):
    """The delegate's page once the code is accepted: read, research, write, cite."""

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
        self.status = w.HTML()
        self.banner = w.VBox()
        self.sections: dict[str, w.Textarea] = {}
        self.section_counts: dict[str, w.HTML] = {}
        self.topic_counts: dict[str, w.HTML] = {}
        self.total_count = w.HTML()
        self.notes: dict[str, w.Textarea] = {}
        self.sources: list[dict[str, str]] = []
        self.disclosure = w.Textarea(
            placeholder="Which AI tools did you use, and for what? Write 'None' if you used none.",
            layout=w.Layout(width="97%", height="6em"),
        )
        self.disclosure.observe(self._changed, names="value")
        tabs = w.Tab(
            children=[
                reading_pages(committee, country),
                self._research_tab(),
                self._write_tab(),
                self._sources_tab(),
                self._history_tab(),
                self._paper_tab(),
                self._feedback_tab(),
            ]
        )
        tabs.titles = (
            "Read",
            "Research",
            "Write",
            "Sources",
            "History",
            "Paper & submit",
            "Feedback",
        )
        # History and preview are computed when their tab is opened, not on every save.
        tabs.observe(self._tab_opened, names="selected_index")
        self.tabs = tabs
        header = w.HTML(
            header_html(
                committee,
                country,
                delegation.delegate,
                delegation.school,
                deadline_for(store, delegation),
            )
        )
        super().__init__([w.HTML(APP_STYLE), header, self.status, self.banner, tabs])
        self.add_class("mb-app")
        self.set_content(self.session.load())
        self._show_status()

    # ---- building the tabs ----------------------------------------------------

    def _research_tab(self) -> w.VBox:
        rows = [
            w.HTML(
                "<p class='mb-guidance'>Private notes: only you see them; they are not part of the paper.</p>"
            )
        ]
        for topic in self.committee.topics:
            rows.append(
                w.HTML(f"<h3 style='font-family:Georgia,serif'>Topic {escape(topic.key)}</h3>")
            )
            for index, prompt in enumerate(topic.prompts):
                box = w.Textarea(
                    placeholder="Your notes and where you found them…",
                    layout=w.Layout(width="97%", height="4.5em"),
                )
                box.observe(self._changed, names="value")
                self.notes[f"{topic.key}.{index}"] = box
                rows += [
                    w.HTML(f"<div class='mb-section-title'>{index + 1}. {escape(prompt)}</div>"),
                    box,
                ]
        return w.VBox(rows)

    def _write_tab(self) -> w.VBox:
        rules = self.committee.rules
        limits = []
        if rules.max_pages:
            limits.append(f"at most {rules.max_pages} pages")
        if rules.max_words:
            limits.append(f"at most {rules.max_words} words")
        rows = [
            w.HTML(
                f"<p class='mb-guidance'>Write each section in plain text; *italics*, **bold**, "
                f"lists with '- ' and blank lines between paragraphs work. The paper: "
                f"{escape(', '.join(limits) or 'no length limit')}; works cited do not count.</p>"
            ),
            self.total_count,
        ]
        for topic in self.committee.topics:
            count = w.HTML()
            self.topic_counts[topic.key] = count
            rows += [
                w.HTML(
                    f"<h3 style='font-family:Georgia,serif'>Topic {escape(topic.key)}: "
                    f"{escape(topic.title)}</h3>"
                ),
                count,
            ]
            for section in rules.sections:
                key = section_key(topic.key, section.key)
                box = w.Textarea(
                    placeholder=section.guidance, layout=w.Layout(width="97%", height="9em")
                )
                box.observe(self._changed, names="value")
                box.add_class(f"mb-section-{topic.key}-{section.key}")
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
                    "<h3 style='font-family:Georgia,serif'>AI-use disclosure</h3>"
                    "<p class='mb-guidance'>This committee asks every paper to say whether "
                    "and how AI tools were used.</p>"
                ),
                self.disclosure,
            ]
        return w.VBox(rows)

    def _sources_tab(self) -> w.VBox:
        self.source_list = w.Select(options=[], rows=6, layout=w.Layout(width="97%"))
        self.source_list.observe(self._pick_source, names="value")
        self.source_fields = {
            name: w.Text(
                description=FIELD_LABELS[name],
                placeholder=FIELD_HINTS.get(name, ""),
                layout=w.Layout(width="97%"),
                style={"description_width": "9em"},
            )
            for name in FIELDS
        }
        add = w.Button(description="Add source", button_style="primary")
        update = w.Button(description="Save changes")
        remove = w.Button(description="Remove", button_style="danger")
        add.on_click(lambda _: self.add_source(self._form()))
        update.on_click(lambda _: self.update_source(self.source_list.value, self._form()))
        remove.on_click(lambda _: self.remove_source(self.source_list.value))
        self.source_message = w.HTML()
        self.cited = w.HTML()
        style = self.committee.rules.citation_style.upper()
        return w.VBox(
            [
                w.HTML(
                    f"<p class='mb-guidance'>Works cited are formatted in {style} style and do not count "
                    f"toward the length limit. This committee expects at least "
                    f"{self.committee.rules.min_sources} sources.</p>"
                ),
                self.source_list,
                *self.source_fields.values(),
                w.HBox([add, update, remove]),
                self.source_message,
                self.cited,
            ]
        )

    def _history_tab(self) -> w.VBox:
        self.history = w.Dropdown(options=[], layout=w.Layout(width="30em"))
        restore = w.Button(description="Restore this version")
        refresh = w.Button(description="Refresh list", icon="refresh")
        restore.on_click(lambda _: self.restore(self.history.value))
        refresh.on_click(lambda _: self._fill_history())
        self.history_message = w.HTML()
        return w.VBox(
            [
                w.HTML(
                    "<p class='mb-guidance'>Every save is kept as a version (older ones are thinned "
                    "to one per hour). Restoring saves the old text as a new version: nothing is lost.</p>"
                ),
                w.HBox([self.history, restore, refresh]),
                self.history_message,
            ]
        )

    def _paper_tab(self) -> w.VBox:
        self.checklist = w.HTML()
        self.pages_label = w.HTML()
        self.preview = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.download = w.HTML()
        refresh = w.Button(description="Refresh preview", icon="refresh")
        refresh.on_click(lambda _: self.refresh_preview())
        self.submit_button = w.Button(description="Submit my paper", button_style="success")
        self.submit_button.on_click(lambda _: self.submit())
        self.receipt = w.HTML()
        return w.VBox(
            [
                w.HTML(
                    "<p class='mb-guidance'>The PDF your chair will read. Fix what the checklist flags, "
                    "then submit. You may resubmit until the deadline; later submissions are marked late.</p>"
                ),
                self.checklist,
                w.HBox([refresh, self.submit_button]),
                self.receipt,
                self.pages_label,
                self.download,
                self.preview,
            ]
        )

    def _tab_opened(self, change: dict) -> None:
        if change["new"] == 4:
            self._fill_history()
        elif change["new"] == 5:
            self.refresh_preview()
        elif change["new"] == 6:
            self.show_feedback()

    def _feedback_tab(self) -> w.VBox:
        self.feedback = w.HTML()
        return w.VBox([self.feedback])

    def show_feedback(self) -> bool:
        """The chairs' scores and comments, only once the committee released them."""
        from . import review

        if not review.feedback_released(self.store, self.committee.key):
            self.feedback.value = (
                "<p class='mb-guidance'>Your chairs' feedback will appear here once they "
                "release it.</p>"
            )
            return False
        grade = next(
            (
                g
                for g in review.grades(self.store, self.committee.key)
                if g.delegation_id == self.delegation.id
            ),
            None,
        )
        if grade is None or grade.total is None:
            self.feedback.value = "<p class='mb-guidance'>Your paper has not been scored.</p>"
            return False
        rows = "".join(
            f"<tr><td>{escape(c.name)}</td><td>{c.weight:g} %</td>"
            f"<td>{grade.categories.get(c.name, 0):g} / {c.max_points}</td></tr>"
            for c in self.committee.rubric
        )
        comments = "".join(f"<blockquote>{escape(text)}</blockquote>" for _, text in grade.comments)
        pdf = base64.b64encode(review.feedback_pdf(self.store, self.delegation.id)).decode()
        self.feedback.value = (
            f"<div class='mb-card mb-feedback'><h2>Feedback</h2><table><tr><th>Category</th><th>Weight</th>"
            f"<th>Score</th></tr>{rows}<tr><td><b>Total</b></td><td></td><td><b>{grade.total:g} / 100</b>"
            f"</td></tr></table>{comments}<a download='feedback.pdf' href='data:application/pdf;base64,{pdf}'>"
            f"Download the feedback (PDF)</a></div>"
        )
        return True

    def refresh_preview(self) -> None:
        """Render the latest saved draft: checklist, page images, page count, PDF link."""
        if self._pending is not None:
            self.save_now()
        from .checks import check
        from .export import PaperError, render
        from .paper import latest_paper

        nb = latest_paper(self.store, self.delegation.id)
        try:
            pdf = render(nb)
            images = render(nb, images=True, ppi=50).images
        except PaperError as exc:
            self.checklist.value = (
                f"<div class='mb-conflict'><b>Cannot make the PDF:</b> {escape(str(exc))}</div>"
            )
            self.preview.children, self.download.value, self.pages_label.value = [], "", ""
            return
        self.violations = check(nb, self.committee, pdf)
        self.checklist.value = checklist_html(self.violations)
        limit = self.committee.rules.max_pages
        allowed = f" of {limit} allowed" if limit else ""
        css = "mb-over" if limit and pdf.body_pages > limit else "mb-status"
        self.pages_label.value = (
            f"<div class='{css}'>{pdf.body_pages} page{'s' * (pdf.body_pages != 1)}{allowed}"
            f" (plus {pdf.pages - pdf.body_pages} for works cited)</div>"
        )
        name = f"{settings.slug(self.country.name)}-{self.committee.key}-position-paper.pdf"
        data = base64.b64encode(pdf.pdf).decode()
        self.download.value = (
            f"<a download='{name}' href='data:application/pdf;base64,{data}' class='mb-download'>"
            f"Download PDF</a>"
        )
        self.preview.children = [
            w.Image(
                value=png,
                format="png",
                layout=w.Layout(width="380px", margin="4px", border="1px solid #d5dde6"),
            )
            for png in images
        ]

    def submit(self):
        """Submit the latest saved draft; show the receipt or what blocks it."""
        from .submit import SubmissionBlocked, submit

        self.save_now()
        try:
            receipt = submit(self.store, self.delegation.id)
        except SubmissionBlocked as exc:
            items = "".join(f"<li>{escape(v.message)}</li>" for v in exc.violations)
            self.receipt.value = f"<div class='mb-conflict'><b>Not submitted.</b> Fix these first:<ul>{items}</ul></div>"
            return None
        except MunbookError as exc:
            self.receipt.value = (
                f"<div class='mb-conflict'><b>Not submitted:</b> {escape(str(exc))}</div>"
            )
            return None
        late = (
            f"<b class='mb-over'>late by {receipt.seconds_late // 60} minutes</b>"
            if receipt.seconds_late
            else "on time"
        )
        self.receipt.value = (
            f"<div class='mb-card mb-box mb-receipt'><b>Submitted</b> {receipt.submitted_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{late}. {receipt.pages} page{'s' * (receipt.pages != 1)}, {receipt.words} words.<br>Receipt (SHA-256 of your PDF): "
            f"<code>{receipt.sha256}</code></div>"
        )
        return receipt

    # ---- content in and out -----------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The draft as the page shows it now."""
        return {
            "sections": {k: box.value for k, box in self.sections.items()},
            "notes": {k: box.value for k, box in self.notes.items()},
            "sources": [dict(s) for s in self.sources],
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
            self.sources = [dict(s) for s in content.get("sources", [])]
            self.disclosure.value = content.get("disclosure", "")
        finally:
            self._loading = False
        self._refresh_sources()
        self._update_counts()
        self._fill_history()

    # ---- autosave ---------------------------------------------------------------

    def _changed(self, change: dict | None = None) -> None:
        if self._loading:
            return
        self._update_counts()
        if self.session.conflict:
            return  # the delegate decides first (banner)
        self.status.value = "<span class='mb-status' style='color:#8a6d00'>Saving…</span>"
        if self._pending is None:
            try:
                loop = asyncio.get_event_loop()
                self._pending = loop.call_later(SAVE_DELAY, self._autosave)
            except RuntimeError:
                self.save_now()  # no event loop (a script): save at once

    def _autosave(self) -> None:
        self._pending = None
        self.save_now()

    def save_now(self, overwrite: bool = False) -> bool:
        """Save the page's content as a new version (the autosave calls this)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        saved = self.session.save(self.content(), overwrite=overwrite)
        if not saved:
            self._show_conflict()
        else:
            self.banner.children = []
        self._show_status()
        return saved

    def _show_status(self) -> None:
        if self.session.conflict:
            self.status.value = (
                "<span class='mb-status' style='color:#b42318'>Not saved: see below.</span>"
            )
        elif self.session.saved_at:
            self.status.value = (
                f"<span class='mb-status'>All changes saved · version {self.session.version} · "
                f"{self.session.saved_at:%Y-%m-%d %H:%M:%S} UTC</span>"
            )
        else:
            self.status.value = (
                "<span class='mb-status' style='color:#5b6775'>Nothing written yet.</span>"
            )

    def _show_conflict(self) -> None:
        load = w.Button(description="Load the newer version", button_style="warning")
        keep = w.Button(description="Keep mine and save it")
        load.on_click(lambda _: self.reload())
        keep.on_click(lambda _: self.save_now(overwrite=True))
        self.banner.children = [
            w.HTML(
                f"<div class='mb-conflict'><b>This workbook was changed in another tab or on another "
                f"device</b> (now version {self.session.conflict}). What you typed here since is "
                f"<b>not saved</b>. Load the newer version, or keep yours and save it over the other.</div>"
            ),
            w.HBox([load, keep]),
        ]

    def reload(self) -> None:
        """Show the latest saved version (from this or any other tab)."""
        self.set_content(self.session.load())
        self.banner.children = []
        self._show_status()

    def restore(self, version: int | None) -> bool:
        if not version:
            return False
        old = self.session.load(version)
        self.set_content(old)
        saved = self.save_now()
        self.history_message.value = (
            f"Version {version} restored as version {self.session.version}." if saved else ""
        )
        self._fill_history()
        return saved

    def _fill_history(self) -> None:
        entries = self.store.draft_history(self.delegation.id)[:200]
        self.history.options = [
            (f"version {v} · {t:%Y-%m-%d %H:%M:%S} UTC · {n} words", v) for v, t, n in entries
        ]

    # ---- counts -----------------------------------------------------------------

    def _update_counts(self) -> None:
        content = self.content()
        for key, box in self.sections.items():
            self.section_counts[key].value = _count_html(count_words(box.value), None)
        total = 0
        for topic in self.committee.topics:
            words = topic_words(content, self.committee, topic.key)
            total += words
            self.topic_counts[topic.key].value = _count_html(
                words, topic.rules.max_words, "words in this topic"
            )
        self.total_count.value = _count_html(
            total, self.committee.rules.max_words, "words in the paper"
        )

    # ---- sources ----------------------------------------------------------------

    def _form(self) -> dict[str, str]:
        return {name: box.value.strip() for name, box in self.source_fields.items()}

    def _pick_source(self, change: dict) -> None:
        index = change["new"]
        if index is not None and 0 <= index < len(self.sources):
            for name, box in self.source_fields.items():
                box.value = self.sources[index].get(name, "")

    def add_source(self, source: dict[str, str]) -> bool:
        if not source.get("title"):
            self.source_message.value = (
                "<span class='mb-over'>A source needs at least a title.</span>"
            )
            return False
        self.sources.append(source)
        self._sources_changed("Source added.")
        for box in self.source_fields.values():
            box.value = ""
        return True

    def update_source(self, index: int | None, source: dict[str, str]) -> bool:
        if index is None or not source.get("title"):
            self.source_message.value = (
                "<span class='mb-over'>Pick a source and give it a title.</span>"
            )
            return False
        self.sources[index] = source
        self._sources_changed("Source saved.")
        return True

    def remove_source(self, index: int | None) -> bool:
        if index is None:
            return False
        del self.sources[index]
        self._sources_changed("Source removed.")
        return True

    def _sources_changed(self, message: str) -> None:
        self.source_message.value = f"<span class='mb-status'>{escape(message)}</span>"
        self._refresh_sources()
        self._changed()

    def _refresh_sources(self) -> None:
        self.source_list.layout.display = "" if self.sources else "none"
        self.source_list.options = [
            (
                f"{i + 1}. {s.get('title', '')[:80]}"
                + (f" — {s['author'][:40]}" if s.get("author") else ""),
                i,
            )
            for i, s in enumerate(self.sources)
        ]
        entries = works_cited(self.sources, self.committee.rules.citation_style)
        items = "".join(
            f"<p style='padding-left:2em;text-indent:-2em;margin:.3em 0'>{e}</p>" for e in entries
        )
        self.cited.value = (
            f"<div class='mb-card mb-box'><b>Works cited</b>{items}</div>" if entries else ""
        )


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
    store = store or Store()
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
