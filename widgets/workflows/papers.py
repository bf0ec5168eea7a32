"""A delegation's paper notebook, from its latest draft in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..paper.notebook import paper_notebook
from ..store import Delegation

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from ..core.checks import Rendered, Violation
    from ..store import Draft


def latest_paper(store: StoreContract, delegation_id: int) -> NotebookNode:
    """The paper notebook of a delegation's latest draft."""
    delegation = store.delegation(delegation_id)
    draft = store.latest_draft(delegation_id)
    nb = paper_notebook(
        delegation.committee,
        delegation,
        draft.content if draft else {},
        draft.version if draft else 0,
    )
    if draft:  # the PDF's creation date: the same draft always gives the same bytes
        nb.metadata.munbook["saved_at"] = draft.saved_at.isoformat()
    return nb


def preview(delegation: Delegation, draft: Draft | None) -> tuple[Rendered, list[Violation]]:
    """The Paper tab's preview of ``draft``: the PDF with page images, and the checklist.

    Runs in the sandbox worker (``preview_in_worker``): the notebook, nbconvert's
    exporter and pypdf stay out of the delegate's kernel.
    """
    from ..core import committees
    from ..core.checks import check, far_under
    from ..core.words import count_words
    from ..paper.export import render
    from ..paper.fit import words_that_fit

    committee = committees.load(delegation.committee)
    nb = paper_notebook(
        delegation.committee,
        delegation,
        draft.content if draft else {},
        draft.version if draft else 0,
    )
    if draft:
        nb.metadata.munbook["saved_at"] = draft.saved_at.isoformat()
    pdf = render(nb, images=True, ppi=50)  # one compile: the PDF and the page images
    words = sum(count_words(c.source) for c in nb.cells if "topic" in c.metadata.munbook)
    fits = words_that_fit(committee)  # the meter's figure: the checklist speaks of the same
    short = far_under(committee, words, fits)
    return pdf, check(nb, committee, pdf, fits) + ([short] if short else [])


def preview_in_worker(store: StoreContract, delegation_id: int) -> tuple[Rendered, list[Violation]]:
    """``preview`` of the latest draft, run in this process's sandbox worker."""
    from ..paper import sandbox

    delegation = store.delegation(delegation_id)
    draft = store.latest_draft(delegation_id)
    # Imported before the call's time limit starts: nbconvert and nbformat take seconds.
    needs = ("widgets.paper.export", "widgets.workflows.submit", "widgets.core.checks")
    return sandbox.default().call(
        f"{__name__}:preview", delegation, draft, what="the paper", load=needs
    )
