"""Submission: checks, then a write-once record (paper notebook, PDF, sha256, UTC time).

Resubmitting adds a new submission; after the deadline (plus any extension)
it is accepted and marked late, except a revision a chair asked for
(``revisions.submission_late``: not late until the committee's
``revisions_until``, refused after it). The PDF is also written once, never
overwritten, under outputs/submissions/<committee>/.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import nbformat

from .. import settings
from ..core import committees
from ..core.checks import Rendered, Violation, check, far_under
from ..core.markdown import parse, plain_text
from ..core.words import paper_words
from ..exceptions import MunbookError
from ..paper.export import render
from ..paper.fit import words_that_fit
from ..store import Store, now
from .papers import latest_paper
from .revisions import submission_late

if TYPE_CHECKING:
    from ..store.contract import StoreContract


class DraftChanged(MunbookError):
    """The draft changed between the look at its warnings and the submission."""


class SubmissionBlocked(MunbookError):
    """Blocking rule violations: nothing was submitted."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        lines = "\n".join(f"  {v.message}" for v in violations)
        super().__init__(f"not submitted; fix these first:\n{lines}")


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    submitted_at: datetime
    sha256: str
    seconds_late: int
    pages: int
    words: int
    path: str
    warnings: tuple[Violation, ...]

    def summary(self) -> str:
        when = f"{self.submitted_at:%Y-%m-%d %H:%M:%S} UTC"
        late = f", {self.seconds_late // 60} min late" if self.seconds_late else ", on time"
        return f"submission {self.submission_id} at {when}{late}; sha256 {self.sha256}"


def paper_text(nb: nbformat.NotebookNode) -> str:
    """The paper's readable text (for similarity and word counts)."""
    return "\n".join(plain_text(parse(c.source)) for c in nb.cells if c.cell_type == "markdown")


@dataclass(frozen=True)
class Review:
    """The latest draft as it would be submitted: its paper, PDF and what the checks say."""

    version: int
    nb: nbformat.NotebookNode
    rendered: Rendered
    words: int
    blocking: tuple[Violation, ...]
    warnings: tuple[Violation, ...]


def review(store: StoreContract, delegation_id: int) -> Review:
    """Render and check the latest draft without submitting it (the app asks first)."""
    delegation = store.delegation(delegation_id)
    committee = committees.load(delegation.committee)
    nb = latest_paper(store, delegation_id)
    rendered = render(nb)
    fits = words_that_fit(committee)
    violations = check(nb, committee, rendered, fits)
    draft = store.latest_draft(delegation_id)
    words = paper_words(draft.content) if draft else 0
    short = far_under(committee, words, fits)
    return Review(
        version=draft.version if draft else 0,
        nb=nb,
        rendered=rendered,
        words=words,
        blocking=tuple(v for v in violations if v.blocking),
        warnings=tuple(v for v in violations if not v.blocking) + ((short,) if short else ()),
    )


def submit(
    store: Store,
    delegation_id: int,
    at: datetime | None = None,
    expect_version: int | None = None,
) -> Receipt:
    """Check and store the latest draft as a submission; raise SubmissionBlocked if it breaks a rule.

    ``expect_version`` is the draft version the delegate saw the warnings of: when
    the draft changed since (another tab), nothing is submitted and they look again.
    """
    delegation = store.delegation(delegation_id)
    at = at or now()
    late = submission_late(store, delegation_id, at)  # a closed revision window refuses here
    checked = review(store, delegation_id)
    if expect_version is not None and checked.version != expect_version:
        raise DraftChanged(
            f"your draft changed since you checked it (now version {checked.version}); "
            "look at the checklist again and submit"
        )
    if checked.blocking:
        raise SubmissionBlocked(list(checked.blocking))
    pdf = checked.rendered.pdf
    sha = hashlib.sha256(pdf).hexdigest()
    path = _write_once(delegation.committee, delegation.country, at, pdf)
    submission_id = store.add_submission(
        delegation_id,
        submitted_at=at,
        notebook=nbformat.writes(checked.nb),
        pdf=pdf,
        sha256=sha,
        seconds_late=late,
        pages=checked.rendered.body_pages,
        words=checked.words,
        text=paper_text(checked.nb),
        source_name=path.name,
    )
    return Receipt(
        submission_id,
        at,
        sha,
        late,
        checked.rendered.body_pages,
        checked.words,
        str(path),
        checked.warnings,
    )


def _write_once(committee: str, country: str, at: datetime, pdf: bytes):
    path = settings.submission_file(committee, country, at)
    settings.ensure_dir(path.parent)
    # 0400: private like every file munbook writes, and read-only: written once.
    return settings.write_private(path, pdf, exclusive=True, mode=0o400)
