"""A delegation's submission status, in the words every page uses.

"Submitted version 12 at Fri 26 Feb 2027, 18:02 (America/Mexico_City), on time",
or "Not submitted"; and, when the latest draft differs from the submitted
paper, what changed (which sections, how many words). Read from the store, so
a reload shows the same. No pandas: the delegate's kernel imports this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..core import committees, times
from ..core import review_status as rs
from ..core.committees import Committee
from ..core.review_status import Standing
from ..core.words import normalized, paper_words, section_key
from ..core.zones import ReaderZone
from .papers import latest_paper

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

WORKS_CITED = "the works cited"
DISCLOSURE = "the AI-use disclosure"


@dataclass(frozen=True)
class Submitted:
    """The latest submission, as the delegate and staff read it."""

    version: int | None  # the draft version submitted (None: a PDF the chair ingested)
    submitted_at: datetime
    seconds_late: int
    pages: int | None
    words: int | None
    sha256: str
    sections: dict[str, str]  # label -> markdown of the submitted paper (empty if ingested)


@dataclass(frozen=True)
class Change:
    """How the latest draft differs from the submitted paper."""

    version: int  # the latest draft's version
    words: int  # its words
    submitted_words: int
    sections: tuple[str, ...]  # labels of what changed, in paper order

    def words_text(self) -> str:
        diff = self.words - self.submitted_words
        if diff == 0:
            return f"the same number of words ({self.words})"
        more = "more" if diff > 0 else "fewer"
        unit = "word" if abs(diff) == 1 else "words"
        return f"{abs(diff)} {more} {unit} ({self.words} now, {self.submitted_words} submitted)"


def _label(info: dict[str, Any]) -> str:
    if "topic" in info:
        return f"Topic {info['topic']} · {info.get('title', info.get('section', ''))}"
    return {"disclosure": DISCLOSURE, "works_cited": WORKS_CITED}.get(info.get("role", ""), "")


def paper_sections(nb: Any) -> dict[str, str]:
    """Label -> text of each markdown cell of a paper notebook (a dict or a NotebookNode)."""
    out = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            info = cell.get("metadata", {}).get("munbook", {})
            text = cell["source"]
            out[_label(info)] = text if isinstance(text, str) else "".join(text)
    return out


def latest_submission(store: StoreContract, delegation_id: int) -> Submitted | None:
    """The delegation's latest submission, or None."""
    rows = store.submissions(delegation_id)
    if not rows:
        return None
    row = rows[-1]
    version, sections = None, {}
    if row.get("notebook"):
        nb = json.loads(row["notebook"])
        version = nb.get("metadata", {}).get("munbook", {}).get("draft_version")
        sections = paper_sections(nb)
    return Submitted(
        version=version,
        submitted_at=row["submitted_at"],
        seconds_late=row["seconds_late"] or 0,
        pages=row["pages"],
        words=row["words"],
        sha256=row["sha256"],
        sections=sections,
    )


def content_changes(before: dict, after: dict, committee: Committee) -> tuple[str, ...]:
    """Labels of what differs between two drafts' contents, in paper order (no rendering)."""
    before, after = normalized(before), normalized(after)
    changed = [
        f"Topic {t.key} · {s.title}"
        for t in committee.topics
        for s in committee.rules.sections
        if before["sections"].get(section_key(t.key, s.key), "").strip()
        != after["sections"].get(section_key(t.key, s.key), "").strip()
    ]
    if before.get("disclosure", "").strip() != after.get("disclosure", "").strip():
        changed.append(DISCLOSURE)
    if before.get("sources", []) != after.get("sources", []):
        changed.append(WORKS_CITED)
    return tuple(changed)


def draft_change(store: StoreContract, delegation_id: int, submitted: Submitted) -> Change | None:
    """What changed in the latest draft since ``submitted``; None when nothing did.

    Compares the drafts' contents (cheap: the autosave calls this); only when the
    submitted version was thinned away are the paper notebooks compared.
    """
    draft = store.latest_draft(delegation_id)
    if draft is None or not submitted.sections or draft.version == submitted.version:
        return None
    base = store.draft(delegation_id, submitted.version) if submitted.version else None
    if base is not None:
        committee = committees.load(store.delegation(delegation_id).committee)
        changed = content_changes(base.content, draft.content, committee)
    else:
        now = paper_sections(latest_paper(store, delegation_id))
        labels = list(now) + [k for k in submitted.sections if k not in now]
        changed = tuple(k for k in labels if now.get(k, "") != submitted.sections.get(k, ""))
    if not changed:
        return None  # saved again (or restored) with the same text
    return Change(draft.version, paper_words(draft.content), submitted.words or 0, changed)


def _late(seconds: int) -> str:
    if not seconds:
        return "on time"
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    span = " ".join(f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n)
    return f"late by {span or 'less than a minute'}"


def local_time(when: datetime, committee: Committee, zone: ReaderZone | None = None) -> str:
    """A time in the reader's zone when known, else the committee's, as every page prints it."""
    if zone is not None:
        return zone.at(when, "%a %d %b %Y, %H:%M")
    local = when.astimezone(ZoneInfo(committee.rules.timezone))
    return f"{local:%a %d %b %Y, %H:%M} ({committee.rules.timezone})"


def status_text(
    submitted: Submitted | None, committee: Committee, zone: ReaderZone | None = None
) -> str:
    """'Submitted version N at <time in the committee's zone> (on time | late ...)'."""
    if submitted is None:
        return "Not submitted"
    what = f"version {submitted.version}" if submitted.version else "a PDF (received by the chair)"
    return (
        f"Submitted {what} at {local_time(submitted.submitted_at, committee, zone)} "
        f"({_late(submitted.seconds_late)})"
    )


def change_text(change: Change) -> str:
    """'Your draft has changed since you submitted: ...' in plain words."""
    shown = ", ".join(change.sections[:4]) + (
        f" and {len(change.sections) - 4} more" if len(change.sections) > 4 else ""
    )
    return (
        f"Your draft has changed since you submitted (now version {change.version}): "
        f"{change.words_text()}; changed: {shown}. Submit again if the chair should read it."
    )


def status_html(
    submitted: Submitted | None,
    change: Change | None,
    committee: Committee,
    live: bool = True,
    zone: ReaderZone | None = None,
) -> str:
    """The status line of the delegate's header (``live``: read out when it changes), escaped."""
    css = "mb-sub-none" if submitted is None else "mb-sub-late" if submitted.seconds_late else ""
    role = " role='status'" if live else ""
    html = f"<div class='mb-submission {css}'{role}><b>{escape(status_text(submitted, committee, zone))}</b>"
    if submitted and submitted.pages is not None:
        html += f" · {submitted.pages} page{'s' * (submitted.pages != 1)}, {submitted.words} words"
    html += "</div>"
    if change:
        html += f"<div class='mb-changed'>{escape(change_text(change))}</div>"
    return html


def review_text(standing: Standing, committee: Committee, zone: ReaderZone | None = None) -> str:
    """What the chair's latest status means for the delegate, in words; "" before any.

    "changes requested" says until when they may resubmit (or that revisions closed).
    """
    mark = standing.mark
    if mark is None:
        return ""
    by = f"{mark.set_by_name or 'your chair'}, {local_time(mark.set_at, committee, zone)}"
    note = f" Their note: “{mark.note}”" if mark.note.strip() else ""
    until = committee.rules.revisions_until
    if standing.status == rs.CHANGES:
        if until is not None and rs.revisions_open(committee, times.now()):
            when = local_time(until, committee, zone)
            return (
                f"Changes requested by {by}.{note} Revise your paper and submit it again "
                f"(Paper & submit) by {when}. A requested revision keeps the on-time or late "
                "mark of the paper your chair read."
            )
        closed = (
            f"Revisions closed on {local_time(until, committee, zone)}."
            if until
            else "The committee takes no revisions now."
        )
        return f"Changes requested by {by}.{note} {closed}"
    if standing.status == rs.REVISED:
        return (
            f"Revised: you submitted again after changes were requested by {by}; "
            "the chair will read it."
        )
    if standing.status == rs.ACCEPTED_TEXT:
        return f"Accepted by {by}.{note}"
    return ""  # a paper submitted after an accepted one: the plain status says it


def review_html(standing: Standing, committee: Committee, zone: ReaderZone | None = None) -> str:
    """``review_text`` as the header's line (escaped), or ""."""
    text = review_text(standing, committee, zone)
    if not text:
        return ""
    css = {rs.CHANGES: "mb-revise", rs.ACCEPTED_TEXT: "mb-accepted"}.get(standing.status, "")
    lead = next((w for w in ("Changes requested", "Revised", "Accepted") if text.startswith(w)), "")
    said = f"<b>{lead}</b>{escape(text[len(lead) :])}"
    return f"<div class='mb-review-status {css}' role='status'>{said}</div>"
