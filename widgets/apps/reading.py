"""The read-only parts of a workbook: header, committee, topics, country profile.

Everything from a committee file or the store is escaped before it reaches
the page, so no text can run as markup or script.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core import committees
from ..core.committees import Committee
from ..core.countries import Country

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
