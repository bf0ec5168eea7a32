"""Migrations: the schema is made once by `munbook db upgrade`, and old stores follow.

On a real SQLite file and a real PostgreSQL database (MUNBOOK_TEST_PG).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from conftest import FILES, reset_postgres

from widgets.cli import main
from widgets.core import access
from widgets.exceptions import StoreError
from widgets.store import Store, migrate
from widgets.store.engine import NOT_READY, make_engine
from widgets.store.schema import SCHEMA_REVISION, metadata

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    from conftest import _postgres_url

    url = _postgres_url()
    reset_postgres(url)
    yield url
    reset_postgres(url)


def first_release_schema():
    spec = importlib.util.spec_from_file_location(
        "schema_first_release", FILES / "schema_first_release.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schema_revision_names_the_newest_migration():
    assert migrate.head() == SCHEMA_REVISION


def test_upgrade_makes_exactly_the_schema_of_schema_py(empty_url: str):
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url, pooled=False)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        triggers = _write_once_triggers(conn)
    engine.dispose()
    assert diff == []
    assert triggers >= 1


def _write_once_triggers(conn: sa.Connection) -> int:
    if conn.dialect.name == "sqlite":
        query = "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name='submissions'"
    else:
        query = "SELECT count(*) FROM pg_trigger WHERE tgname = 'submissions_write_once'"
    return conn.exec_driver_sql(query).scalar_one()


def test_a_kernel_store_runs_no_ddl_and_says_the_schema_is_missing(empty_url: str):
    with pytest.raises(StoreError, match="ask the secretariat to run munbook db upgrade"):
        Store(empty_url)
    assert migrate.current(empty_url).current is None  # nothing was created
    migrate.upgrade(empty_url)
    Store(empty_url).dispose()


def test_the_workbook_page_shows_the_message_not_a_blank(home: Path):
    from widgets.apps.workbook import workbook_page

    (home / "munbook.sqlite").unlink()
    page = workbook_page("interpol", "KEN", 1)
    assert NOT_READY in page.value


def _fill_first_release(url: str) -> dict[str, list[dict]]:
    """Make a store as the first release did, put one row in every table; return them all."""
    old = first_release_schema()
    engine = make_engine(url, pooled=False)
    with engine.begin() as conn:
        old.metadata.create_all(conn)
        for statement in old.WRITE_ONCE[engine.dialect.name]:
            conn.exec_driver_sql(statement)
        t = old.metadata.tables
        conn.execute(t["delegations"].insert(), [_delegation(1, "KEN"), _delegation(2, "JPN")])
        salt = access.new_salt()
        conn.execute(
            t["access_codes"].insert(),
            [
                {"role": "delegate", "committee": "interpol", "delegation_id": 1, "salt": salt}
                | {"digest": access.digest("KEN-CODE", salt), "created_at": T0},
                {"role": "chair", "committee": "interpol", "delegation_id": None, "salt": salt}
                | {"digest": access.digest("CHAIR-CODE", salt), "created_at": T0},
            ],
        )
        conn.execute(
            t["drafts"].insert(),
            [
                {"delegation_id": 1, "version": v, "content": f'{{"A/0": "Kenya draft {v} é"}}'}
                | {"words": v, "saved_at": T0}
                for v in (1, 2, 3)
            ],
        )
        conn.execute(
            t["submissions"].insert(),
            {"delegation_id": 1, "submitted_at": T0, "notebook": "{}", "pdf": b"%PDF-1.7\x00\xff"}
            | {"sha256": "0" * 64, "seconds_late": 0, "ingested": False},
        )
        conn.execute(
            t["extensions"].insert(),
            {"delegation_id": 2, "until": T0, "granted_at": T0, "reason": "flight"},
        )
        conn.execute(
            t["reviews"].insert(),
            {"delegation_id": 1, "chair": "c", "scores": '{"solutions": 18}', "comments": "ok"}
            | {"updated_at": T0},
        )
        conn.execute(
            t["feedback_releases"].insert(),
            {"committee": "interpol", "release_at": T0, "set_at": T0},
        )
        conn.execute(t["access_failures"].insert(), {"scope": "delegate:1", "at": T0})
        rows = {name: _rows(conn, table) for name, table in t.items()}
    engine.dispose()
    return rows


def _delegation(id_: int, country: str) -> dict:
    return {
        "id": id_,
        "committee": "interpol",
        "country": country,
        "delegate": "D",
        "school": "S",
    } | {"created_at": T0}


def _rows(conn: sa.Connection, table: sa.Table) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(table.select().order_by(*table.primary_key))]


def test_first_release_store_upgrades_and_loses_nothing(empty_url: str):
    before = _fill_first_release(empty_url)
    with pytest.raises(StoreError, match="not ready"):
        Store(empty_url)  # the old schema, unstamped: kernels wait for the upgrade

    result = migrate.upgrade(empty_url)

    assert result.current == SCHEMA_REVISION
    old = first_release_schema()
    engine = make_engine(empty_url, pooled=False)
    with engine.connect() as conn:
        after = {name: _rows(conn, table) for name, table in metadata.tables.items()}
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
    for name, rows in before.items():
        kept = [
            {c.name: row[c.name] for c in old.metadata.tables[name].columns} for row in after[name]
        ]
        assert kept == rows, name
    assert {(r["school"], r["revoked_at"]) for r in after["access_codes"]} == {(None, None)}

    store = Store(empty_url)
    assert store.check_code("KEN-CODE", "delegate", "interpol", 1)
    assert store.latest_draft(1).content == {"A/0": "Kenya draft 3 é"}
    assert store.submissions(1)[0]["pdf"] == b"%PDF-1.7\x00\xff"
    assert store.revoke_codes("delegate", 1) == 1  # the new column works
    assert not store.check_code("KEN-CODE", "delegate", "interpol", 1)
    with pytest.raises(sa.exc.DatabaseError, match="write-once"), store.begin() as conn:
        conn.execute(metadata.tables["submissions"].delete())
    store.dispose()


def test_a_store_made_by_this_code_before_migrations_is_stamped_not_altered(empty_url: str):
    engine = make_engine(empty_url, pooled=False)
    metadata.create_all(engine)  # as Store() did until now, with school and revoked_at
    engine.dispose()
    assert migrate.upgrade(empty_url).current == SCHEMA_REVISION


def test_staff_commands_upgrading_at_once_all_succeed(empty_url: str):
    """Separate processes, as serve and roster import would be: none fails, none waits forever."""
    probe = (
        "import sys; from widgets.store import Store; Store.open_for_admin(sys.argv[1]).dispose()"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    procs = [
        subprocess.Popen([sys.executable, "-c", probe, empty_url], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs if p.wait(timeout=120)]
    assert errors == []
    assert migrate.current(empty_url).ready


def test_db_commands(home: Path):
    (home / "munbook.sqlite").unlink()
    runner = CliRunner()
    missing = runner.invoke(main, ["db", "current"])
    assert missing.exit_code == 1
    assert "revision none" in missing.output
    assert "munbook db upgrade" in missing.output
    made = runner.invoke(main, ["db", "upgrade"])
    assert made.exit_code == 0, made.output
    assert f"none -> {SCHEMA_REVISION}" in made.output
    again = runner.invoke(main, ["db", "upgrade"])
    assert "already at revision" in again.output
    ready = runner.invoke(main, ["db", "current"])
    assert ready.exit_code == 0
    assert "ready" in ready.output
