"""The chair app: collection, similarity, scoring, feedback release and the binder.

Shown by notebooks/chair.ipynb behind a chair's access code; the code decides
the committee. Blind committees hide delegate and school. The page is built
from panels (``committee`` for what it shows, ``judging`` for what a chair
does); ``refresh`` reads the committee once (``workflows.collect.collection``:
one store query for the submissions, similarity and grades once) and hands
it to each panel.
"""

from __future__ import annotations

import ipywidgets as w

from ..core import committees
from ..store import Store
from ..workflows.collect import collection
from .committee import CollectionPanel, OverlapsPanel, PlotsPanel
from .gate import CodeGate
from .help_link import help_link
from .html import busy, shows_errors, stylesheet, title
from .judging import BinderPanel, ReleasePanel, ScoringPanel


class ChairPage(w.VBox):
    """Everything a chair does after opening the app, for one committee."""

    def __init__(self, store: Store, committee: str):
        self.store = store
        self.info = committees.load(committee)
        self.refresh_button = refresh = w.Button(description="Refresh", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        self.message = w.HTML()
        self.collection = CollectionPanel(self.info, refresh)
        self.plots = PlotsPanel(self.info)
        self.overlaps = OverlapsPanel()
        self.scoring = ScoringPanel(store, self.info, saved=self.refresh)
        self.feedback = ReleasePanel(store, self.info)
        self.binder = BinderPanel(store, self.info)
        blind = " · blind grading" if self.info.rules.blind_grading else ""
        heading = f"munbook · chair · {self.info.acronym}{blind}"
        super().__init__(
            [
                stylesheet(),
                w.HTML(title(heading)),
                help_link("chairs"),
                self.message,
                w.HTML(title("Submissions", 2)),
                self.collection,
                self.plots,
                w.HTML(title("Overlapping text", 2)),
                self.overlaps,
                w.HTML(title("Scoring", 2)),
                self.scoring,
                w.HTML(title("Feedback", 2)),
                self.feedback,
                w.HTML(title("Binder", 2)),
                self.binder,
            ]
        )
        self.add_class("mb-chair")
        self.refresh()

    @shows_errors("message")
    def refresh(self) -> None:
        """Read the committee once and show it in every panel."""
        said = "Reading the papers and comparing them for overlapping text…"
        with busy(self.message, said, self.refresh_button):
            found = collection(self.store, self.info.key, passages=True)
            for panel in (self.collection, self.plots, self.overlaps, self.scoring):
                panel.show(found)


def committee_for_chair_code(store: Store, code: str) -> str | None:
    """The committee this chair code opens, if any."""
    return next(
        (key for key in committees.all_committees() if store.check_code(code, "chair", key)), None
    )


def chair_app(store: Store | None = None) -> CodeGate[str]:
    """The chair's page behind a chair access code; a notebook shows it as its output."""
    store = store or Store()
    return CodeGate(
        "munbook · chair",
        check=lambda code: committee_for_chair_code(store, code),
        open_page=lambda committee: ChairPage(store, committee),
        store=store,
    )
