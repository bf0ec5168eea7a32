"""How the store connects: one engine per Store, with a bounded pool, never any DDL.

Each delegate has a kernel and each kernel a Store, so connections are what a
conference runs out of first: a kernel keeps at most ``POOL_SIZE`` idle and
opens at most ``POOL_SIZE + MAX_OVERFLOW``. With PgBouncer (transaction mode)
in front of PostgreSQL, psycopg must not use server-side prepared statements,
since consecutive transactions may reach different server connections.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from .. import settings
from ..exceptions import StoreError, StoreUnreachable
from .drivers import PG_NETWORK
from .records import NOT_READY

POOL_SIZE = 1
MAX_OVERFLOW = 2
POOL_RECYCLE = 300  # seconds: a connection a proxy or server dropped is replaced, not used
POOL_TIMEOUT = 30  # seconds a save waits for a connection before it fails with a message


def normalize_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None, pooled: bool = True) -> Engine:
    """An engine for ``url`` (default: settings.db_url()); ``pooled=False`` keeps no connection."""
    given = url or settings.db_url()
    url = normalize_url(given)
    if url.startswith("sqlite:///"):
        settings.private_sqlite(Path(url.removeprefix("sqlite:///")))  # 0600 before SQLite opens it
    options: dict[str, Any] = {}
    if url.startswith("postgresql"):
        options["connect_args"] = {"prepare_threshold": None, **PG_NETWORK}
        if pooled:
            options.update(
                pool_size=POOL_SIZE,
                max_overflow=MAX_OVERFLOW,
                pool_pre_ping=True,
                pool_recycle=POOL_RECYCLE,
                pool_timeout=POOL_TIMEOUT,
            )
    if not pooled:
        options["poolclass"] = NullPool
    try:
        engine = sa.create_engine(url, **options)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use store URL {given!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection, or StoreError saying the server cannot be reached."""
    try:
        conn = engine.connect()
    except sa.exc.OperationalError as exc:
        raise StoreUnreachable(f"cannot open the store at {safe_url(engine)}: {exc.orig}") from None
    with conn:
        yield conn


def revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at; None when it has no schema yet."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def check_ready(engine: Engine, expected: str) -> None:
    """Raise StoreError(NOT_READY) unless the database is at revision ``expected``."""
    with connect(engine) as conn:
        found = revision(conn)
    if found != expected:
        raise StoreError(NOT_READY)
