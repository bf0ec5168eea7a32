"""The advisor page's access codes: the code files to download, a new code, printable slips.

Part of the advisor page (``advisor.py``). The grant decides what it offers:
the secretariat every code file and slips for any school; a school's advisor
its own school's files and slips, and new codes for its own delegations only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import ipywidgets as w

from .. import settings
from ..core.access import Grant, name_key
from ..store import Store
from ..workflows import slips
from .html import download_link, set_options, shows_errors
from .new_code import NewCode

KEEP_PRIVATE = (
    "<p>Codes are shown only in these files (newest first; a newer code replaces an older "
    "one); the store keeps hashes. Keep them private. Each name says its committee, "
    "<i>codes</i> (an import) or <i>code-country</i> (one new code), and the time (UTC).</p>"
)
MAKE_SLIPS = "Make code slips (PDF)"


def code_files(store: Store, grant: Grant) -> list[tuple[str, list[Path]]]:
    """The code files a grant may download, newest first, as (heading, files) groups."""

    def newest(folder: Path) -> list[Path]:
        # A code file and its mail-merge file share their time: newest pair first.
        found = [*settings.code_files_in(folder), *folder.glob(settings.MAIL_MERGE_GLOB)]
        return sorted(found, key=settings.code_file_order, reverse=True)

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


class CodesPanel(w.VBox):
    """Code files, "issue a new code" and code slips, as far as the grant allows."""

    def __init__(self, store: Store, grant: Grant, changed: Callable[[], None]):
        self.store, self.grant, self._changed = store, grant, changed
        self.codes, self.slips_message = w.HTML(), w.HTML()
        self.new_code = NewCode(store, grant, changed)
        self.delegation, self.code_message = self.new_code.delegation, self.new_code.code_message
        self.slips_school = w.Dropdown(description="Slips for", layout=w.Layout(width="26em"))
        slips_button = w.Button(description=MAKE_SLIPS, icon="print")
        slips_button.layout.width = "auto"
        slips_button.on_click(lambda _: self.code_slips(self.slips_school.value))
        # Only the secretariat chooses a school; an advisor's slips are always their own.
        chooser = [self.slips_school] if grant.is_secretariat else []
        super().__init__(
            [
                self.codes,
                self.new_code,
                w.HBox([*chooser, slips_button], layout=w.Layout(flex_flow="row wrap")),
                self.slips_message,
            ]
        )
        self.add_class("mb-codes")

    def show(self, options: list[tuple[str, int]]) -> None:
        """The delegations to choose from, the schools to print for, the code files."""
        self.new_code.show(options)
        if self.grant.is_secretariat:
            schools = {d.school for d in self.store.delegations() if d.school}
            choices = [(s, s) for s in sorted(schools, key=name_key)]
            set_options(self.slips_school, [("Every school", ""), *choices])
        groups = code_files(self.store, self.grant)
        links = "".join(
            (f"<p><b>{escape(title)}</b><br>" if title else "<p>")
            + "".join(download_link(p, p.name) for p in files)
            + "</p>"
            for title, files in groups
        )
        self.codes.value = (
            links + KEEP_PRIVATE
            if groups
            else "No codes yet: they are made when the roster is imported."
        )

    @shows_errors("slips_message")
    def code_slips(self, school: str | None = None) -> slips.SlipsResult | None:
        """Write the slips PDF (the advisor's school; the secretariat's choice) and link it."""
        if not self.grant.is_secretariat:
            school = self.grant.school  # an advisor prints their own school's, whatever is asked
        result = slips.write_slips(self.store, school or None)
        link = download_link(result.path, "Download code slips (PDF)", "application/pdf")
        missing = (
            f"<br>No code on file for {escape(', '.join(result.without_code))}: issue a new code."
            if result.without_code
            else ""
        )
        made = f"{datetime.now(UTC):%H:%M} UTC"
        # One link, replaced on each click: the newest slips, never a second link beside it.
        self.slips_message.value = (
            f"<span class='mb-ok'>{result.count} slip(s) for {escape(school or 'every school')}, "
            f"one per delegate, to cut out (made {made}):</span> {link}{missing}"
        )
        return result
