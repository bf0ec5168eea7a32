"""The store away: a save fails in seconds, the page says "Reconnecting" and saves when it is back.

(tests/test_hosts.py does the same through a cut network link; here the kernel's store
is pointed at a closed port and back, so it runs wherever PostgreSQL does.)
"""

from __future__ import annotations

import time

import pytest
from conftest import _postgres_url, delegation_with_code, free_port, scratch_database

from widgets.apps import autosaving
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries
from widgets.exceptions import StoreUnreachable
from widgets.store import Store, migrate
from widgets.store.drivers import CONNECT_SECONDS
from widgets.store.lite import KernelStore


@pytest.fixture
def database():
    url, drop = scratch_database(_postgres_url(), "reconnect")
    migrate.upgrade(url)
    yield url
    drop()


def test_the_page_says_reconnecting_keeps_the_text_and_saves_once_back(database: str):
    full = Store(database)
    delegation, _ = delegation_with_code(full)
    kernel = KernelStore(database)
    app = WorkbookApp(
        kernel, kernel.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )
    box = app.sections["A.background"]
    box.value = "Saved before the cut."
    assert app.save_now()
    good = kernel._db.url
    kernel._db.url = good.replace(good.split("@")[1].split("/")[0], f"127.0.0.1:{free_port()}")
    kernel.dispose()  # the next statement connects again: to nothing
    box.value = "Saved before the cut. Typed while the store is away."
    asked = time.monotonic()
    assert not app.save_now()
    assert time.monotonic() - asked < CONNECT_SECONDS + 1  # fails at once, never hangs
    assert "Reconnecting to the store" in app.status.value
    assert "mb-unsaved" in app.status.value  # the tab asks before it closes
    assert app._pending is not None  # tried again in RECONNECT_DELAY s
    app._pending.cancel()
    app._pending = None
    box.value += " More."  # typing on: still says reconnecting, never "Saving…" alone
    assert "Reconnecting to the store" in app.status.value
    assert box.value.endswith("away. More.")  # nothing dropped from the page
    kernel._db.url = good  # the store is back: the retry saves everything typed meanwhile
    assert app.save_now()
    assert "All changes saved · version 2" in app.status.value
    latest = full.latest_draft(delegation)
    assert latest is not None and latest.content["sections"]["A.background"] == box.value
    assert autosaving.RECONNECT_DELAY <= 5
    kernel.dispose()
    full.dispose()


def test_every_postgresql_connection_gives_up_on_a_silent_network(database: str):
    """connect_timeout, tcp_user_timeout and keepalives: a cut link fails in seconds."""
    kernel = KernelStore(database)
    full = Store(database)
    try:
        kernel.latest_draft(1)
        with full.engine.connect() as conn:
            pooled = conn.connection.dbapi_connection
            for params in (kernel._conn.info.get_parameters(), pooled.info.get_parameters()):
                assert params["tcp_user_timeout"] == "3000"
                assert params["connect_timeout"] == str(CONNECT_SECONDS)
                assert params["keepalives"] == "1"
    finally:
        kernel.dispose()
        full.dispose()


def test_a_refused_connection_is_store_unreachable(database: str):
    closed = database.replace(database.split("@")[1].split("/")[0], f"127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnreachable, match=r"cannot open the store at 127\.0\.0\.1"):
        KernelStore(closed)
