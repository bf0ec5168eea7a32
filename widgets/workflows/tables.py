"""Staff tables as pandas DataFrames: what advisors, chairs and the secretariat work with.

Every table here is built from the same workflow functions the apps and the
CLI use (progress, collect, similarity, grades), so a notebook, a CSV/XLSX file
and a page show the same figures. Times are UTC ``datetime64`` columns. pandas
loads only with this module: the delegate's workbook never imports it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import settings
from ..core import committees, countries, similarity
from ..core.csvsafe import neutralise
from ..exceptions import MunbookError
from ..store import Store
from .collect import background_text, collect
from .progress import committee_status
from .review import grades

NAMES = ("delegate", "school")


def _blind(frame: pd.DataFrame, committee: str, blind: bool | None) -> pd.DataFrame:
    hide = committees.load(committee).rules.blind_grading if blind is None else blind
    return frame.drop(columns=[c for c in NAMES if c in frame.columns]) if hide else frame


def progress_table(
    store: Store, committee: str | None = None, school: str | None = None
) -> pd.DataFrame:
    """One row per delegation: status, words, last save, submission, deadline (advisor view)."""
    key = committees.load(committee).key if committee else None
    rows = [
        {
            "committee": r.delegation.committee.upper(),
            "country": r.country_name,
            "iso3": r.delegation.country,
            "delegate": r.delegation.delegate,
            "school": r.delegation.school,
            "status": r.status,
            "words": r.words,
            "last_saved": r.last_saved,
            "submitted_at": r.submitted_at,
            "minutes_late": r.seconds_late // 60,
            "deadline": r.deadline,
            # None before a submission: nothing to have changed since.
            "draft_changed": r.draft_changed if r.submitted_at is not None else None,
            "review_status": r.review_status,
        }
        for r in committee_status(store, key)
        if school is None or r.delegation.school == school
    ]
    frame = pd.DataFrame(rows, columns=_PROGRESS)
    for column in ("last_saved", "submitted_at", "deadline"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


_PROGRESS = [
    "committee",
    "country",
    "iso3",
    "delegate",
    "school",
    "status",
    "words",
    "last_saved",
    "submitted_at",
    "minutes_late",
    "deadline",
    "draft_changed",
    "review_status",
]


def collection_table(
    store: Store, committee: str, blind: bool | None = None, rows: list | None = None
) -> pd.DataFrame:
    """The chair's collection: status, times, pages, words, checks, overlap, score.

    ``rows`` are ``collect``'s rows when the caller has them already (not collected twice).
    """
    records = [
        {
            "country": r.country,
            "delegate": r.delegate,
            "school": r.school,
            "status": r.status,
            "submitted_at": r.submitted_at,
            "minutes_late": r.seconds_late // 60,
            "pages": r.pages,
            "words": r.words,
            "problems": len(r.violations),
            "violations": " | ".join(r.violations),
            "similar_to": r.similar_to,
            "similarity": r.similarity,
            "score": r.score,
            "ingested": r.ingested,
            "review_status": r.review_status,
        }
        for r in (collect(store, committee) if rows is None else rows)
    ]
    frame = pd.DataFrame(records, columns=_COLLECTION)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    for column in ("pages", "words"):
        frame[column] = frame[column].astype("Int64")  # missing papers have none
    return _blind(frame, committee, blind)


_COLLECTION = [
    "country",
    "delegate",
    "school",
    "status",
    "submitted_at",
    "minutes_late",
    "pages",
    "words",
    "problems",
    "violations",
    "similar_to",
    "similarity",
    "score",
    "ingested",
    "review_status",
]


def overlap_table(
    store: Store, committee: str, threshold: float = similarity.THRESHOLD
) -> pd.DataFrame:
    """Every pair of papers (and paper against the background) that shares text, best first."""
    key = committees.load(committee).key
    names = {d.id: countries.lookup(d.country).name for d in store.delegations(key)}
    latest = store.latest_submissions(key, pdf=False)
    papers = {names[i]: s["text"] or "" for i, s in latest.items()}
    matches = similarity.compare(papers, background_text(key), threshold, passages=False)
    frame = pd.DataFrame(
        [(m.first, m.second, m.score, m.flagged) for m in matches],
        columns=["paper", "other", "share", "flagged"],
    )
    return frame.sort_values(["share", "paper"], ascending=[False, True], ignore_index=True)


def grades_table(
    store: Store, committee: str, per_chair: bool = False, blind: bool | None = None
) -> pd.DataFrame:
    """Rubric points per category, total and rank; one row per paper, or per chair and paper.

    The final rows carry the chairs' spread (of 100), whether it is flagged, and every
    chair's comment; the per-chair rows each chair's own points, total and comment.
    """
    info = committees.load(committee)
    categories = [c.name for c in info.rubric]
    graded = grades(store, info.key)
    if per_chair:
        rows = [
            {
                "country": g.country,
                "delegate": g.delegate,
                "school": g.school,
                "chair": r.name,
                "chair_key": r.key,
                **{c: r.scores.get(c, 0.0) for c in categories},
                "total": r.total,
                "comments": r.comments,
                "updated_at": r.updated_at,
            }
            for g in graded
            for r in g.reviews
        ]
        columns = ["country", *NAMES, "chair", "chair_key", *categories, "total", "comments"]
        frame = pd.DataFrame(rows, columns=[*columns, "updated_at"])
        frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    else:
        rows = [
            {
                "rank": g.rank,
                "country": g.country,
                "delegate": g.delegate,
                "school": g.school,
                **{c: g.categories.get(c) for c in categories},
                "total": g.total,
                "chairs": g.chairs,
                "spread": g.total_spread if g.chairs > 1 else None,
                "flagged": g.flagged,
                "comments": " | ".join(f"{name}: {text}" for name, text in g.comments),
            }
            for g in graded
        ]
        columns = ["rank", "country", *NAMES, *categories, "total", "chairs", "spread"]
        frame = pd.DataFrame(rows, columns=[*columns, "flagged", "comments"])
        frame["rank"] = frame["rank"].astype("Int64")
    return _blind(frame, info.key, blind)


def grades_sheets(store: Store, committee: str) -> dict[str, pd.DataFrame]:
    """The grades workbook's sheets: the final grades, and each chair's scores."""
    return {
        "grades": grades_table(store, committee),
        "per chair": grades_table(store, committee, per_chair=True),
    }


def grades_xlsx(store: Store, committee: str) -> bytes:
    """The grades workbook (.xlsx) as bytes: what ``munbook grades --xlsx`` writes."""
    import io

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as book:
        for name, frame in grades_sheets(store, committee).items():
            excel_ready(frame).to_excel(book, sheet_name=name, index=False)
    return out.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """A table as CSV text, formula-like text neutralised, times as UTC wall times."""
    return excel_ready(frame).to_csv(index=False)


def extensions_table(store: Store, committee: str | None = None) -> pd.DataFrame:
    """Every extension granted, with the delegation and the deadline it replaces."""
    key = committees.load(committee).key if committee else None
    rows = []
    for d in store.delegations(key):
        for granted in store.extensions(d.id):
            rows.append(
                {
                    "committee": d.committee.upper(),
                    "country": countries.lookup(d.country).name,
                    "delegate": d.delegate,
                    "school": d.school,
                    "until": granted["until"],
                    "granted_at": granted["granted_at"],
                    "reason": granted["reason"],
                    "deadline": committees.load(d.committee).rules.deadline_utc,
                }
            )
    columns = ["committee", "country", "delegate", "school", "until", "granted_at", "reason"]
    frame = pd.DataFrame(rows, columns=[*columns, "deadline"])
    for column in ("until", "granted_at", "deadline"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for a spreadsheet: formula-like text neutralised, times as UTC wall times."""
    safe = frame.copy()
    for column in list(safe.columns):
        if safe[column].dtype == object:
            safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
        elif isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            # Spreadsheets have no time zones: UTC wall times, and the header says so.
            safe[column] = safe[column].dt.tz_convert("UTC").dt.tz_localize(None)
            safe = safe.rename(columns={column: f"{column} (UTC)"})
    return safe


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV or XLSX, by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise MunbookError(f"{path.name}: write a .csv or an .xlsx file")
    safe = excel_ready(frame)
    with settings.private_file(path, text=suffix == ".csv") as fh:  # 0600, like every output
        if suffix == ".csv":
            safe.to_csv(fh, index=False)
        else:
            safe.to_excel(fh, index=False, engine="openpyxl")
    return path
