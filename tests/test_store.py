from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from widgets.core import access
from widgets.exceptions import StoreError
from widgets.store import DraftConflict, Store


@pytest.fixture
def delegation(store: Store) -> int:
    return store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")


def test_delegations_are_unique_per_committee_and_country(store: Store, delegation: int):
    assert store.delegation(delegation).country == "KEN"
    assert store.find_delegation("interpol", "KEN").id == delegation
    assert store.find_delegation("interpol", "JPN") is None
    with pytest.raises(sa.exc.IntegrityError):
        store.add_delegation("interpol", "KEN", "Someone Else")
    with pytest.raises(StoreError, match="no delegation with id 999"):
        store.delegation(999)


def test_codes_are_stored_as_salted_hashes_and_scoped(store: Store, delegation: int):
    other = store.add_delegation("interpol", "JPN", "Haruto Sato")
    code = access.new_code()
    store.add_code(code, "delegate", "interpol", delegation)
    assert store.check_code(code, "delegate", "interpol", delegation)
    assert store.check_code(code.lower().replace("-", " "), "delegate", "interpol", delegation)
    assert not store.check_code(code, "delegate", "interpol", other)
    assert not store.check_code(code, "chair", "interpol")
    assert not store.check_code(access.new_code(), "delegate", "interpol", delegation)
    with store.begin() as conn:
        dump = " ".join(
            str(v) for row in conn.execute(sa.text("select * from access_codes")) for v in row
        )
    assert access.normalize(code) not in dump.upper() and code not in dump


def test_code_never_reaches_the_sqlite_file(home: Path):
    store = Store()
    delegation = store.add_delegation("interpol", "KEN", "W")
    code = access.new_code()
    store.add_code(code, "delegate", "interpol", delegation)
    store.dispose()
    raw = b"".join(p.read_bytes() for p in home.glob("munbook.sqlite*"))
    assert code.encode() not in raw and access.normalize(code).encode() not in raw


def test_every_save_is_a_version_and_stale_tabs_conflict(store: Store, delegation: int):
    assert store.latest_draft(delegation) is None
    v1 = store.save_draft(delegation, {"A.background": "first"}, based_on=None, words=1)
    v2 = store.save_draft(delegation, {"A.background": "first second ☃ 日本"}, based_on=v1, words=3)
    assert (v1, v2) == (1, 2)
    latest = store.latest_draft(delegation)
    assert latest.version == 2 and latest.content["A.background"] == "first second ☃ 日本"
    assert store.draft(delegation, 1).content == {"A.background": "first"}
    with pytest.raises(DraftConflict) as caught:
        store.save_draft(delegation, {"A.background": "stale tab"}, based_on=v1)
    assert caught.value.latest == 2
    assert store.latest_draft(delegation).content["A.background"] == "first second ☃ 日本"
    assert [v for v, _, _ in store.draft_history(delegation)] == [2, 1]


def test_submissions_are_write_once(store: Store, delegation: int):
    sid = store.add_submission(delegation, pdf=b"%PDF-1.7 bytes", sha256="ab" * 32, seconds_late=0)
    for statement in ("update submissions set pdf = :b", "delete from submissions"):
        with pytest.raises(sa.exc.DatabaseError, match="write-once"), store.begin() as conn:
            conn.execute(sa.text(statement), {"b": b"tampered"})
    stored = store.submissions(delegation)
    assert [s["id"] for s in stored] == [sid]
    assert stored[0]["pdf"] == b"%PDF-1.7 bytes"
    assert stored[0]["submitted_at"].tzinfo is not None


def test_extensions_latest_grant_wins(store: Store, delegation: int):
    assert store.extension_until(delegation) is None
    first = datetime(2027, 3, 1, 12, tzinfo=UTC)
    store.grant_extension(delegation, first, "illness")
    store.grant_extension(delegation, first + timedelta(days=1))
    assert store.extension_until(delegation) == first + timedelta(days=1)
    with pytest.raises(StoreError, match="time zone"):
        store.grant_extension(delegation, datetime(2027, 3, 1))


def test_reviews_one_per_chair(store: Store, delegation: int):
    store.save_review(delegation, "chair-1", {"Country policy": 8})
    store.save_review(delegation, "chair-1", {"Country policy": 9}, "Better sources.")
    store.save_review(delegation, "chair-2", {"Country policy": 7})
    reviews = store.reviews(delegation)
    assert [(r["chair"], r["scores"]["Country policy"]) for r in reviews] == [
        ("chair-1", 9),
        ("chair-2", 7),
    ]
    assert reviews[0]["comments"] == "Better sources."


def test_foreign_keys_are_enforced(store: Store):
    with pytest.raises(StoreError, match="no delegation with id 12345"):
        store.save_draft(12345, {}, based_on=None)
    with pytest.raises(sa.exc.IntegrityError):
        store.add_submission(12345, pdf=b"", sha256="")


def test_sqlite_runs_in_wal_mode(home: Path):
    store = Store()
    with store.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot"):
        Store("postgresql://nobody:x@127.0.0.1:1/none")


def test_times_with_an_offset_come_back_as_the_same_instant(store: Store, delegation: int):
    from zoneinfo import ZoneInfo

    local = datetime(2027, 3, 1, 18, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    store.grant_extension(delegation, local)
    assert store.extension_until(delegation) == local
    assert store.extension_until(delegation).tzinfo == UTC
    store.set_feedback_release("interpol", local)
    assert store.feedback_release("interpol") == datetime(2027, 3, 2, 0, 0, tzinfo=UTC)


def _submit(store: Store, delegation: int, at: datetime, late: int = 0, notebook=None) -> int:
    return store.add_submission(
        delegation,
        submitted_at=at,
        pdf=b"%PDF-" + at.isoformat().encode(),
        sha256=at.isoformat()[:64],
        seconds_late=late,
        notebook=notebook,
        text=f"text of {at:%H:%M}",
    )


def test_latest_submissions_of_a_committee_in_one_query(store: Store, delegation: int):
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato")
    other = store.add_delegation("unodc", "KEN", "Someone")
    t = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    first = _submit(store, delegation, t, notebook="{}")
    _submit(store, delegation, t + timedelta(hours=2), late=60)
    # An ingested PDF dated earlier than the newest does not become the latest.
    _submit(store, delegation, t + timedelta(hours=1))
    _submit(store, other, t)
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    latest = store.latest_submissions("interpol")
    assert len(statements) == 1
    assert set(latest) == {delegation} and japan not in latest
    assert latest[delegation]["seconds_late"] == 60 and latest[delegation]["pdf"].startswith(
        b"%PDF"
    )
    on_time = store.latest_submissions("interpol", on_time=True, pdf=False)
    assert on_time[delegation]["text"] == "text of 10:00" and "pdf" not in on_time[delegation]
    assert store.latest_submissions("interpol", notebooks_only=True)[delegation]["id"] == first
    assert store.submission(first)["notebook"] == "{}"
    assert store.has_submission(delegation, t.isoformat()[:64])
    assert not store.has_submission(japan, t.isoformat()[:64])
    with pytest.raises(StoreError, match="no submission with id 999"):
        store.submission(999)


def test_progress_reads_drafts_submissions_and_extensions_at_once(store: Store, delegation: int):
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato")
    v1 = store.save_draft(delegation, {"a": "x"}, None, words=10)
    store.save_draft(delegation, {"a": "x y"}, v1, words=12)
    until = datetime(2030, 1, 1, tzinfo=UTC)
    store.grant_extension(delegation, until - timedelta(days=1))
    store.grant_extension(delegation, until)
    _submit(store, japan, datetime(2027, 3, 1, tzinfo=UTC), late=5)
    rows = {row["country"]: row for row in store.progress("interpol")}
    assert rows["KEN"]["words"] == 12 and rows["KEN"]["saved_at"] is not None
    assert rows["KEN"]["extension_until"] == until and rows["KEN"]["submitted_at"] is None
    assert rows["JPN"]["seconds_late"] == 5 and rows["JPN"]["words"] is None
    assert [r["country"] for r in store.progress()] == ["JPN", "KEN"]
    assert store.progress("unodc") == []


def test_upsert_delegation_and_issue_code(store: Store, delegation: int):
    assert store.upsert_delegation("interpol", "KEN") == (delegation, False)
    assert store.delegation(delegation).delegate == "Wanjiru Kamau"  # None keeps it
    assert store.upsert_delegation("interpol", "KEN", "Amani Otieno", None)[1] is False
    changed = store.delegation(delegation)
    assert (changed.delegate, changed.school) == ("Amani Otieno", "Nairobi Academy")
    new, created = store.upsert_delegation("interpol", "JPN", school="TIS")
    assert (
        created and store.delegation(new).school == "TIS" and store.delegation(new).delegate == ""
    )
    code = store.issue_code("delegate", "interpol", new)
    assert store.check_code(code, "delegate", "interpol", new)
    assert not store.check_code(code, "delegate", "interpol", delegation)


def test_committee_reviews_in_one_query(store: Store, delegation: int):
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato")
    store.save_review(delegation, "Ximena", {"Solutions": 8}, "Good.")
    store.save_review(delegation, "Fausto", {"Solutions": 6})
    found = store.committee_reviews("interpol")
    assert [r["chair"] for r in found[delegation]] == ["Fausto", "Ximena"]
    assert found[delegation][1]["scores"] == {"Solutions": 8} and japan not in found


def test_ensure_delegations_reads_and_makes_in_one_batch(store: Store, delegation: int):
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with store.begin() as conn:
        found = store.ensure_delegations("interpol", ["JPN", "KEN", "BRA", "JPN"], conn=conn)
    queries = sum(s.lstrip().upper().startswith(("SELECT", "INSERT")) for s in statements)
    assert list(found) == ["JPN", "KEN", "BRA"]  # asked order, each once
    assert found["KEN"] == (delegation, False)
    assert found["JPN"][1] and found["BRA"][1] and found["JPN"][0] != found["BRA"][0]
    assert store.delegation(found["BRA"][0]).country == "BRA"
    assert store.delegation(delegation).delegate == "Wanjiru Kamau"  # names left alone
    # one SELECT, one INSERT (executemany) however many countries: not one query each
    assert queries == 2
    assert store.ensure_delegations("interpol", ["BRA", "JPN"]) == {
        "BRA": (found["BRA"][0], False),
        "JPN": (found["JPN"][0], False),
    }
    assert store.ensure_delegations("interpol", []) == {}


def test_issue_codes_makes_one_live_code_per_delegation(store: Store, delegation: int):
    other = store.add_delegation("interpol", "JPN", "Haruto Sato")
    codes = store.issue_codes("delegate", "interpol", [delegation, other])
    assert set(codes) == {delegation, other} and codes[delegation] != codes[other]
    assert store.check_code(codes[delegation], "delegate", "interpol", delegation)
    assert store.check_code(codes[other], "delegate", "interpol", other)
    assert not store.check_code(codes[other], "delegate", "interpol", delegation)
    assert store.issue_codes("delegate", "interpol", []) == {}
