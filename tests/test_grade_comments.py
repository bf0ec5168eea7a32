"""The Grade tab's passage comments, review status and compare, through the real page objects.

On SQLite and PostgreSQL: a chair comments on a passage of the paper shown, Next
moves the comments with the paper, advisors' comments never show, blind papers
show no names, the status is set beside the rubric and shows in the table, and a
comment on a passage the revision edits says "passage changed".
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from conftest import add_blind_committee
from revising import add_revising_committee

from widgets.apps.chair import ChairPage
from widgets.paper.notebook import paper_notebook
from widgets.store import Store
from widgets.store.comment_records import Author

COUNTRIES = {"KEN": "Kenya", "JPN": "Japan"}
BACKGROUND = "{country} background, by {delegate}. Forensic labs are underfunded in the region."
SOLUTIONS = "{country} proposes shared labs.\n\nA second paragraph on training."


def submit(db: Store, committee: str, iso: str, solutions: str | None = None) -> int:
    delegation = db.find_delegation(committee, iso)
    name = {"country": COUNTRIES[iso], "delegate": delegation.delegate}
    sections = {
        "A.background": BACKGROUND.format(**name),
        "A.solutions": (solutions or SOLUTIONS).format(**name),
    }
    nb = paper_notebook(committee, delegation, {"sections": sections, "disclosure": "None."})
    return db.add_submission(
        delegation.id,
        notebook=nbformat.writes(nb),
        pdf=b"%PDF-1.7 " + iso.encode(),
        sha256=f"{iso}{len(db.submissions(delegation.id))}".ljust(64, "x"),
        seconds_late=0,
        pages=1,
        words=40,
        text=" ".join(sections.values()),
    )


def delegations(db: Store, committee: str) -> None:
    for iso, country in COUNTRIES.items():
        db.add_delegation(committee, iso, f"Delegate {country}", f"School of {country}")


def passage(page: ChairPage, section: str, words: str) -> bool:
    reader = page.grade_reader
    assert reader.comments is not None
    reader.comments.section.value = section
    text = reader.comments.picker.text
    at = text.index(words)
    return reader.comments.choose(section, at, at + len(words))


def test_a_chair_comments_on_a_passage_of_the_paper_shown(store: Store):
    delegations(store, "interpol")
    submit(store, "interpol", "JPN")
    submit(store, "interpol", "KEN")
    kenya = store.find_delegation("interpol", "KEN").id
    store.add_comment(
        kenya, Author("advisor-code:school", "advisor", "Advisor Ann"), "Advisor's private note."
    )
    page = ChairPage(store, "interpol")
    page.grade.filter.value = "all"
    assert page.open_paper(kenya)
    reader = page.grade_reader
    assert reader.comments is not None and reader.comments.delegation.id == kenya
    # The whole paper reads as text; a section chosen shows only its text to select in.
    assert "Kenya background" in reader.value and reader.text.layout.display == ""
    assert passage(page, "A.background", "Forensic labs are underfunded")
    assert reader.text.layout.display == "none"
    assert reader.comments.insert_from_bank(0)
    bank = reader.comments.body.value
    assert bank and reader.comments.add()
    saved = store.comments(kenya, chairs_only=True)
    assert [(c.quote, c.body, c.submission_id) for c in saved] == [
        ("Forensic labs are underfunded", bank, store.submissions(kenya)[-1]["id"])
    ]
    listing = reader.comments.listing.value
    assert "Forensic labs are underfunded" in listing
    assert "Advisor's private note" not in listing  # chairs never see advisors' comments
    # Previous: Japan's paper, its comments (none), and its text.
    assert page.grade.previous()
    assert reader.comments.delegation.id == store.find_delegation("interpol", "JPN").id
    assert "No comments yet" in reader.comments.listing.value and "Japan" in reader.value
    # A refresh keeps the same reader and what is typed in it.
    reader.comments.body.value = "half written"
    before = reader.comments
    page.refresh()
    assert reader.comments is before and before.body.value == "half written"


def test_blind_papers_show_no_names_in_the_comment_reader(store: Store, home: Path):
    add_blind_committee(home)
    delegations(store, "blindpol")
    submit(store, "blindpol", "KEN")
    page = ChairPage(store, "blindpol")
    reader = page.grade_reader
    assert reader.comments is not None
    reader.comments.section.value = "A.background"
    shown = reader.comments.picker.text
    assert "Kenya background" in shown and "Delegate Kenya" not in shown
    assert (
        "Delegate Kenya" not in reader.value and "School of Kenya" not in page.grade.heading.value
    )


@pytest.fixture
def revising(home: Path) -> str:
    at = datetime.now(UTC)
    return add_revising_committee(
        home,
        "REVISEPOL",
        (at - timedelta(days=2)).isoformat(timespec="seconds"),
        (at + timedelta(days=10)).isoformat(timespec="seconds"),
    )


def test_status_beside_the_rubric_and_in_the_table(store: Store, revising: str):
    delegations(store, revising)
    submit(store, revising, "KEN")
    page = ChairPage(store, revising)
    controls = page.grade_status.controls
    assert controls is not None and controls.request_button is not None
    controls.note.value = "Cite your sources."
    assert controls.request_changes()
    table = page.collection.table.value
    assert "<th>Review</th>" in table.replace(" scope='col'", "") and "changes requested" in table
    rows = {r.country: r.review_status for r in page.grade.found.rows}
    assert rows["Kenya"] == "changes requested"
    assert page.grade_status.controls is controls  # the refresh kept it
    assert "Review: changes requested" in controls.current.value
    page.grade.filter.value = "changes"
    assert page.grade.ids == [store.find_delegation(revising, "KEN").id]
    page.grade.filter.value = "revised"
    assert page.grade.ids == [] and page.grade_status.controls is None
    assert "No paper has been revised yet." in page.grade.paper_text.value
    submit(store, revising, "KEN", solutions="{country} proposes regional labs.")
    page.refresh()
    assert page.grade.ids == [store.find_delegation(revising, "KEN").id]
    revised = page.grade_status.controls
    assert revised is not None and revised is not controls  # the new submission's
    assert "Review: revised" in revised.current.value
    # A committee without revisions: Accept only.
    plain = ChairPage(store, "interpol")
    store.add_delegation("interpol", "GHA", "Delegate Ghana", "School of Ghana")
    submit_id = store.add_submission(
        store.find_delegation("interpol", "GHA").id,
        pdf=b"%PDF-1.7 GHA",
        sha256="g" * 64,
        seconds_late=0,
        pages=1,
        words=3,
        text="Ghana's paper.",
    )
    plain.refresh()
    other = plain.grade_status.controls
    assert other is not None and other.submission_id == submit_id
    assert other.request_button is None and other.accept()
    assert {r.country: r.review_status for r in plain.grade.found.rows}["Ghana"] == "accepted"


def test_compare_says_a_commented_passage_changed(store: Store, revising: str):
    delegations(store, revising)
    first = submit(store, revising, "KEN")
    page = ChairPage(store, revising)
    compare = page.grade_compare
    assert compare.layout.display == "none"  # one submission: nothing to compare
    kenya = store.find_delegation(revising, "KEN").id
    assert passage(page, "A.solutions", "Kenya proposes shared labs.")
    page.grade_reader.comments.body.value = "Which labs?"
    assert page.grade_reader.comments.add()
    assert passage(page, "A.solutions", "A second paragraph on training.")
    page.grade_reader.comments.body.value = "Say more."
    assert page.grade_reader.comments.add()
    store.add_comment(
        kenya, Author("advisor-code:school", "advisor", "Advisor Ann"), "Not for chairs."
    )
    submit(store, revising, "KEN", solutions="{country} proposes regional shared labs.")
    page.refresh()
    assert compare.layout.display == "" and compare.previous["id"] == first
    assert compare.compare()
    diff = compare.view.body.value
    assert "submission 1" in diff and "submission 2" in diff and "regional" in diff
    moved = compare.moved.value
    assert "Passage changed" in moved and "Which labs?" in moved
    assert "Passage gone" in moved and "Say more." in moved
    assert "Now: “Kenya proposes regional shared labs.”" in moved
    assert "Not for chairs" not in moved
