"""The secretariat's extensions: grant one, see every one granted, revoke one.

Part of the advisor page (``advisor.py``), built only for the secretariat's code.
Times are read and shown in each committee's own zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import ipywidgets as w

from ..core import committees, countries
from ..core.times import parse_local_time
from ..exceptions import MunbookError
from ..store import Store
from ..workflows.progress import deadline_for
from .html import frame_html, ok, set_options, shows_errors

COLUMNS = {
    "committee": "Committee",
    "country": "Country",
    "delegate": "Delegate",
    "until": "Until (committee's time)",
    "reason": "Reason",
    "granted_at": "Granted at (committee's time)",
}


def _local(value: datetime, committee: str) -> str:
    zone = committees.load(committee).rules.timezone
    return f"{value.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone})"


def _label(row: dict) -> str:
    country = countries.lookup(row["country"]).name
    return (
        f"{row['committee'].upper()} · {country} · until {_local(row['until'], row['committee'])}"
    )


def extensions_html(store: Store) -> str:
    """The extensions granted (``workflows.tables.extensions_table``), in each committee's time."""
    from ..workflows.tables import extensions_table

    frame = extensions_table(store)
    for column in ("until", "granted_at"):
        frame[column] = [
            _local(t.to_pydatetime(), c)
            for t, c in zip(frame[column], frame["committee"], strict=True)
        ]
    caption = "Extensions granted; revoking one gives back the committee's deadline."
    formats = {"delegate": lambda name: name or "–", "reason": lambda text: text or "–"}
    return frame_html(frame, caption, COLUMNS, formats, empty="No extension granted.")


class ExtensionsPanel(w.VBox):
    """Grant (after the committee's deadline), list and revoke extensions."""

    def __init__(self, store: Store, changed: Callable[[], None]):
        self.store, self._changed = store, changed
        self.extended = w.Dropdown(description="Delegation", layout=w.Layout(width="26em"))
        self.until = w.Text(placeholder="2027-03-01 18:00", description="Until")
        self.reason = w.Text(placeholder="e.g. illness", description="Reason")
        grant = w.Button(description="Grant extension")
        grant.on_click(
            lambda _: self.grant(self.extended.value, self.until.value, self.reason.value)
        )
        self.granted = w.HTML()
        self.revoked = w.Dropdown(description="Extension", layout=w.Layout(width="34em"))
        revoke = w.Button(description="Revoke extension", button_style="warning")
        revoke.on_click(lambda _: self.revoke(self.revoked.value))
        self.extension_message = w.HTML()
        intro = w.HTML(
            "<p>An extension ends after the committee's deadline, in the committee's time. "
            "Revoking one gives the delegation the committee's deadline again.</p>"
        )
        rows = [w.HBox([self.extended, self.until, self.reason, grant]), self.granted]
        super().__init__([intro, *rows, w.HBox([self.revoked, revoke]), self.extension_message])

    def show(self, options: list[tuple[str, int]]) -> None:
        """The delegations to choose from, and the extensions granted so far."""
        set_options(self.extended, options)
        rows = self.store.extension_rows()
        self.granted.value = extensions_html(self.store)
        set_options(self.revoked, [(_label(r), r["id"]) for r in rows])

    @shows_errors("extension_message")
    def grant(self, delegation_id: int | None, until_text: str, reason: str = "") -> bool:
        """Grant an extension until a local date and time of the committee."""
        if delegation_id is None:
            raise MunbookError("choose a delegation first")
        if len(reason) > 200:
            raise MunbookError("a reason is at most 200 characters; nothing was granted")
        delegation = self.store.delegation(delegation_id)
        zone = committees.load(delegation.committee).rules.timezone
        until = parse_local_time(until_text, zone)
        self.store.grant_extension(
            delegation_id, until, reason.strip() or "granted in the advisor app"
        )
        self.extension_message.value = ok(
            f"Extension granted until {until.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone})."
        )
        self._changed()
        return True

    @shows_errors("extension_message")
    def revoke(self, extension_id: int | None) -> bool:
        """Delete one extension: the delegation's deadline is the committee's again."""
        if extension_id is None:
            raise MunbookError("choose an extension first")
        row = self.store.revoke_extension(extension_id)
        delegation = self.store.delegation(row["delegation_id"])
        deadline = _local(deadline_for(self.store, delegation), delegation.committee)
        self.extension_message.value = ok(
            f"Extension of {countries.lookup(delegation.country).name} "
            f"({delegation.committee.upper()}) revoked: its deadline is now {deadline}."
        )
        self._changed()
        return True
