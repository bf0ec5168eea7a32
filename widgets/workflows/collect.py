"""The chair's view of a committee: one row per delegation, with checks and flags."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime

import nbformat

from ..core import committees, countries, csvsafe, similarity
from ..core.checks import Rendered, check
from ..paper.fit import words_that_fit
from ..store import Store, now
from .review import Grade, grades

NOT_YET = "not yet submitted"
STATUSES = ("submitted", "late", "missing", NOT_YET)


@dataclass(frozen=True)
class Row:
    delegation_id: int
    country: str
    delegate: str
    school: str
    status: str  # submitted, late, missing (after the deadline), not yet submitted (before it)
    submitted_at: datetime | None
    seconds_late: int
    pages: int | None
    words: int | None
    violations: list[str]
    similar_to: str  # the most similar paper (or "background"), if flagged
    similarity: float
    score: float | None
    ingested: bool
    # core.review_status.DERIVED: submitted, changes requested, revised, accepted (or not submitted)
    review_status: str = "not submitted"


def _violations(submission: dict, info, fits: int | None) -> list[str]:
    """The paper's problems as its delegate saw them (``fits``: the words the pages hold)."""
    rules = info.rules
    if submission["notebook"]:
        nb = nbformat.reads(submission["notebook"], as_version=4)
        rendered = Rendered(pages=submission["pages"] or 0, body_pages=submission["pages"] or 0)
        return [v.message for v in check(nb, info, rendered, fits)]
    found = []
    if rules.max_pages and (submission["pages"] or 0) > rules.max_pages:
        found.append(f"{submission['pages']} pages; {info.acronym} allows {rules.max_pages}.")
    if rules.max_words and (submission["words"] or 0) > rules.max_words:
        found.append(f"{submission['words']} words; {info.acronym} allows {rules.max_words}.")
    if not submission["words"]:
        found.append("No readable text in the PDF (a scan?).")
    return found


def background_text(committee: str) -> str:
    info = committees.load(committee)
    return "\n\n".join([info.background, *(t.background for t in info.topics)])


@dataclass(frozen=True)
class Collection:
    """What a chair's refresh shows, computed once: rows, overlaps, grades."""

    rows: list[Row]  # in country order
    latest: dict[int, dict]  # each delegation's latest submission, without its PDF
    matches: list[similarity.Match]
    grades: list[Grade]


def collection(
    store: Store,
    committee: str,
    threshold: float = similarity.THRESHOLD,
    passages: bool = False,
) -> Collection:
    """Every delegation of the committee with its latest submission, checks, flags and score.

    One store query reads the submissions; similarity and grades run once.
    ``passages`` also keeps the shared passages of flagged pairs (for a page).
    """
    info = committees.load(committee)
    delegations = store.delegations(info.key)
    latest = store.latest_submissions(info.key, pdf=False)
    names = {d.id: countries.lookup(d.country).name for d in delegations}
    matches = similarity.compare(
        {names[i]: s["text"] or "" for i, s in latest.items()},
        background_text(info.key),
        threshold,
        passages=passages,
    )
    graded = grades(store, info.key)
    scores = {g.delegation_id: g.total for g in graded}
    best = _most_similar(matches)
    deadlines = _deadlines(store, info)
    standings = store.standings(info.key)
    limit = info.rules.max_pages
    too_long = limit and any((s["pages"] or 0) > limit for s in latest.values())
    fits = words_that_fit(info) if too_long else None  # measured only when a message needs it
    rows = []
    for d in delegations:
        score, other = best.get(names[d.id], (0.0, ""))
        row = _row(d, names[d.id], latest.get(d.id), info, scores.get(d.id), fits)
        if row.status == "missing" and now() <= deadlines.get(d.id, info.rules.deadline_utc):
            row = replace(row, status=NOT_YET)  # nobody is missing before their deadline
        review = standings[d.id].status if d.id in standings else row.review_status
        shared = other if score >= threshold else ""
        rows.append(replace(row, similar_to=shared, similarity=score, review_status=review))
    return Collection(sorted(rows, key=lambda r: r.country), latest, matches, graded)


def _deadlines(store: Store, info) -> dict[int, datetime]:
    """Each extended delegation's deadline (the latest grant's, if after the committee's)."""
    extended: dict[int, datetime] = {}
    for row in store.extension_rows(info.key):  # oldest grant first: the latest wins
        extended[row["delegation_id"]] = max(row["until"], info.rules.deadline_utc)
    return extended


def collect(store: Store, committee: str, threshold: float = similarity.THRESHOLD) -> list[Row]:
    """The rows of ``collection``: one per delegation, in country order."""
    return collection(store, committee, threshold).rows


def _most_similar(matches: list[similarity.Match]) -> dict[str, tuple[float, str]]:
    """For each paper, its highest share with another paper (or the background)."""
    best: dict[str, tuple[float, str]] = {}
    for m in matches:
        for me, other in ((m.first, m.second), (m.second, m.first)):
            if me != "background" and m.score > best.get(me, (0.0, ""))[0]:
                best[me] = (m.score, other)
    return best


def _row(d, country: str, sub: dict | None, info, score: float | None, fits: int | None) -> Row:
    return Row(
        delegation_id=d.id,
        country=country,
        delegate=d.delegate,
        school=d.school,
        status=("late" if sub["seconds_late"] else "submitted") if sub else "missing",
        submitted_at=sub["submitted_at"] if sub else None,
        seconds_late=sub["seconds_late"] if sub else 0,
        pages=sub["pages"] if sub else None,
        words=sub["words"] if sub else None,
        violations=_violations(sub, info, fits) if sub else [],
        similar_to="",
        similarity=0.0,
        score=score,
        ingested=bool(sub and sub["ingested"]),
    )


COLUMNS = [
    "country",
    "delegate",
    "school",
    "status",
    "submitted_at (UTC)",  # the header says the zone: a spreadsheet shows no Z
    "late_by_minutes",
    "pages",
    "words",
    "violations",
    "similar_to",
    "similarity",
    "score",
]


def summary(rows: list[Row]) -> str:
    """ "2 on time, 0 late, 1 missing, 3 not yet submitted" (the last part only when any)."""
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    waiting = f", {counts[NOT_YET]} not yet submitted" if counts[NOT_YET] else ""
    return f"{counts['submitted']} on time, {counts['late']} late, {counts['missing']} missing{waiting}"


def rows_csv(rows: list[Row], blind: bool = False) -> str:
    out = io.StringIO()
    columns = [c for c in COLUMNS if not (blind and c in ("delegate", "school"))]
    writer = csvsafe.dict_writer(out, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {
                "country": r.country,
                "delegate": r.delegate,
                "school": r.school,
                "status": r.status,
                "submitted_at (UTC)": f"{r.submitted_at:%Y-%m-%d %H:%M:%S}Z"
                if r.submitted_at
                else "",
                "late_by_minutes": r.seconds_late // 60 if r.seconds_late else "",
                "pages": r.pages if r.pages is not None else "",
                "words": r.words if r.words is not None else "",
                "violations": " | ".join(r.violations),
                "similar_to": r.similar_to,
                "similarity": f"{r.similarity:.2f}",
                "score": "" if r.score is None else r.score,
            }
        )
    return out.getvalue()
