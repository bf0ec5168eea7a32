"""StoreContract: KernelStore and Store answer every method of it alike.

Each test runs once on a ``KernelStore`` and once on a ``Store`` over the same
kind of database (a real SQLite file in the test's home): the data is made
with a ``Store`` (``writer``), the method under test is called on ``subject``
and the result must be the same on both. A method outside the contract
raises on a ``KernelStore`` (no silent fallback to ``Store``).
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import delegation_with_code

from widgets.exceptions import StoreError
from widgets.store import DraftConflict, KernelStore, Store, conformance
from widgets.store.contract import METHODS, StoreContract

AT = datetime(2027, 2, 26, 18, 0, 1, 250000, tzinfo=UTC)


@pytest.fixture
def writer(home: Path):
    store = Store()
    yield store
    store.dispose()


@pytest.fixture(params=["KernelStore", "Store"])
def subject(request: pytest.FixtureRequest, writer: Store):
    store: StoreContract = (
        KernelStore(writer.url) if request.param == "KernelStore" else Store(writer.url)
    )
    yield store
    store.dispose()


def test_the_contract_lists_its_methods_and_both_stores_have_them_alike():
    assert (KernelStore, Store) == (conformance.KERNEL_STORE, conformance.STORE)  # mypy's check
    declared = {
        name
        for name, value in vars(StoreContract).items()
        if callable(value) and not name.startswith("_")
    }
    assert declared == set(METHODS)
    for name in METHODS:
        wanted = inspect.signature(getattr(StoreContract, name))
        for cls in (KernelStore, Store):
            got = inspect.signature(getattr(cls, name))
            assert list(got.parameters) == list(wanted.parameters), (cls, name)
            assert [p.default for p in got.parameters.values()] == [
                p.default for p in wanted.parameters.values()
            ], (cls, name)


def test_codes_and_delegations(subject: StoreContract, writer: Store):
    kenya, code = delegation_with_code(writer)
    assert subject.delegation_for_code(code) == kenya
    assert subject.delegation_for_code("WRONG-CODE") is None
    assert subject.delegation_for_code("x" * 200) is None  # past the limit
    assert subject.check_code(code, "delegate", "interpol", kenya)
    assert not subject.check_code(code, "delegate", "interpol", kenya + 1)
    assert not subject.check_code(code, "chair", "interpol")
    assert subject.delegation(kenya) == writer.delegation(kenya)
    assert subject.delegation(kenya).country == "KEN"
    with pytest.raises(StoreError, match="no delegation with id 999"):
        subject.delegation(999)
    writer.revoke_codes("delegate", kenya)
    assert subject.delegation_for_code(code) is None


def test_failures(subject: StoreContract, writer: Store):
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert subject.failures_since("delegate:entry", since) == 0
    subject.record_failure("delegate:entry", keep=timedelta(minutes=15))
    subject.record_failure("delegate:entry")
    subject.record_failure("delegate:other")
    assert subject.failures_since("delegate:entry", since) == 2
    assert writer.failures_since("delegate:entry", since) == 2
    assert subject.failures_since("delegate:entry", datetime.now(UTC) + timedelta(minutes=1)) == 0


def test_drafts(subject: StoreContract, writer: Store):
    kenya, _ = delegation_with_code(writer)
    assert subject.latest_draft(kenya) is None and subject.draft_history(kenya) == []
    assert subject.save_draft(kenya, {"a": "Ἀθῆναι 北京"}, None, words=2, saved_at=AT) == 1
    assert subject.save_draft(kenya, {"a": "second"}, 1, words=1, saved_at=AT) == 2
    latest = subject.latest_draft(kenya)
    assert latest == writer.latest_draft(kenya)
    assert latest is not None and (latest.version, latest.content, latest.words) == (
        2,
        {"a": "second"},
        1,
    )
    first = subject.draft(kenya, 1)
    assert first == writer.draft(kenya, 1)
    assert first is not None and first.saved_at == AT and first.content == {"a": "Ἀθῆναι 北京"}
    assert subject.draft(kenya, None) == latest and subject.draft(kenya, 9) is None
    assert subject.draft_history(kenya) == [(2, AT, 1), (1, AT, 2)]
    with pytest.raises(DraftConflict) as conflict:
        subject.save_draft(kenya, {"a": "stale"}, 1)
    assert conflict.value.latest == 2
    with pytest.raises(StoreError, match="time zone"):
        subject.save_draft(kenya, {"a": "x"}, 2, saved_at=datetime(2027, 1, 1))


def test_thinning(subject: StoreContract, writer: Store):
    kenya, _ = delegation_with_code(writer)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    for n in range(12):
        subject.save_draft(kenya, {"n": n}, n or None, saved_at=start + timedelta(minutes=25 * n))
    assert subject.thin_drafts(kenya, keep_recent=3, keep_hourly=2) == 7
    assert [v for v, _, _ in subject.draft_history(kenya)] == [12, 11, 10, 9, 8]
    assert subject.thin_drafts(kenya, keep_recent=3, keep_hourly=2) == 0


def test_submissions_extensions_and_feedback_release(subject: StoreContract, writer: Store):
    kenya, _ = delegation_with_code(writer)
    assert subject.submissions(kenya) == [] and subject.extension_until(kenya) is None
    writer.add_submission(kenya, pdf=b"%PDF-1.7 x", sha256="a" * 64, notebook="{}", pages=1)
    writer.add_submission(kenya, pdf=b"%PDF-1.7 y", sha256="b" * 64, ingested=True)
    rows = subject.submissions(kenya)
    assert rows == writer.submissions(kenya)
    assert [(r["pdf"], r["ingested"]) for r in rows] == [
        (b"%PDF-1.7 x", False),
        (b"%PDF-1.7 y", True),
    ]
    until = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    writer.grant_extension(kenya, until)
    assert subject.extension_until(kenya) == until
    assert subject.feedback_release("interpol") is None
    writer.set_feedback_release("interpol", until)
    assert subject.feedback_release("interpol") == until


def test_review_statuses(subject: StoreContract, writer: Store):
    kenya, _ = delegation_with_code(writer)
    assert subject.status_marks(kenya) == []
    sub = writer.add_submission(kenya, pdf=b"%PDF-1.7 x", sha256="a" * 64)
    writer.add_status(sub, "changes_requested", "staff:1", "Chair A", "Cite.", at=AT)
    writer.add_status(sub, "accepted", "chair-code:interpol", "", at=AT + timedelta(seconds=1))
    marks = subject.status_marks(kenya)
    assert marks == writer.status_marks(kenya)
    assert [(m.status, m.set_by_key, m.set_at) for m in marks] == [
        ("changes_requested", "staff:1", AT),
        ("accepted", "chair-code:interpol", AT + timedelta(seconds=1)),
    ]


def test_the_full_store_is_on_the_same_database(subject: StoreContract, writer: Store):
    kenya, _ = delegation_with_code(writer)
    full = subject.full_store()
    assert isinstance(full, Store) and subject.full_store() is full
    assert [row["id"] for row in full.progress("interpol")] == [kenya]
    if isinstance(subject, Store):
        assert full is subject
    else:
        assert full.engine.pool.__class__.__name__ == "NullPool"  # no pool of its own


@pytest.mark.parametrize("name", ["progress", "add_submission", "committee_reviews", "delegations"])
def test_a_method_the_kernels_store_lacks_raises(writer: Store, name: str):
    kernel = KernelStore(writer.url)
    with pytest.raises(AttributeError, match=f"kernel's store does not offer '{name}'"):
        getattr(kernel, name)
    assert kernel._full is None  # no Store was opened behind the caller's back
    assert callable(getattr(kernel.full_store(), name))
    kernel.dispose()


def test_private_names_raise_plainly(writer: Store):
    kernel = KernelStore(writer.url)
    with pytest.raises(AttributeError) as missing:
        kernel._no_such_thing  # noqa: B018
    assert str(missing.value) == "_no_such_thing"
    kernel.dispose()


def test_a_kernels_feedback_panel_reads_the_grades_through_the_full_store(writer: Store):
    from widgets.apps.panels import FeedbackPanel
    from widgets.core import committees
    from widgets.store import now

    kenya, _ = delegation_with_code(writer)
    info = committees.load("interpol")
    writer.save_review(kenya, "Chair A", {c.name: 9 for c in info.rubric}, "Cite more sources.")
    kernel = KernelStore(writer.url)
    panel = FeedbackPanel(kernel, kernel.delegation(kenya), info)
    assert panel.show() is False and kernel._full is None  # not released: no Store opened
    writer.set_feedback_release("interpol", now() - timedelta(minutes=1))
    panel.show()
    assert "90 / 100" in panel.html.value and "Cite more sources." in panel.html.value
    assert "feedback.pdf" in panel.html.value and kernel._full is not None
    kernel.dispose()


def test_comments_and_replies(subject: StoreContract, writer: Store):
    from widgets.store.comment_records import Author

    kenya, _ = delegation_with_code(writer)
    assert subject.comments(kenya) == []
    chair = writer.add_comment(kenya, Author("staff:1", "chair", "Ana"), "Cite it.", "A.background")
    writer.add_comment(kenya, Author("advisor-code:x", "advisor", "Mr Otieno"), "Nice.")
    assert subject.add_reply(chair, kenya, "Done: WHO 2017. 北京") > 0
    assert subject.comments(kenya) == writer.comments(kenya)
    assert [c.body for c in subject.comments(kenya, chairs_only=True)] == ["Cite it."]
    assert subject.comments(kenya)[0].replies[0].body == "Done: WHO 2017. 北京"
