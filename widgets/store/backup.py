"""``munbook backup`` and ``munbook restore``: a consistent copy of a store that is in use.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page in
one step under a read transaction, so writers keep going and the copy is the
store as of one instant. PostgreSQL: ``pg_dump --format=custom`` (one snapshot),
restored with ``pg_restore --single-transaction`` (all or nothing).

Backups go to home()/backups/ as private files (0600 in a 0700 folder); a restore
only goes into an empty store, so it can never mix two conferences' data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .. import settings
from ..exceptions import StoreError
from . import engine as engines
from . import migrate

DUMP_SECONDS = 3600  # pg_dump / pg_restore of a conference store take seconds; an hour is a hang
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float


def backup(url: str | None = None) -> Backup:
    """Copy the store at ``url`` (default: the configured one) into a new file in backups/."""
    engine = engines.make_engine(url, pooled=False)
    started = time.monotonic()
    try:
        sqlite = engine.dialect.name == "sqlite"
        path = _new_private_file("sqlite" if sqlite else "pgdump")
        try:
            _sqlite_backup(engine, path) if sqlite else _pg_dump(engine, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    finally:
        engine.dispose()
    return Backup(path, path.stat().st_size, time.monotonic() - started)


def restore(file: Path, url: str | None = None) -> migrate.Revision:
    """Restore a backup ``file`` into the (empty) store at ``url``, then upgrade its schema."""
    kind = _kind(file)
    engine = engines.make_engine(url, pooled=False)
    try:
        dialect = engine.dialect.name
        if kind != dialect:
            raise StoreError(
                f"{file} is a {kind} backup but the store is {dialect} "
                f"({engines.safe_url(engine)}); set MUNBOOK_DB to a {kind} store"
            )
        _require_empty(engine)
        _sqlite_restore(file, engine) if kind == "sqlite" else _pg_restore(file, engine)
    finally:
        engine.dispose()
    migrate.upgrade(url)  # a backup made by an older munbook comes back at this revision
    return migrate.current(url)


def _new_private_file(suffix: str) -> Path:
    folder = settings.ensure_dir(settings.backups_dir())
    folder.chmod(0o700)
    at = datetime.now(UTC)
    for n in range(100):  # two backups in one second get -1, -2, ...
        path = settings.backup_file(at, n, suffix)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return path
        except FileExistsError:
            continue
    raise StoreError(f"too many backups this second in {folder}")


def _sqlite_file(engine: Engine) -> str:
    """The SQLite file of ``engine`` (an in-memory database has none to back up)."""
    if not engine.url.database:
        raise StoreError("this SQLite store is not a file; nothing to back up or restore")
    return engine.url.database


def _sqlite_backup(engine: Engine, path: Path) -> None:
    source = sqlite3.connect(_sqlite_file(engine), timeout=30)
    target = sqlite3.connect(path)
    try:
        source.backup(target)  # pages=-1: one step, one consistent snapshot
    except sqlite3.Error as exc:
        raise StoreError(f"backup of {engine.url.database} failed: {exc}") from None
    finally:
        target.close()
        source.close()


def _sqlite_restore(file: Path, engine: Engine) -> None:
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_file(engine), timeout=30)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"{file} is damaged (SQLite quick_check failed); nothing restored")
        source.backup(target)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot restore {file}: {exc}") from None
    finally:
        target.close()
        source.close()


def _pg_env(engine: Engine) -> dict[str, str]:
    """libpq's variables: the password never appears in a process list."""
    url = engine.url
    values = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    return {**os.environ, **{k: str(v) for k, v in values.items() if v is not None}}


def _run(tool: str, args: list[str], engine: Engine) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise StoreError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    try:
        done = subprocess.run(
            [exe, *args],
            env=_pg_env(engine),
            capture_output=True,
            text=True,
            timeout=DUMP_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise StoreError(f"{tool} took more than {DUMP_SECONDS} s and was stopped") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise StoreError(f"{tool} failed: {last}")


def _pg_dump(engine: Engine, path: Path) -> None:
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], engine)


def _pg_restore(file: Path, engine: Engine) -> None:
    database = engine.url.database or ""
    args = ["--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction"]
    _run("pg_restore", [*args, "--exit-on-error", f"--dbname={database}", str(file)], engine)


def _kind(file: Path) -> str:
    with file.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise StoreError(f"{file} is not a munbook backup (neither SQLite nor pg_dump's custom format)")


def _require_empty(engine: Engine) -> None:
    """Refuse a store with any row in any table (its schema alone may exist)."""
    with engines.connect(engine) as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
        for table in tables:
            quoted = conn.dialect.identifier_preparer.quote(table)
            if conn.exec_driver_sql(f"SELECT 1 FROM {quoted} LIMIT 1").first():
                raise StoreError(
                    f"the store at {engines.safe_url(engine)} is not empty ({table} has rows); "
                    "restore only into an empty store: a new database or a new MUNBOOK_HOME"
                )
