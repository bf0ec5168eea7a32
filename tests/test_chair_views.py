"""The chair's views: missing only after the deadline, whole-number axes, no empty charts,
passages with their punctuation, out-of-range scores refused, a past release confirmed."""

from datetime import UTC, datetime, timedelta

import pytest

from widgets.apps import plots
from widgets.apps.chair import ChairPage
from widgets.core import committees, similarity
from widgets.store import Store
from widgets.workflows import collect

INFO = committees.load("interpol")
DEADLINE = INFO.rules.deadline_utc
NAMES = [c.name for c in INFO.rubric]
SHARED = (
    "Kenya backs INTERPOL's Operation Pangea (2024), which seized 7,000 fake medicines; "
    "it trains customs officers, shares data with AFRIPOL, and audits online pharmacies."
)


@pytest.fixture
def db(store: Store) -> Store:
    """Kenya and Ghana submitted the same text; Peru and Japan have not submitted."""
    for code in ("KEN", "GHA", "PER", "JPN"):
        store.add_delegation("interpol", code, f"Delegate {code}", f"School {code}")
    for code in ("KEN", "GHA"):
        store.add_submission(
            store.find_delegation("interpol", code).id,
            submitted_at=DEADLINE - timedelta(days=2),
            pdf=b"%PDF-1.7 " + code.encode(),
            sha256=code * 16,
            pages=1,
            words=30,
            text=f"{SHARED} {code}",
        )
    return store


def at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """Read the collection as if it were ``when`` (the deadline is in 2027)."""
    monkeypatch.setattr(collect, "now", lambda: when)


def statuses(db: Store) -> dict[str, str]:
    return {r.country: r.status for r in collect.collect(db, "interpol")}


def test_not_yet_submitted_before_the_deadline_missing_after(db: Store, monkeypatch):
    japan = db.find_delegation("interpol", "JPN").id
    db.grant_extension(japan, DEADLINE + timedelta(days=2), "flight")
    at(monkeypatch, DEADLINE - timedelta(days=89))
    assert statuses(db) == {
        "Ghana": "submitted",
        "Japan": "not yet submitted",
        "Kenya": "submitted",
        "Peru": "not yet submitted",
    }
    page = ChairPage(db, "interpol")
    assert "<b>0</b> missing, <b>2</b> not yet submitted" in page.collection.summary.value
    assert "missing</td>" not in page.collection.table.value
    at(monkeypatch, DEADLINE + timedelta(days=1))  # Japan's extension still runs
    assert statuses(db)["Peru"] == "missing" and statuses(db)["Japan"] == "not yet submitted"
    page.refresh()
    assert "<b>1</b> missing, <b>1</b> not yet submitted" in page.collection.summary.value
    assert "class='mb-bad'>missing" in page.collection.table.value
    at(monkeypatch, DEADLINE + timedelta(days=3))
    assert statuses(db)["Japan"] == "missing"
    assert collect.summary(collect.collect(db, "interpol")) == "2 on time, 0 late, 2 missing"


def test_the_submissions_axis_counts_whole_papers():
    times = [DEADLINE - timedelta(days=3), DEADLINE - timedelta(days=1)]
    ax = plots.submissions_figure(times, DEADLINE).axes[0]
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert plots.submissions_over_time(times, DEADLINE).startswith(b"\x89PNG")


def test_no_empty_score_chart_before_a_score(db: Store):
    page = ChairPage(db, "interpol")
    assert page.plots.category_plot.layout.display == "none"
    assert "No paper scored yet." in page.plots.category_note.value
    assert page.plots.timeline.layout.display is None
    assert page.plots.timeline.png.startswith(b"\x89PNG")
    assert page.plots.timeline_note.value == ""
    kenya = db.find_delegation("interpol", "KEN").id
    assert page.grade.save(kenya, {n: 7 for n in NAMES}, "")
    assert page.plots.category_plot.layout.display is None  # saving refreshes the page
    assert page.plots.category_plot.png.startswith(b"\x89PNG")
    assert page.plots.category_note.value == ""


def test_no_submission_chart_before_any_paper(store: Store):
    store.add_delegation("interpol", "PER", "Delegate PER")
    page = ChairPage(store, "interpol")
    assert page.plots.timeline.layout.display == "none"
    assert "No paper submitted yet." in page.plots.timeline_note.value
    assert "No paper scored yet." in page.plots.category_note.value


def test_overlap_passages_keep_their_punctuation(db: Store):
    (match,) = [
        m for m in similarity.compare({"Kenya": SHARED, "Ghana": "Ghana: " + SHARED}) if m.flagged
    ]
    first, second = match.passages[0]
    assert first.startswith("Kenya backs INTERPOL's Operation Pangea (2024), which seized 7,000")
    assert first.endswith("online pharmacies.") and second == first  # "Ghana:" is not shared
    page = ChairPage(db, "interpol")
    assert "INTERPOL&#x27;s Operation Pangea (2024), which" in page.overlaps.matches.value
    assert "INTERPOL s Operation" not in page.overlaps.matches.value


def test_a_passage_widens_only_so_far():
    run = "-" * 500  # punctuation without a space: grown into by WIDEN characters only
    doc = similarity.Document.of("a", f"{run}one two three four five{run}")
    assert similarity.original(doc, 0, 5) == (
        "-" * similarity.WIDEN + "one two three four five" + "-" * similarity.WIDEN
    )


def test_a_score_above_the_maximum_is_refused_not_clamped(db: Store):
    page = ChairPage(db, "interpol")
    kenya = db.find_delegation("interpol", "KEN").id
    assert page.open_paper(kenya)
    box = page.grade.rubric.boxes[NAMES[0]]
    box.value = 12
    assert box.value == 12  # the box keeps what was typed
    assert "12 is outside 0 to 10" in page.grade.rubric.lines[NAMES[0]].value
    for name in NAMES[1:]:
        page.grade.rubric.boxes[name].value = 7
    assert not page.grade.save(kenya, page.grade.rubric.values(), "")
    message = page.grade.message.value
    assert f"{NAMES[0]}: 12.0 is outside 0-10" in message and "nothing was saved" in message
    assert db.reviews(kenya) == []
    box.value = -1
    assert not page.grade.save(kenya, page.grade.rubric.values(), "")
    box.value = 10
    assert page.grade.save(kenya, page.grade.rubric.values(), "")
    assert db.reviews(kenya)[0]["scores"][NAMES[0]] == 10


def test_a_past_release_with_unscored_papers_asks_first(db: Store):
    page = ChairPage(db, "interpol")
    release = page.feedback
    past = "2026-01-05 09:00"
    assert not release.release(past)
    message = release.release_message.value
    assert "already past" in message and "2 paper(s) are not scored yet (Ghana, Kenya)" in message
    assert "release anyway" in message and db.feedback_release("interpol") is None
    release.anyway.value = True
    assert release.release(past, release.anyway.value)
    assert db.feedback_release("interpol") == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
    assert release.anyway.value is False  # the next past release asks again
    assert release.release("2027-03-05 09:00")  # a future time needs no confirmation
    for code in ("KEN", "GHA"):
        delegation = db.find_delegation("interpol", code).id
        db.save_review(delegation, "Ximena", {n: 5 for n in NAMES})
    assert release.release(past)  # every paper scored: nothing to confirm
