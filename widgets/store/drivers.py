"""The two database drivers ``KernelStore`` speaks, set up as ``engine.make_engine`` sets them.

Each says how to connect, how to write a statement's placeholders and how a
time is stored and read back (aware, UTC), as SQLAlchemy's ``UtcDateTime`` does.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

from .. import settings

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy keeps a DateTime in SQLite (no offset)


class Sqlite:
    """sqlite3 with the pragmas ``engine._sqlite_pragmas`` sets."""

    def __init__(self, url: str) -> None:
        import sqlite3

        self.path = settings.private_sqlite(Path(url.removeprefix("sqlite:///")))
        self.errors = sqlite3
        self.unreachable: tuple[type[Exception], ...] = ()  # a local file: always there

    def connect(self) -> Any:
        conn = self.errors.connect(self.path, check_same_thread=False, timeout=10)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    def sql(self, statement: str) -> str:
        return statement

    def bind(self, at: datetime) -> str:
        return at.strftime(SQLITE_TIME)

    @overload
    def time(self, value: str) -> datetime: ...
    @overload
    def time(self, value: None) -> None: ...
    def time(self, value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def psycopg() -> Any:
    """psycopg, over the system's libpq where there is one (``PSYCOPG_IMPL=python``).

    Its pure-Python binding of libpq takes about 3 MB RSS less a kernel than the
    C build bundled in psycopg-binary (measured: bench/kernel_steps.py); the few
    statements a kernel runs do not notice the difference in speed. Without a
    system libpq (Debian's libpq5), the bundled build, as before.
    """
    if "psycopg" not in sys.modules and "PSYCOPG_IMPL" not in os.environ:
        os.environ["PSYCOPG_IMPL"] = "python"
        try:
            import psycopg

            return psycopg
        except ImportError:  # no libpq on the system: forget the half-imported package
            for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
                del sys.modules[name]
        finally:
            del os.environ["PSYCOPG_IMPL"]  # the sandbox worker and others: as they were
    import psycopg

    return psycopg


# How long a PostgreSQL connection may wait on a network that went silent (a cut link, a
# host gone: no RST comes back). Unset, the kernel's TCP retries for about 15 minutes while
# the page's kernel waits; with these a save fails in seconds and the page says it is
# reconnecting. TCP keepalives find a dead idle connection before a save needs it.
# (A busy server still acknowledges TCP at once: only a dead link waits this long.)
CONNECT_SECONDS = 3
PG_NETWORK = {
    "connect_timeout": CONNECT_SECONDS,
    "tcp_user_timeout": 3000,  # ms a sent statement may go unacknowledged
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


class Postgres:
    """psycopg 3 as ``engine.make_engine`` sets it up (no prepared statements: PgBouncer)."""

    unreachable: tuple[type[Exception], ...]

    def __init__(self, url: str) -> None:
        self.url, self.errors = "postgresql://" + url.split("://", 1)[1], psycopg()
        self.unreachable = (self.errors.OperationalError,)  # the server or the way to it

    def connect(self) -> Any:
        return self.errors.connect(self.url, prepare_threshold=None, **PG_NETWORK)

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def bind(self, at: datetime) -> datetime:
        return at

    @overload
    def time(self, value: datetime) -> datetime: ...
    @overload
    def time(self, value: None) -> None: ...
    def time(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)
