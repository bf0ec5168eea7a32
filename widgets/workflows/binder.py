"""The committee binder: which papers go in, and where the PDF is written.

Papers are the latest on-time submission of each delegation (or, with
``include_all``, the latest one whatever its time), in country-name order.
"""

from __future__ import annotations

from pathlib import Path

from .. import settings
from ..core import committees, countries
from ..exceptions import MunbookError
from ..paper.binder import BinderResult, assemble
from ..store import Store, now
from .blind import chair_pdf


def chosen_submissions(
    store: Store, committee: str, include_all: bool = False
) -> tuple[list, list]:
    """(country name, submission) in name order, and the delegations left out with why."""
    chosen, left_out = [], []
    papers = store.latest_submissions(committee, on_time=not include_all)
    # Without the PDFs: only to tell "only late" from "none" for those left out.
    anything = papers if include_all else store.latest_submissions(committee, pdf=False)
    for delegation in store.delegations(committee):
        name = countries.lookup(delegation.country).name
        if delegation.id in papers:
            chosen.append((name, papers[delegation.id]))
        else:
            why = "only late submissions" if delegation.id in anything else "no submission"
            left_out.append((name, why))
    return sorted(chosen, key=lambda c: c[0]), sorted(left_out)


def build_binder(
    store: Store,
    committee: str,
    include_all: bool = False,
    out: Path | None = None,
    blind: bool | None = None,
) -> BinderResult:
    """Write the binder PDF (default outputs/binders/<committee>-<time>.pdf).

    In a committee that grades blind (or with ``blind``), every paper is its
    blind copy: no delegate or school (see workflows.blind).
    """
    info = committees.load(committee)
    blind = info.rules.blind_grading if blind is None else blind
    chosen, left_out = chosen_submissions(store, info.key, include_all)
    if not chosen:
        raise MunbookError(
            f"no {'' if include_all else 'on-time '}submissions in {info.acronym} to bind"
        )
    note = "all submissions" if include_all else "on-time submissions"
    path = Path(out) if out else settings.binder_file(info.key, now())
    papers = []
    by_id = {d.id: d for d in store.delegations(info.key)}
    for name, submission in chosen:
        try:
            delegation = by_id[submission["delegation_id"]]
            papers.append((name, chair_pdf(delegation, submission, blind)))
        except MunbookError as exc:  # one paper's blind copy failed: the rest are bound
            left_out.append((name, f"no blind copy: {exc}"))
    try:
        result = assemble(info, papers, note + (", names withheld" if blind else ""), path)
    except OSError as exc:
        # assemble writes a temporary file beside ``path`` first: name what was asked for.
        raise MunbookError(
            f"cannot write the binder {path}: {exc.strerror or exc}; choose a folder that "
            "exists and that you may write to"
        ) from None
    return BinderResult(
        result.path, result.papers, result.pages, sorted(left_out + result.left_out)
    )
