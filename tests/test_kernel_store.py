"""KernelStore (the driver alone, in delegates' kernels) and Store (SQLAlchemy) see one store.

Every method a workbook page calls is checked against ``Store``'s, on a real
SQLite file and a real PostgreSQL server: what one writes the other reads back
the same, versions and conflicts behave the same, submissions stay write-once.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import delegation_with_code, scratch_database

from widgets.core.limits import DRAFT_BYTES
from widgets.exceptions import StoreError
from widgets.store import DraftConflict, KernelStore, Store, now
from widgets.store.records import NOT_READY


@pytest.fixture
def both(store: Store):
    kernel = KernelStore(store.url)
    yield store, kernel
    kernel.dispose()


def test_drafts_written_by_one_read_the_same_by_the_other(both):
    store, kernel = both
    kenya, _ = delegation_with_code(store)
    at = datetime(2027, 2, 26, 18, 0, 1, 250000, tzinfo=UTC)
    assert kernel.save_draft(kenya, {"a": "Ἀθῆναι 北京"}, None, words=2, saved_at=at) == 1
    assert store.save_draft(kenya, {"a": "second"}, 1, words=1) == 2
    assert kernel.latest_draft(kenya) == store.latest_draft(kenya)
    assert kernel.draft(kenya, 1) == store.draft(kenya, 1)
    assert kernel.draft(kenya, 1).saved_at == at and kernel.draft(kenya, 1).content["a"][0] == "Ἀ"
    assert kernel.draft_history(kenya) == store.draft_history(kenya)
    assert kernel.draft(kenya, 9) is None and kernel.latest_draft(kenya + 1) is None


def test_a_stale_save_conflicts_and_saves_nothing(both):
    store, kernel = both
    kenya, _ = delegation_with_code(store)
    store.save_draft(kenya, {"a": "other tab"}, None)
    with pytest.raises(DraftConflict) as conflict:
        kernel.save_draft(kenya, {"a": "stale"}, None)
    assert conflict.value.latest == 1 and store.latest_draft(kenya).content == {"a": "other tab"}
    with pytest.raises(StoreError, match="no delegation with id 999"):
        kernel.save_draft(999, {"a": "x"}, None)
    with pytest.raises(StoreError, match="time zone"):
        kernel.save_draft(kenya, {"a": "x"}, 1, saved_at=datetime(2027, 1, 1))
    with pytest.raises(StoreError, match="at most"):
        kernel.save_draft(kenya, {"a": "x" * DRAFT_BYTES}, 1)  # one past: the JSON quotes
    assert store.draft_history(kenya)[0][0] == 1  # nothing of those was saved


def test_thinning_keeps_what_stores_thinning_keeps(both):
    store, kernel = both
    kenya, _ = delegation_with_code(store)
    japan = store.add_delegation("interpol", "JPN", "Aiko Sato", "Osaka School")
    start = datetime(2027, 1, 1, tzinfo=UTC)
    for who in (kenya, japan):
        for n in range(12):
            at = start + timedelta(minutes=25 * n)
            kernel.save_draft(who, {"n": n}, n or None, saved_at=at)
    assert kernel.thin_drafts(kenya, keep_recent=3, keep_hourly=2) == 7
    assert store.thin_drafts(japan, keep_recent=3, keep_hourly=2) == 7
    kept = [v for v, _, _ in store.draft_history(kenya)]
    assert kept == [v for v, _, _ in kernel.draft_history(japan)] and kept[:3] == [12, 11, 10]


def test_codes_failures_and_delegations_as_store_has_them(both):
    store, kernel = both
    kenya, code = delegation_with_code(store)
    assert kernel.delegation_for_code(code) == store.delegation_for_code(code) == kenya
    assert kernel.delegation_for_code("WRONG") is None
    assert kernel.delegation_for_code("x" * 65) is None  # past the limit: refused unhashed
    assert kernel.check_code(code, "delegate", "interpol", kenya)
    assert not kernel.check_code(code, "delegate", "interpol", kenya + 1)
    assert not kernel.check_code(code, "chair", "interpol")
    assert kernel.delegation(kenya) == store.delegation(kenya)
    with pytest.raises(StoreError, match="no delegation with id 999"):
        kernel.delegation(999)
    store.revoke_codes("delegate", kenya)
    assert kernel.delegation_for_code(code) is None
    kernel.record_failure("delegate:entry", keep=timedelta(minutes=15))
    store.record_failure("delegate:entry")
    since = now() - timedelta(minutes=1)
    assert kernel.failures_since("delegate:entry", since) == 2
    assert store.failures_since("delegate:entry", since) == 2


def test_submissions_extensions_and_release_read_back_the_same(both):
    store, kernel = both
    kenya, _ = delegation_with_code(store)
    assert kernel.submissions(kenya) == [] and kernel.extension_until(kenya) is None
    store.add_submission(kenya, pdf=b"%PDF-1.7 x", sha256="a" * 64, notebook="{}", pages=1)
    store.add_submission(kenya, pdf=b"%PDF-1.7 y", sha256="b" * 64, ingested=True)
    assert kernel.submissions(kenya) == store.submissions(kenya)
    until = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    store.grant_extension(kenya, until)
    assert kernel.extension_until(kenya) == until
    assert kernel.feedback_release("interpol") is None
    store.set_feedback_release("interpol", until)
    assert kernel.feedback_release("interpol") == until
    # Anything else is asked of the full Store, opened on first use without a pool of its own.
    with pytest.raises(AttributeError, match="kernel's store does not offer 'progress'"):
        kernel.progress("interpol")
    full = kernel.full_store()
    assert [row["id"] for row in full.progress("interpol")] == [kenya]
    assert full.engine.pool.__class__.__name__ == "NullPool" and kernel.full_store() is full


def test_a_store_without_its_schema_is_refused_with_the_message(tmp_path):
    with pytest.raises(StoreError) as refused:
        KernelStore(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert str(refused.value) == NOT_READY


def test_a_dropped_connection_is_replaced(store: Store):
    if not store.url.startswith("postgresql"):
        pytest.skip("a server that drops connections: PostgreSQL only")
    kenya, code = delegation_with_code(store)
    kernel = KernelStore(store.url)
    kernel.delegation_for_code(code)
    pid = kernel._conn.info.backend_pid
    with store.begin() as conn:  # as a restarted server or PgBouncer would
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    assert kernel.delegation_for_code(code) == kenya
    assert kernel._conn.info.backend_pid != pid
    kernel.dispose()


def test_an_unreachable_server_is_a_plain_store_error():
    url, drop = scratch_database_or_skip()
    drop()  # the database is gone
    with pytest.raises(StoreError, match="cannot open the store at"):
        KernelStore(url)


def scratch_database_or_skip():
    import os

    base = os.environ.get("MUNBOOK_TEST_PG", "")
    if not base:
        pytest.skip("no PostgreSQL server: `make test` starts one with scripts/test-postgres")
    return scratch_database(base, "gone")


def test_the_kernel_store_imports_no_sqlalchemy():
    code = (
        "import sys\nfrom widgets.store import KernelStore, Delegation, Draft, DraftConflict, now\n"
        "import widgets.apps.entry, widgets.apps.workbook\n"
        "print([m for m in ('sqlalchemy', 'alembic', 'pydantic', 'yaml') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
