"""The chair app: Submissions, Grade, Overlap, Feedback and binder, in tabs.

Shown by notebooks/chair.ipynb behind a chair's access code. The code decides
who the chair is (a ``StaffIdentity``: their own code from the staff table,
or the committee's shared chair code as "committee chair") and so the
committee. Blind committees hide delegate and school everywhere. ``refresh``
reads the committee once (``workflows.collect.collection``: one store query for
the submissions, similarity and grades once) and hands it to each tab.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core import committees
from ..core.staff import CHAIR, StaffIdentity, shared_chair
from ..exceptions import AccessDenied
from ..store import Store
from ..workflows.collect import collection
from .committee import CollectionPanel, OverlapsPanel, PlotsPanel
from .gate import CodeGate
from .grade_reader import attach
from .grading import GradePanel
from .help_link import help_link
from .html import busy, shows_errors, stylesheet, title
from .judging import BinderPanel, GradesPanel, ReleasePanel

TABS = ("Submissions", "Grade", "Overlap", "Feedback and binder")


class ChairPage(w.VBox):
    """Everything a chair does after opening the app, for one committee."""

    def __init__(self, store: Store, committee: str, identity: StaffIdentity | None = None):
        self.store = store
        self.info = committees.load(committee)
        self.identity = identity or shared_chair(self.info.key)
        if self.identity.role != CHAIR or self.identity.committee != self.info.key:
            raise AccessDenied(f"{self.identity.name} is not a chair of {self.info.acronym}")
        self.refresh_button = refresh = w.Button(description="Refresh", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        self.message = w.HTML()
        self.collection = CollectionPanel(self.info, refresh)
        self.plots = PlotsPanel(self.info)
        self.overlaps = OverlapsPanel()
        self.grade = GradePanel(store, self.info, self.identity, saved=self.refresh)
        self.grade_reader, self.grade_status, self.grade_compare = attach(self.grade, store)
        self.grades = GradesPanel(store, self.info)
        self.feedback = ReleasePanel(store, self.info)
        self.binder = BinderPanel(store, self.info)
        self.collection.table.on_open(self.open_paper)
        self.tabs = self._tabs()
        blind = " · blind grading" if self.info.rules.blind_grading else ""
        heading = f"munbook · chair · {self.info.acronym}{blind}"
        who = w.HTML(signed_in_html(self.identity))
        super().__init__(
            [
                stylesheet(),
                w.HTML(title(heading)),
                help_link("chairs"),
                who,
                self.message,
                self.tabs,
            ]
        )
        self.add_class("mb-chair")
        self.refresh()

    def _tabs(self) -> w.Tab:
        grades = [
            w.HTML(title("Grades", 2)),
            self.grades,
            w.HTML(title("Feedback", 2)),
            self.feedback,
            w.HTML(title("Binder", 2)),
            self.binder,
        ]
        children = [
            w.VBox([self.collection, self.plots]),
            self.grade,
            self.overlaps,
            w.VBox(grades),
        ]
        return w.Tab(children=children, titles=TABS)

    @shows_errors("message")
    def refresh(self) -> None:
        """Read the committee once and show it in every tab."""
        said = "Reading the papers and comparing them for overlapping text…"
        with busy(self.message, said, self.refresh_button):
            found = collection(self.store, self.info.key, passages=True)
            for panel in (self.collection, self.plots, self.overlaps, self.grade, self.grades):
                panel.show(found)

    def open_paper(self, delegation_id: int) -> bool:
        """Open a paper in the Grade tab (a Submissions row does this) and show that tab."""
        opened = self.grade.open_paper(delegation_id)
        if opened:
            self.tabs.selected_index = TABS.index("Grade")
        return bool(opened)


def signed_in_html(identity: StaffIdentity) -> str:
    """Who the page acts as; the shared code is told to ask for a code of their own."""
    shared = (
        " (the committee's shared chair code: ask the secretariat for your own, so "
        "your scores carry your name)"
    )
    return (
        f"<p class='mb-quiet'>Signed in as <b>{escape(identity.name)}</b>"
        f"{shared if identity.is_shared else ''}</p>"
    )


def chair_identity(store: Store, code: str) -> StaffIdentity | None:
    """Who this chair code belongs to: a chair's own code, or a committee's shared one."""
    person = store.staff_identity(code, CHAIR)
    if person is not None and person.committee in committees.all_committees():
        return person
    return next(
        (
            shared_chair(key)
            for key in committees.all_committees()
            if store.check_code(code, "chair", key)
        ),
        None,
    )


def committee_for_chair_code(store: Store, code: str) -> str | None:
    """The committee this chair code opens, if any."""
    identity = chair_identity(store, code)
    return identity.committee if identity else None


def chair_app(store: Store | None = None) -> CodeGate[StaffIdentity]:
    """The chair's page behind a chair access code; a notebook shows it as its output."""
    store = store or Store()
    return CodeGate(
        "munbook · chair",
        check=lambda code: chair_identity(store, code),
        open_page=lambda who: ChairPage(store, who.committee or "", who),
        store=store,
    )
