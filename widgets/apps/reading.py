"""The read-only parts of a workbook: header, committee, topics, country profile.

Everything from a committee file or the store is escaped before it reaches
the page, so no text can run as markup or script.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any

import ipywidgets as w

from ..core import committees, facts
from ..core.citations import works_cited
from ..core.committees import Committee
from ..core.countries import Country
from ..core.times import now
from ..core.zones import ReaderZone


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
    zone: ReaderZone | None = None,
) -> str:
    """Committee, country, who, and the deadline in the reader's zone and the committee's."""
    deadline = deadline or committee.rules.deadline_utc
    who = " · ".join(escape(x) for x in (delegate, school) if x)
    zone = zone or ReaderZone(committee.rules.timezone)
    note = f"<div class='mb-muted mb-zone'>{escape(zone.note())}</div>" if zone.note() else ""
    return (
        f"<div class='mb-card mb-header'><div class='mb-muted'>{escape(committee.acronym)} · "
        f"{escape(committee.name)} · position paper</div><h1>{escape(country.name)}</h1>"
        f"<div class='mb-muted'>{who}</div>"
        f"<div class='mb-deadline'><span class='mb-pill'>Deadline {escape(zone.deadline(deadline))}"
        f" · {escape(time_left(deadline))}</span></div>{note}</div>"
    )


def _escaped_value(fact: facts.Fact) -> str:
    """The fact's value as HTML, "unknown" marked so it stands out."""
    return escape(fact.value).replace(
        facts.UNKNOWN, f"<span class='mb-unknown'>{facts.UNKNOWN}</span>"
    )


def _value_html(fact: facts.Fact) -> str:
    value = _escaped_value(fact)
    note = f"<div class='mb-note'>{escape(fact.note)}</div>" if fact.note else ""
    return f"<span>{value}</span>{note}"


def facts_table_html(rows: list[facts.Fact], numbers: dict[facts.Source, int]) -> str:
    """Label, value (and note), and the source's number with its date."""
    body = "".join(
        f"<tr><th>{escape(f.label)}</th><td>{_value_html(f)}</td>"
        f"<td class='mb-ref'>[{numbers[f.source]}] {escape(f.source.as_of)}</td></tr>"
        for f in rows
    )
    return f"<table class='mb-facts'>{body}</table>"


def membership_pills(profile: facts.Profile) -> str:
    names = [f.value for f in profile.facts if f.label in ("Member of", "Takes part in")]
    return "".join(f"<span class='mb-pill mb-membership'>{escape(n)}</span>" for n in names)


def country_card_html(profile: facts.Profile, committee: Committee) -> str:
    """The citable card: basics, memberships, the committee's instruments; numbered sources."""
    country, numbers = profile.country, {s: i + 1 for i, s in enumerate(profile.sources)}
    local = (
        f" <span class='mb-muted'>({escape(profile.name)})</span>"
        if profile.name != country.name
        else ""
    )
    basics = [
        f for f in profile.facts if f.label not in ("Member of", "Not a member of", "Takes part in")
    ]
    blocs = [f for f in profile.facts if f not in basics]
    parts = [
        f"<div class='mb-card mb-box mb-profile'><h2>{escape(country.name)}{local}</h2>",
        f"<div class='mb-muted'>{escape(country.official_name)} · ISO {escape(country.alpha3)}</div>",
        f"<div class='mb-pills'>{membership_pills(profile)}</div>",
        "<p class='mb-muted'>Each fact names its source [n] and the date it was checked. "
        "Open the source before you cite it: memberships and treaties change.</p>",
        facts_table_html(basics, numbers),
        f"<h2>Memberships</h2>{facts_table_html(blocs, numbers)}",
    ]
    if profile.instruments:
        parts.append(
            f"<h2>{escape(committee.acronym)}: where {escape(country.name)} stands</h2>"
            "<p class='mb-muted'><i>unknown</i> means nobody checked it for this workbook: "
            "find out from the source.</p>"
            f"{facts_table_html(profile.instruments, numbers)}"
        )
    return "".join(parts) + "</div>"


class CountryProfile(w.VBox):
    """The country card and its sources, each with one click to add it to the delegate's Sources.

    Built when first shown (``show``): Babel and the citation styles cost about
    0.6 s and 13 MB, which a delegate who never opens the profile does not pay.
    """

    def __init__(
        self,
        committee: Committee,
        country: Country,
        on_add: Callable[[dict[str, str]], bool] | None = None,
        is_added: Callable[[dict[str, str]], bool] | None = None,
        today: Callable[[], str] | None = None,
    ):
        self.committee, self.country = committee, country
        zone = ReaderZone(committee.rules.timezone)
        self._today = today or (lambda: zone.bare(now(), "%Y-%m-%d"))  # the access date
        self._on_add, self._is_added = on_add, is_added or (lambda _: False)
        self.profile: facts.Profile | None = None
        self.buttons: list[w.Button] = []
        super().__init__([w.HTML("<p class='mb-muted'>Loading the country profile…</p>")])
        self.add_class("mb-profile-page")

    def show(self) -> None:
        """Build the card and the source list (once)."""
        if self.profile is not None:
            return
        self.profile = facts.profile(self.country, self.committee.language, self.committee)
        style = self.committee.rules.citation_style
        rows = []
        for number, source in enumerate(self.profile.sources, start=1):
            entry = (
                works_cited([source.citation(self._today())], style) or [escape(source.title)]
            )[0]
            button = w.Button(
                description="Add to sources", icon="plus", layout=w.Layout(width="11em")
            )
            button.add_class("mb-add-source")
            button.on_click(lambda _, s=source: self.add(s))
            self.buttons.append(button)
            via = (
                f" <span class='mb-note'>(data via {escape(source.via)})</span>"
                if source.via
                else ""
            )
            text = w.HTML(
                f"<div class='mb-card mb-source'>[{number}] {entry}{via}</div>",
                layout=w.Layout(width="44em"),
            )
            row = w.HBox([text, button] if self._on_add else [text])
            row.add_class("mb-source-row")  # on a phone: the button below the source
            rows.append(row)
        heading = w.HTML(
            f"<div class='mb-card'><h2>Sources ({escape(style.upper())})</h2>"
            "<p class='mb-muted'>One click adds a source to your Sources tab, formatted for "
            "your works cited.</p></div>"
        )
        card = w.HTML(country_card_html(self.profile, self.committee))
        self.children = [card, heading, *rows]
        self.refresh()

    def add(self, source: facts.Source) -> bool:
        """Add ``source`` to the delegate's Sources (once); False if it was there already."""
        self.show()
        added = bool(self._on_add and self._on_add(source.citation(self._today())))
        self.refresh()
        return added

    def refresh(self) -> None:
        """Mark the sources the delegate's list already holds."""
        for button, source in zip(
            self.buttons, self.profile.sources if self.profile else [], strict=True
        ):
            done = self._is_added(source.citation(self._today()))
            button.description = "In your sources" if done else "Add to sources"
            button.icon = "check" if done else "plus"
            button.disabled = done


def committee_html(committee: Committee) -> str:
    faculties = "".join(f"<li>{escape(f)}</li>" for f in committee.faculties)
    dais = ", ".join(escape(c) for c in committee.chairs)
    return (
        f"<div class='mb-card'>{_paragraphs(committee.background)}"
        f"<h2>What {escape(committee.acronym)} can do</h2><ul>{faculties}</ul>"
        f"<div class='mb-muted'>President: {escape(committee.president)}<br>Chairs: {dais}</div></div>"
    )


def fact_line_html(fact: facts.Fact) -> str:
    """One committee fact under the prompt it answers: value, source and date."""
    value = _escaped_value(fact)
    return (
        f"<div class='mb-fact-row'>▸ <b>{escape(fact.label)}</b>: {value} "
        f"<span class='mb-note'>({escape(fact.source.publisher)}, as of "
        f"{escape(fact.source.as_of)})</span></div>"
    )


def prompt_facts_html(committee: Committee, country: Country | None, topic: str, index: int) -> str:
    """The delegate's own rows of the fact tables that answer this prompt ("" if none)."""
    if country is None:
        return ""
    rows = committee.facts_for_prompt(topic, index, country.alpha3)
    return "".join(fact_line_html(facts.table_fact(t, r)) for t, r in rows)


def topic_html(
    topic: committees.Topic, committee: Committee | None = None, country: Country | None = None
) -> str:
    prompts = "".join(
        f"<li>{escape(p)}"
        f"{prompt_facts_html(committee, country, topic.key, i) if committee else ''}</li>"
        for i, p in enumerate(topic.prompts)
    )
    return (
        f"<div class='mb-card'><h2>Topic {escape(topic.key)}: {escape(topic.title)}</h2>"
        f"{_paragraphs(topic.background)}<div class='mb-box'><b>Research prompts</b>"
        f"<ol>{prompts}</ol></div></div>"
    )


def reading_pages(
    committee: Committee,
    country: Country,
    on_add: Callable[[dict[str, str]], bool] | None = None,
    is_added: Callable[[dict[str, str]], bool] | None = None,
    today: Callable[[], str] | None = None,
) -> w.Tab:
    """Tabs with the committee, each topic and the country profile (read-only).

    ``on_add`` adds a profile source to the delegate's Sources; ``is_added`` says
    whether they hold it already (the workbook passes its Sources panel's); ``today``
    is the access date of a source added now, in the reader's zone.
    """
    children: list[w.Widget] = [w.HTML(committee_html(committee))]
    titles = ["Committee"]
    for topic in committee.topics:
        children.append(w.HTML(topic_html(topic, committee, country)))
        titles.append(f"Topic {topic.key}")
    profile = CountryProfile(committee, country, on_add, is_added, today)
    children.append(profile)
    titles.append(country.name)
    tabs = w.Tab(children=children)
    tabs.titles = tuple(titles)
    last = len(children) - 1

    def shown(change: dict[str, Any]) -> None:
        if change["new"] == last:
            profile.show()

    tabs.observe(shown, names="selected_index")
    return tabs
