"""The advisor reads their school's drafts and submissions, read-only, and comments on them.

One delegation at a time, chosen among those the grant sees; the latest saved
draft or any submission, section by section, in ``PaperComments``. The grant is
checked again in ``open_paper`` (a browser can send any id): an advisor opens only
their own school's delegations. Their comments are labelled as the advisor's,
show to the delegate at once and never to chairs. The secretariat reads only.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core.access import Grant, name_key
from ..exceptions import AccessDenied, MunbookError
from ..store import Store
from ..store.comment_records import Author
from .html import set_options
from .paper_comments import PaperComments
from .paper_versions import paper_comments_for

LATEST = "draft"


def advisor_author(grant: Grant) -> Author | None:
    """The comment author an advisor code stands for (None for the secretariat: reads only)."""
    if grant.is_secretariat or not grant.school:
        return None
    if grant.identity is not None:  # an advisor's own code: their comments carry their name
        me = grant.identity
        return Author(me.key, "advisor", f"{me.name}, advisor, {grant.school}", school=grant.school)
    key = f"advisor-code:{name_key(grant.school)}"
    return Author(key, "advisor", f"Advisor, {grant.school}", school=grant.school)


class DraftReader(w.VBox):
    """Pick a delegation and a version; read it and comment (advisors) with ``PaperComments``."""

    def __init__(self, store: Store, grant: Grant, author: Author | None = None):
        self.store, self.grant = store, grant
        self.author = author or advisor_author(grant)
        self.delegation = w.Dropdown(
            description="Delegation", layout=w.Layout(width="100%", max_width="34em")
        )
        self.version = w.Dropdown(
            description="Version", layout=w.Layout(width="100%", max_width="34em")
        )
        self.open_button = w.Button(description="Open", icon="book-open")
        self.open_button.on_click(
            lambda _: self.open_paper(self.delegation.value, self.version.value)
        )
        self.delegation.observe(lambda _: self._versions(), names="value")
        self.message, self.reader = w.HTML(), w.VBox()
        self.comments: PaperComments | None = None
        super().__init__(
            [
                w.HTML(
                    "<p class='mb-guidance'>Read a delegation's latest saved draft or any "
                    "submission, read-only, and leave comments: the delegate sees yours at once; "
                    "chairs never see them.</p>"
                ),
                self.delegation,
                self.version,
                self.open_button,
                self.message,
                self.reader,
            ]
        )
        self.add_class("mb-draft-reader")

    def show(self, options: list[tuple[str, int]]) -> None:
        set_options(self.delegation, options)
        self._versions()

    def _versions(self) -> None:
        chosen = self.delegation.value
        if chosen is None:
            set_options(self.version, [])
            return
        latest = self.store.latest_draft(chosen)
        found = [
            (f"Latest saved draft (version {latest.version})" if latest else "No draft yet", LATEST)
        ]
        for n, sub in enumerate(self.store.submissions(chosen), 1):
            found.append(
                (f"Submission {n} · {sub['submitted_at']:%Y-%m-%d %H:%M} UTC", str(sub["id"]))
            )
        set_options(self.version, found)

    def open_paper(self, delegation_id: int | None, version: str | None = LATEST) -> bool:
        """Show one version of a delegation of this grant's school; AccessDenied otherwise."""
        self.reader.children, self.comments = [], None
        try:
            if delegation_id is None:
                raise AccessDenied("choose a delegation first")
            delegation = self.store.delegation(int(delegation_id))
            if not self.grant.sees(delegation.school):
                raise AccessDenied("that delegation is not of your school: nothing was opened")
            submission = None if version in (None, LATEST) else int(version)
            self.comments = paper_comments_for(
                self.store,
                delegation.id,
                self.author or Author("secretariat", "advisor", "Secretariat"),
                submission_id=submission,
                read_only=self.author is None,
            )
        except MunbookError as exc:
            self.message.value = f"<p class='mb-over'>{escape(str(exc))}</p>"
            return False
        who = f"{delegation.country} · {delegation.delegate or 'no name'}"
        self.message.value = f"<p class='mb-ok'>Opened {escape(who)}.</p>"
        self.reader.children = [self.comments]
        return True
