"""More store users than PostgreSQL lets in, all saving through PgBouncer (transaction mode).

The test database gets a connection limit of its own (ALTER DATABASE ... CONNECTION
LIMIT, which its owner may set), so the server and other databases are untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
from conftest import _postgres_url, free_port, scratch_database

from widgets.store import Store, migrate

SCRIPT = Path(__file__).parent.parent / "scripts" / "pgbouncer"
LIMIT = 4  # connections PostgreSQL allows into the test database
POOL = 3  # server connections PgBouncer may open (below the limit)
USERS = 24  # stores open at once, each holding its own client connection
SAVES = 8


@pytest.fixture
def limited_db():
    """A fresh database `<test db>_pgb` with CONNECTION LIMIT 4; yields its direct URL."""
    url, drop = scratch_database(_postgres_url(), "pgb", limit=LIMIT)
    migrate.upgrade(url)
    yield url
    drop()


@pytest.fixture
def bouncer(limited_db: str):
    if not shutil.which("pgbouncer"):
        pytest.skip("PgBouncer is not installed (scripts/system-packages installs it)")
    port = free_port()
    started = subprocess.run(
        [str(SCRIPT), "start", limited_db, str(port), str(POOL)],
        capture_output=True,
        text=True,
        check=True,
    )
    yield started.stdout.strip()
    subprocess.run([str(SCRIPT), "stop", str(port)], check=True)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_database_refuses_more_than_its_limit_directly(limited_db: str):
    held = [psycopg.connect(_libpq(limited_db)) for _ in range(LIMIT)]
    try:
        with pytest.raises(psycopg.OperationalError, match="too many connections"):
            psycopg.connect(_libpq(limited_db))
    finally:
        for conn in held:
            conn.close()


def test_more_store_users_than_connections_all_save_through_pgbouncer(
    limited_db: str, bouncer: str
):
    admin = Store(bouncer)
    ids = [admin.add_delegation("interpol", f"C{n:02d}", f"D{n}") for n in range(USERS)]
    opened = threading.Barrier(USERS, timeout=60)
    errors: list[BaseException] = []

    def user(delegation_id: int) -> None:
        store = Store(bouncer)  # its pool keeps one client connection open
        try:
            version = store.save_draft(delegation_id, {"A/0": "first"}, 0)
            opened.wait()  # every user holds a connection now: USERS > LIMIT
            for n in range(SAVES - 1):
                version = store.save_draft(delegation_id, {"A/0": f"text {n}"}, version)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=user, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for delegation_id in ids:
        latest = admin.latest_draft(delegation_id)
        assert (latest.version, latest.content) == (SAVES, {"A/0": f"text {SAVES - 2}"})
    admin.dispose()
