"""Submission: checks, then a write-once record (paper notebook, PDF, sha256, UTC time).

Resubmitting adds a new submission; after the deadline (plus any extension)
it is accepted and marked late. The PDF is also written once, never
overwritten, under outputs/submissions/<committee>/.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import nbformat

from .. import settings
from ..core import committees
from ..core.checks import Violation, check
from ..core.markdown import parse, plain_text
from ..core.words import paper_words
from ..exceptions import MunbookError
from ..paper.export import render
from ..store import Store, now
from .papers import latest_paper
from .progress import seconds_late


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


def submit(store: Store, delegation_id: int, at: datetime | None = None) -> Receipt:
    """Check and store the latest draft as a submission; raise SubmissionBlocked if it breaks a rule."""
    delegation = store.delegation(delegation_id)
    committee = committees.load(delegation.committee)
    nb = latest_paper(store, delegation_id)
    rendered = render(nb)
    violations = check(nb, committee, rendered)
    blocking = [v for v in violations if v.blocking]
    if blocking:
        raise SubmissionBlocked(blocking)
    at = at or now()
    sha = hashlib.sha256(rendered.pdf).hexdigest()
    draft = store.latest_draft(delegation_id)
    words = paper_words(draft.content) if draft else 0
    late = seconds_late(store, delegation, at)
    path = _write_once(delegation.committee, delegation.country, at, rendered.pdf)
    submission_id = store.add_submission(
        delegation_id,
        submitted_at=at,
        notebook=nbformat.writes(nb),
        pdf=rendered.pdf,
        sha256=sha,
        seconds_late=late,
        pages=rendered.body_pages,
        words=words,
        text=paper_text(nb),
        source_name=path.name,
    )
    return Receipt(
        submission_id,
        at,
        sha,
        late,
        rendered.body_pages,
        words,
        str(path),
        tuple(v for v in violations if not v.blocking),
    )


def _write_once(committee: str, country: str, at: datetime, pdf: bytes):
    folder = settings.ensure_dir(settings.submissions_dir() / settings.slug(committee))
    path = folder / f"{settings.slug(country)}-{at:%Y%m%dT%H%M%S%fZ}.pdf"
    # 0400: private like every file munbook writes, and read-only: written once.
    return settings.write_private(path, pdf, exclusive=True, mode=0o400)
