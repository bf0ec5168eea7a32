"""``paper_comments_for``: a ``PaperComments`` on one version of a delegation's paper, checked.

What the advisor's draft reader calls, and what the chair's Grade tab can call
(``submission_id`` of the paper shown). The version is the latest saved draft
(``submission_id`` None) or one submission of that delegation. Scoping is
checked here, in the kernel, against the author: a chair's identity with a
``committee`` opens only that committee's papers, an advisor's with a
``school`` only that school's (AccessDenied otherwise, nothing opened).
"""

from __future__ import annotations

from collections.abc import Callable

from ..core import committees
from ..core.access import name_key
from ..core.times import now
from ..exceptions import AccessDenied
from ..store import Store
from ..store.comment_records import CommentAuthor
from ..workflows.paper_sections import draft_sections, submission_sections
from .paper_comments import PaperComments


def paper_comments_for(
    store: Store,
    delegation_id: int,
    author: CommentAuthor,
    submission_id: int | None = None,
    read_only: bool = False,
    released: bool | None = None,
    shown: Callable[[str], str] | None = None,
) -> PaperComments:
    """The comments widget on the latest draft, or on submission ``submission_id``.

    ``released``: whether chairs' comments are shown to an advisor (default: the
    committee's feedback release time has passed). ``shown``: each section's text as
    this reader sees it (a blind committee's chair: names withheld), offsets in it.
    """
    delegation = store.delegation(int(delegation_id))
    committee_key = getattr(author, "committee", None)
    if author.role == "chair" and committee_key and committee_key != delegation.committee:
        raise AccessDenied("that paper is not of your committee: nothing was opened")
    school = getattr(author, "school", None)
    if author.role == "advisor" and school and name_key(school) != name_key(delegation.school):
        raise AccessDenied("that delegation is not of your school: nothing was opened")
    committee = committees.load(delegation.committee)
    target: dict[str, int | None] = {}
    if submission_id is None:
        draft = store.latest_draft(delegation.id)
        sections = draft_sections(committee, draft.content if draft else None)
        target["draft_version"] = draft.version if draft else None
    else:
        sub = next((s for s in store.submissions(delegation.id) if s["id"] == submission_id), None)
        if sub is None:
            raise AccessDenied("no such submission of this delegation: nothing was opened")
        sections = submission_sections(committee, sub["notebook"])
        target["submission_id"] = sub["id"]
    if shown is not None:
        sections = [(key, title, shown(text)) for key, title, text in sections]
    if released is None:
        release = store.feedback_release(committee.key)
        released = release is not None and now() >= release
    return PaperComments(
        store,
        delegation,
        sections,
        author,
        committee,
        released=released,
        read_only=read_only,
        **target,
    )
