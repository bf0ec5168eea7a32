"""A store with no tables is made at the newest revision directly, without loading Alembic.

Alembic's cookbook ("Building an Up to Date Database from Scratch") makes a new
database with ``metadata.create_all`` and then stamps it at head instead of
replaying every migration. munbook does the same for an empty database: the
tables of ``schema.py``, the write-once triggers migration 0001 makes, and the
``alembic_version`` row, in one transaction under the same lock as an upgrade.
The stamp is written here rather than with ``alembic.command.stamp`` because
importing Alembic (its dialects, Mako, Pygments) costs a staff command's
first run a fifth of a second; tests/test_fresh_store.py checks that the result
is the database ``munbook db upgrade`` makes, table by table and trigger by
trigger, on SQLite and PostgreSQL. A database that has any of munbook's tables
is left to Alembic (``migrate.upgrade``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..exceptions import StoreError
from . import engine as engines
from .append_only import APPEND_ONLY
from .lock import LOCK_KEY, schema_lock
from .schema import SCHEMA_REVISION, metadata

VERSION_TABLE = "alembic_version"  # Alembic's default table, as Alembic makes it (below)

# As migration 0001 makes them (that revision keeps its own frozen copy).
WRITE_ONCE = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS submissions_no_{op_.lower()} BEFORE {op_} ON submissions "
        "BEGIN SELECT RAISE(ABORT, 'submissions are write-once'); END"
        for op_ in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION munbook_write_once() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'submissions are write-once'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE TRIGGER submissions_write_once BEFORE UPDATE OR DELETE "
        "ON submissions FOR EACH ROW EXECUTE FUNCTION munbook_write_once()",
    ],
}


def _version_table() -> sa.Table:
    """alembic_version as Alembic's MigrationContext defines it (version_table_pk=True)."""
    return sa.Table(
        VERSION_TABLE,
        sa.MetaData(),
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )


def make_if_empty(url: str | None = None) -> bool:
    """Make the schema at head if the database has none of munbook's tables; True if it did."""
    engine = engines.make_engine(url, pooled=False)
    if engine.dialect.name == "sqlite":
        _transactional_ddl(engine)
    try:
        with schema_lock(engine), engines.connect(engine) as conn, conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
            if not _empty(conn):
                return False
            metadata.create_all(conn)
            for statement in WRITE_ONCE.get(engine.dialect.name, []):
                conn.exec_driver_sql(statement)
            for statement in APPEND_ONLY.get(engine.dialect.name, []):
                conn.exec_driver_sql(statement)
            version = _version_table()
            version.create(conn)
            conn.execute(version.insert().values(version_num=SCHEMA_REVISION))
        return True
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"could not make the store: {getattr(exc, 'orig', exc)}") from None
    finally:
        engine.dispose()


def _transactional_ddl(engine: Engine) -> None:
    """SQLAlchemy's recipe for pysqlite, which opens no transaction before DDL by itself.

    The schema is then all or nothing, and one commit instead of one per statement.
    """

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _empty(conn: Connection) -> bool:
    names = set(sa.inspect(conn).get_table_names())
    return not names & {*metadata.tables, VERSION_TABLE}


def ensure_ready(url: str | None = None) -> None:
    """Bring the store to this munbook's revision: nothing, a new schema, or Alembic's upgrade."""
    probe = engines.make_engine(url, pooled=False)
    try:  # a store at this revision needs nothing
        engines.check_ready(probe, SCHEMA_REVISION)
        return
    except Exception:  # not ready, or unreachable: the steps below say which
        pass
    finally:
        probe.dispose()
    if make_if_empty(url):
        return
    from . import migrate  # an existing store: Alembic replays what it lacks

    migrate.upgrade(url)
