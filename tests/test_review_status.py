"""The review status loop: rules, the committee setting, the store (SQLite and PostgreSQL),
the chair's StatusControls, the delegate's resubmission and the advisor's progress column."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import full_content, save_latest
from revising import add_revising_committee

from widgets.apps.advisor import AdvisorPage, status_table_html
from widgets.apps.review_status import StatusControls
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries
from widgets.core import review_status as rs
from widgets.core.access import Grant
from widgets.exceptions import AccessDenied, CommitteeError, StoreError
from widgets.store import KernelStore, Store
from widgets.workflows import collect, progress, revisions, submit

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CHAIR = ("staff:3", "Ximena González")


def mark(id_: int, sub: int, status: str, minutes: int) -> rs.Mark:
    return rs.Mark(id_, sub, status, "staff:1", "Chair", "", T0 + timedelta(minutes=minutes))


# ---- the rules -------------------------------------------------------------------------


def test_the_derived_status_follows_the_loop():
    assert rs.standing([], []).status == "not submitted"
    assert rs.standing([1], []).status == "submitted"
    asked = mark(1, 1, rs.CHANGES_REQUESTED, 1)
    assert rs.standing([1], [asked]).status == "changes requested"
    assert rs.standing([1], [asked]).requested_on == 1
    revised = rs.standing([1, 2], [asked])
    assert (revised.status, revised.in_revision, revised.requested_on) == ("revised", True, 1)
    done = rs.standing([1, 2], [asked, mark(2, 2, rs.ACCEPTED, 5)])
    assert (done.status, done.in_revision) == ("accepted", False)
    # a paper after an accepted one has not been read: submitted again
    assert rs.standing([1, 2], [mark(1, 1, rs.ACCEPTED, 1)]).status == "submitted"
    # the latest row of a submission is its status, whatever order they come in
    later = [mark(3, 1, rs.ACCEPTED, 9), asked]
    assert rs.standing([1], later).status == "accepted"
    # marks of another delegation's submissions count for nothing
    assert rs.standing([1], [mark(1, 7, rs.ACCEPTED, 1)]).status == "submitted"


def test_marks_are_checked_and_bounded():
    rs.check_mark(rs.ACCEPTED, "staff:1", "A", "x" * rs.NOTE_CHARS)
    with pytest.raises(rs.StatusError, match="at most 2,000"):
        rs.check_mark(rs.ACCEPTED, "staff:1", "A", "x" * (rs.NOTE_CHARS + 1))
    with pytest.raises(rs.StatusError, match="unknown status 'rejected'"):
        rs.check_mark("rejected", "staff:1", "A", "")
    with pytest.raises(rs.StatusError, match="1 to 128 characters"):
        rs.check_mark(rs.ACCEPTED, "", "A", "")
    with pytest.raises(rs.StatusError, match="1 to 128 characters"):
        rs.check_mark(rs.ACCEPTED, "k" * 129, "A", "")
    with pytest.raises(rs.StatusError, match="at most 200 characters"):
        rs.check_mark(rs.ACCEPTED, "staff:1", "n" * 201, "")


# ---- the committee setting -------------------------------------------------------------


def committee_text(until: str) -> str:
    from widgets import settings

    text = (settings.COMMITTEES_DIR / "interpol.yaml").read_text()
    return text.replace(
        "deadline: 2027-02-26 23:59", f"deadline: 2027-02-26 23:59\n  revisions_until: {until}"
    )


def test_revisions_until_is_off_by_default_aware_and_after_the_deadline():
    assert committees.load("interpol").rules.revisions_until is None
    made = committees.parse(committee_text("2027-03-05T18:00:00-06:00"))
    assert made.rules.revisions_until == datetime(2027, 3, 6, 0, 0, tzinfo=UTC)
    with pytest.raises(CommitteeError, match="needs a time zone offset"):
        committees.parse(committee_text("2027-03-05 18:00"))
    with pytest.raises(CommitteeError, match="must be after the deadline"):
        committees.parse(committee_text("2027-02-26T23:59:00-06:00"))  # the deadline itself


# ---- the store -------------------------------------------------------------------------


@pytest.fixture
def kenya(store: Store) -> int:
    return store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")


def fake_submission(store: Store, delegation: int, at: datetime, late: int = 0) -> int:
    return store.add_submission(
        delegation, submitted_at=at, pdf=b"%PDF", sha256="0" * 64, seconds_late=late
    )


def test_statuses_are_added_never_changed(store: Store, kenya: int):
    first = fake_submission(store, kenya, T0)
    assert store.standings("interpol")[kenya].status == "submitted"
    row = store.add_status(first, rs.CHANGES_REQUESTED, *CHAIR, "Cite more.", at=T0)
    second = fake_submission(store, kenya, T0 + timedelta(hours=1))
    japan = store.add_delegation("interpol", "JPN", "Aiko", "Tokyo High")
    marks = store.status_marks(kenya)
    assert [(m.id, m.submission_id, m.status, m.note) for m in marks] == [
        (row, first, "changes_requested", "Cite more.")
    ]
    assert marks[0].set_by_key == "staff:3" and marks[0].set_by_name == "Ximena González"
    assert marks[0].set_at == T0 and store.status_marks(japan) == []
    found = store.standings("interpol")
    assert (found[kenya].status, found[japan].status) == ("revised", "not submitted")
    assert store.standings()[kenya].status == "revised" and store.standings("other") == {}
    assert store.submission_ids(kenya) == [first, second]
    assert store.submission_owner(second) == kenya
    for statement in (
        "UPDATE review_statuses SET status = 'accepted'",
        "DELETE FROM review_statuses",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.begin() as conn:
            conn.exec_driver_sql(statement)
    assert store.status_marks(kenya)[0].status == "changes_requested"
    with pytest.raises(StoreError, match="no submission with id 999"):
        store.add_status(999, rs.ACCEPTED, *CHAIR)
    with pytest.raises(rs.StatusError, match="at most 2,000"):
        store.add_status(second, rs.ACCEPTED, *CHAIR, "x" * 2001)
    assert len(store.status_marks(kenya)) == 1


def test_the_kernels_store_reads_the_same_statuses(store: Store, kenya: int):
    first = fake_submission(store, kenya, T0)
    store.add_status(first, rs.ACCEPTED, *CHAIR, "Good.", at=T0 + timedelta(seconds=1.5))
    kernel = KernelStore(store.url)
    try:
        assert kernel.status_marks(kenya) == store.status_marks(kenya)
        assert revisions.standing_of(kernel, kenya).status == "accepted"
    finally:
        kernel.dispose()


# ---- the chair sets statuses -----------------------------------------------------------


@pytest.fixture
def revising(home: Path) -> str:
    """REVISEPOL: its deadline two days ago, revisions open for ten days more."""
    at = datetime.now(UTC)
    return add_revising_committee(
        home,
        "REVISEPOL",
        (at - timedelta(days=2)).isoformat(timespec="seconds"),
        (at + timedelta(days=10)).isoformat(timespec="seconds"),
    )


def test_chairs_request_changes_only_when_and_where_allowed(
    store: Store, kenya: int, revising: str
):
    sub = fake_submission(store, kenya, T0)
    with pytest.raises(rs.StatusError, match="INTERPOL does not take revisions"):
        revisions.request_changes(store, "interpol", sub, *CHAIR)
    assert revisions.accept(store, "interpol", sub, *CHAIR)  # accepting needs no window
    with pytest.raises(AccessDenied, match="not in REVISEPOL"):
        revisions.accept(store, revising, sub, *CHAIR)
    peru = store.add_delegation(revising, "PER", "Rosa", "Lima School")
    old = fake_submission(store, peru, T0)
    new = fake_submission(store, peru, T0 + timedelta(hours=1))
    with pytest.raises(rs.StatusError, match=f"submission {new} came in since"):
        revisions.request_changes(store, revising, old, *CHAIR)
    until = committees.load(revising).rules.revisions_until
    with pytest.raises(rs.StatusError, match=r"revisions closed on .*changes can no longer"):
        revisions.request_changes(store, revising, new, *CHAIR, at=until + timedelta(seconds=1))
    revisions.request_changes(store, revising, new, *CHAIR, "More sources.", at=until)
    assert store.standings(revising)[peru].status == "changes requested"


def test_status_controls_request_accept_and_history(store: Store, revising: str):
    peru = store.add_delegation(revising, "PER", "Rosa", "Lima School")
    sub = fake_submission(store, peru, T0)
    controls = StatusControls(store, revising, sub, *CHAIR)
    assert "Review: submitted" in controls.current.value and "open until" in controls.current.value
    assert "No status set yet" in controls.history.value
    controls.note.value = "x" * 2001  # one past the limit the box states
    assert "at most 2,000" in controls.note.placeholder
    assert controls.request_changes() is False and "at most 2,000" in controls.message.value
    assert controls.note.value == "x" * 2001 and store.status_marks(peru) == []  # kept, not cut
    controls.note.value = "Cite <b>three</b> sources."
    controls.request_button.click()
    assert "Review: changes requested" in controls.current.value
    assert "Cite &lt;b&gt;three&lt;/b&gt; sources." in controls.history.value
    assert "Ximena González" in controls.history.value and controls.note.value == ""
    controls.accept_button.click()
    assert "Review: accepted" in controls.current.value
    assert controls.history.value.index("accepted") < controls.history.value.index("changes")


def test_status_controls_stay_in_their_committee(store: Store, kenya: int, revising: str):
    other = fake_submission(store, kenya, T0)  # an INTERPOL paper
    controls = StatusControls(store, revising, other, *CHAIR)
    assert "not in REVISEPOL" in controls.message.value
    # the buttons exist (a browser could send a click): the kernel refuses all the same
    assert controls.accept() is False and controls.request_changes() is False
    assert store.status_marks(kenya) == []
    closed = StatusControls(store, "interpol", other, *CHAIR)
    assert closed.request_button is None  # INTERPOL takes no revisions
    assert "takes no revisions" in closed.current.value


def test_status_controls_after_the_window(store: Store, revising: str):
    peru = store.add_delegation(revising, "PER", "Rosa", "Lima School")
    sub = fake_submission(store, peru, T0)
    until = committees.load(revising).rules.revisions_until
    controls = StatusControls(store, revising, sub, *CHAIR, clock=lambda: until + timedelta(1))
    assert controls.request_button.disabled and "Revisions closed on" in controls.current.value
    controls.request_button.disabled = False  # what a crafted message could do
    assert controls.request_changes() is False and "revisions closed on" in controls.message.value
    assert store.status_marks(peru) == []


# ---- the delegate revises ----------------------------------------------------------------


def text(html: str) -> str:
    """What a reader sees of ``html``: the tags left out."""
    return re.sub(r"<[^>]+>", "", html)


def open_app(store: Store, delegation: int, committee: str) -> WorkbookApp:
    info = committees.load(committee)
    return WorkbookApp(store, store.delegation(delegation), info, countries.lookup("PER"))


def test_the_delegate_sees_changes_requested_and_resubmits_not_late(store: Store, revising: str):
    peru = store.add_delegation(revising, "PER", "Rosa Quispe", "Lima School")
    save_latest(store, peru, full_content())
    deadline = committees.load(revising).rules.deadline_utc
    first = submit.submit(store, peru, at=deadline - timedelta(hours=1))
    assert first.seconds_late == 0
    revisions.request_changes(store, revising, first.submission_id, *CHAIR, "Name Pangea.")
    app = open_app(store, peru, revising)
    header = app.submission.value
    assert "Changes requested by Ximena González" in text(header) and "Name Pangea." in header
    assert "submit it again" in header and "mb-revise" in header
    assert "Changes requested by" in text(app.paper_panel.receipt.value)
    assert "If your chair asks for changes" in app.paper_panel.children[0].value
    app.sections["A.background"].value += " Operation Pangea seized fakes."
    receipt = app.paper_panel.submit()  # now: after the deadline, before revisions_until
    assert receipt is not None and receipt.seconds_late == 0
    rows = store.submissions(peru)
    assert len(rows) == 2 and rows[0]["id"] == first.submission_id  # a new write-once row
    assert "Revised: you submitted again" in text(app.submission.value)
    assert store.standings(revising)[peru].status == "revised"
    # the same paper without a request is late: the rules without revisions
    chile = store.add_delegation(revising, "CHL", "Ana", "Santiago School")
    save_latest(store, chile, full_content())
    assert submit.submit(store, chile).seconds_late > 0


def test_a_late_paper_stays_late_when_revised(store: Store, revising: str):
    peru = store.add_delegation(revising, "PER", "Rosa Quispe", "Lima School")
    save_latest(store, peru, full_content())
    deadline = committees.load(revising).rules.deadline_utc
    late = submit.submit(store, peru, at=deadline + timedelta(minutes=30))
    revisions.request_changes(store, revising, late.submission_id, *CHAIR)
    again = submit.submit(store, peru, at=deadline + timedelta(days=1))
    assert again.seconds_late == late.seconds_late == 1800


def test_resubmitting_after_revisions_until_is_refused(store: Store, home: Path):
    at = datetime.now(UTC)
    closed = add_revising_committee(
        home,
        "CLOSEDPOL",
        (at - timedelta(days=20)).isoformat(timespec="seconds"),
        "2026-11-30T18:00:00-06:00",
    )
    peru = store.add_delegation(closed, "PER", "Rosa Quispe", "Lima School")
    save_latest(store, peru, full_content())
    deadline = committees.load(closed).rules.deadline_utc
    first = submit.submit(store, peru, at=deadline - timedelta(hours=1))
    revisions.request_changes(
        store, closed, first.submission_id, *CHAIR, at=deadline + timedelta(days=1)
    )
    app = open_app(store, peru, closed)
    assert "Revisions closed on Mon 30 Nov 2026, 18:00" in app.submission.value
    assert app.paper_panel.submit() is None
    said = app.paper_panel.confirm.children[0].value
    assert "Not submitted" in said and "revisions closed on Mon 30 Nov 2026, 18:00" in said
    with pytest.raises(rs.StatusError, match="revisions closed on Mon 30 Nov 2026"):
        submit.submit(store, peru)
    assert len(store.submissions(peru)) == 1


# ---- staff tables ----------------------------------------------------------------------


def test_progress_collection_and_the_advisors_table_show_the_review(store: Store, revising: str):
    peru = store.add_delegation(revising, "PER", "Rosa", "Lima School")
    chile = store.add_delegation(revising, "CHL", "Ana", "Santiago School")
    sub = fake_submission(store, peru, T0)
    revisions.request_changes(store, revising, sub, *CHAIR)
    found = {r.delegation.country: r.review_status for r in progress.committee_status(store)}
    assert found == {"PER": "changes requested", "CHL": "not submitted"}
    rows = {r.country: r.review_status for r in collect.collect(store, revising)}
    assert rows == {"Peru": "changes requested", "Chile": "not submitted"}
    table = status_table_html(store)
    assert "<th>Review</th>" in table or ">Review<" in table
    assert "class='mb-warn'>changes requested</td>" in table
    assert "not submitted" not in table  # the Status column says so already
    # an advisor sees their own school's row only, with its review
    page = AdvisorPage(store, Grant(role="advisor", school="Lima School"))
    assert "changes requested" in page.table.value and "Chile" not in page.table.value
    assert chile  # the other school's delegation exists, unseen
