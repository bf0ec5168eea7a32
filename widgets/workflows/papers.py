"""A delegation's paper notebook, from its latest draft in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..paper.notebook import paper_notebook
from ..store import Store

if TYPE_CHECKING:
    from nbformat import NotebookNode


def latest_paper(store: Store, delegation_id: int) -> NotebookNode:
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
