"""Make and migrate the store's schema with Alembic: ``munbook db upgrade`` / ``db current``.

Only staff commands run this (serve, demo, roster import, generate, ...), once;
a delegate's kernel only reads the revision (``Store`` checks it) and never runs
DDL, so a hundred kernels opening at once cannot race on the schema.

Stores made before migrations existed have tables but no ``alembic_version``:
they are stamped with the revision their columns match, then upgraded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from .. import settings
from ..exceptions import StoreError
from . import engine as engines
from .lock import LOCK_KEY, schema_lock

MIGRATIONS_DIR = settings.MIGRATIONS_DIR  # Alembic's script_location
# Alembic's `context` and `op` are module globals: one migration at a time per process.
_IN_PROCESS = threading.Lock()


@dataclass(frozen=True)
class Revision:
    url: str  # without its password
    current: str | None
    head: str

    @property
    def ready(self) -> bool:
        return self.current == self.head


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def head() -> str:
    """The newest revision shipped with this munbook."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    if revision is None:  # a broken install: the migrations folder is missing or empty
        raise StoreError(f"no migration found in {MIGRATIONS_DIR}")
    return revision


def current(url: str | None = None) -> Revision:
    """The store's revision (None when it has no schema yet) and this munbook's head."""
    engine = engines.make_engine(url, pooled=False)
    try:
        with _IN_PROCESS, engines.connect(engine) as conn:
            found = MigrationContext.configure(conn).get_current_revision()
        return Revision(engines.safe_url(engine), found, head())
    finally:
        engine.dispose()


def upgrade(url: str | None = None) -> Revision:
    """Bring the store at ``url`` (default: the configured one) to the newest revision."""
    engine = engines.make_engine(url, pooled=False)
    try:
        with _IN_PROCESS, schema_lock(engine), engines.connect(engine) as conn, conn.begin():
            if engine.dialect.name == "postgresql":
                # Two staff commands starting at once: the second waits, then finds head.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
            config = _config(conn)
            legacy = _legacy_revision(conn)
            if legacy:
                command.stamp(config, legacy)
            command.upgrade(config, "head")
            found = MigrationContext.configure(conn).get_current_revision()
        return Revision(engines.safe_url(engine), found, head())
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"could not upgrade the store: {getattr(exc, 'orig', exc)}") from None
    finally:
        engine.dispose()


def _legacy_revision(conn: Connection) -> str | None:
    """The revision a store made without migrations matches, or None if it has none."""
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" in tables or "delegations" not in tables:
        return None
    columns = {c["name"] for c in sa.inspect(conn).get_columns("access_codes")}
    if "comments" in tables:  # made with schema.py's tables of revision 0006
        return "0006"
    if "review_statuses" in tables:  # made with schema.py's tables of revision 0005
        return "0005"
    if "staff" in tables:  # made with schema.py's tables of revision 0004
        return "0004"
    if "held_drafts" in tables:  # made with schema.py's tables of revision 0003
        return "0003"
    if {"school", "revoked_at"} <= columns:
        return "0002"
    if columns & {"school", "revoked_at"}:
        raise StoreError(
            "the store's access_codes table is neither the first release's nor this one's; "
            "restore a backup or ask for help"
        )
    return "0001"
