"""The History tab: writing sessions, a diff of any two versions or submissions, restore.

It opens on the latest version (never blank); restoring is the workbook's job
(``on_restore``), so restoring saves the old text as a new version. The
comparing part is ``history_compare.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from ..core.committees import Committee
from ..core.sessions import sessions
from ..core.zones import ReaderZone
from ..workflows.history import sent
from .history_compare import Compare, submission_option
from .html import shows_errors

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

SHOWN = 250  # versions listed: every one the store keeps (50 recent + at most 200 older)
PREVIEW_CHARS = 2_000  # per section in the preview; the restore brings back every character
KEPT = (
    "Every save is a version. The latest 50 are all kept; of older ones, the last of each "
    "writing session and one an hour are kept (up to 200). What you submitted is always "
    "kept with the submission."
)


def version_preview_html(content: dict, titles: dict[str, str]) -> str:
    """A version's sections as escaped text, section by section (empty ones said so)."""
    parts = []
    for key, title in titles.items():
        text = str(content.get("sections", {}).get(key, "")).strip()
        shown = escape(text[:PREVIEW_CHARS]) + ("…" if len(text) > PREVIEW_CHARS else "")
        body = shown or "<span class='mb-guidance'>(empty)</span>"
        parts.append(f"<div class='mb-section-title'>{escape(title)}</div><p>{body}</p>")
    sources = len(content.get("sources", []))
    parts.append(f"<p class='mb-guidance'>{sources} source{'s' * (sources != 1)}.</p>")
    return "".join(parts)


class HistoryPanel(w.VBox):
    """Sessions, the diff of two versions or submissions, and one version to read or restore."""

    def __init__(
        self,
        store: StoreContract,
        delegation_id: int,
        on_restore: Callable[[int], bool],
        committee: Committee,
        titles: dict[str, str],
    ):
        self.store, self.delegation_id, self._on_restore = store, delegation_id, on_restore
        self._zone, self.titles = ReaderZone(committee.rules.timezone), titles  # the page sets it
        self.submitted_version: int | None = None  # the workbook keeps this up to date
        self.compare = Compare(store, delegation_id, committee)
        self.history = w.Dropdown(  # its own row on a phone: the labels are long
            options=[],
            description="Version",
            style={"description_width": "auto"},
            layout=w.Layout(width="34em", max_width="100%"),
        )
        self.history.add_class("mb-history-list")
        self.history.observe(lambda change: self.show(change["new"]), names="value")
        restore = w.Button(description="Restore this version", layout=w.Layout(width="auto"))
        refresh = w.Button(
            description="Refresh list", icon="refresh", layout=w.Layout(width="auto")
        )
        restore.on_click(lambda _: self.restore(self.history.value))
        refresh.on_click(lambda _: self.fill())
        self.message, self.preview, self.zone_line = w.HTML(), w.HTML(), w.HTML()
        super().__init__(
            [
                w.HTML(f"<p class='mb-guidance'>{KEPT}</p>"),
                self.zone_line,
                self.compare,
                w.HTML(
                    "<h2 class='mb-section-title mb-h-small'>Read or restore a version</h2>"
                    "<p class='mb-guidance'>Restoring saves the old text as a new version: "
                    "nothing is lost.</p>"
                ),
                w.HBox([self.history, restore, refresh], layout=w.Layout(flex_flow="row wrap")),
                self.message,
                self.preview,
            ]
        )

    @property
    def zone(self) -> ReaderZone:
        return self._zone

    @zone.setter
    def zone(self, zone: ReaderZone) -> None:  # the page's: one zone for every time shown
        self._zone = self.compare.zone = zone

    def _label(self, version: int, saved_at, words: int, ends: set[int]) -> str:
        mark = " · submitted" if version == self.submitted_version else ""
        mark += " · end of a session" if version in ends else ""
        return f"version {version} · {self.zone.bare(saved_at)} · {words:,} words{mark}"

    def fill(self) -> None:
        """List sessions and versions; show the latest (or keep what was picked, if still listed)."""
        entries = self.store.draft_history(self.delegation_id)[:SHOWN]
        groups = sessions(entries)
        ends = {s.last for s in groups[1:]}  # the newest session may not have ended
        self.zone_line.value = (
            f"<p class='mb-guidance mb-zone'>Times: {escape(self.zone.label())}.</p>"
        )
        picked = self.history.value
        options = [(self._label(v, t, n, ends), v) for v, t, n in entries]
        self.history.options = options  # resets the value; set it again below
        versions = [v for _, v in options]
        value = picked if picked in versions else (versions[0] if versions else None)
        self.history.value = value
        self.show(value)
        subs = sent(self.store, self.delegation_id)
        both = [submission_option(s, self.zone) for s in reversed(subs)]
        both += [(label, f"v{v}") for label, v in options]
        self.compare.fill(groups, both, self._default(groups, subs))

    def _default(self, groups, subs) -> tuple[str, str]:
        """What to compare first: the last submission (or the session before) with the latest."""
        if not groups:
            return ("", "")
        latest = f"v{groups[0].last}"
        if subs and subs[-1].version != groups[0].last:
            return (f"s{subs[-1].id}", latest)
        if len(groups) > 1:
            return (f"v{groups[1].last}", latest)
        return (f"v{groups[0].first}", latest)

    def show(self, version: int | None) -> None:
        """The preview of ``version`` (what restoring it would bring back)."""
        if version is None:
            self.preview.value = "<p class='mb-guidance'>Nothing saved yet.</p>"
            return
        draft = self.store.draft(self.delegation_id, version)
        if draft is None:
            self.preview.value = "<p class='mb-guidance'>This version is no longer stored.</p>"
            return
        note = " — the version you submitted" if version == self.submitted_version else ""
        self.preview.value = (
            f"<div class='mb-card mb-box mb-history-preview' tabindex='0' role='region' "
            f"aria-label='Version {version}'><b>Version {version}{note}</b>"
            f"{version_preview_html(draft.content, self.titles)}</div>"
        )

    @shows_errors("message")
    def restore(self, version: int | None) -> bool:
        if not version or not self._on_restore(version):
            return False
        latest = self.store.draft_history(self.delegation_id)[0][0]
        self.message.value = f"Version {version} restored as version {latest}."
        self.history.value = None
        self.fill()
        return True
