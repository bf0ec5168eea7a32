"""An empty store is made at head without Alembic, and is the database Alembic would make.

On a real SQLite file and a real PostgreSQL database (MUNBOOK_TEST_PG).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import _postgres_url, scratch_database

from widgets import settings
from widgets.exceptions import StoreError
from widgets.store import Store, fresh, migrate
from widgets.store.engine import make_engine
from widgets.store.schema import SCHEMA_REVISION, metadata, submissions

ROOT = Path(__file__).parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def two_empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two databases with no tables at all, on the same server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
        return
    url = _postgres_url()
    first, drop_first = scratch_database(url, "fresh_a")
    second, drop_second = scratch_database(url, "fresh_b")
    yield first, second
    drop_first()
    drop_second()


def describe(url: str) -> dict:
    """Everything about a database's schema that a migration could change, order aside."""
    engine = make_engine(url, pooled=False)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        tables = {}
        for name in inspector.get_table_names():
            tables[name] = {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in inspector.get_columns(name)
                ),
                "pk": (inspector.get_pk_constraint(name)["constrained_columns"]),
                "unique": sorted(
                    tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(name)
                ),
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(name)
                ),
            }
        described = {
            "tables": tables,
            "triggers": _triggers(conn),
            "revision": MigrationContext.configure(conn).get_current_revision(),
            "diff": compare_metadata(MigrationContext.configure(conn), metadata),
        }
    engine.dispose()
    return described


def _triggers(conn: sa.Connection) -> list:
    if conn.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    else:
        query = (
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "WHERE NOT tgisinternal ORDER BY tgname"
        )
    return [tuple(row) for row in conn.exec_driver_sql(query)]


def test_an_empty_store_is_made_as_alembic_makes_it(two_empty: tuple[str, str]):
    ours, alembics = two_empty
    assert fresh.make_if_empty(ours) is True
    migrate.upgrade(alembics)
    made, expected = describe(ours), describe(alembics)
    assert made["revision"] == SCHEMA_REVISION == migrate.head()
    assert made["diff"] == [] and made["triggers"]
    assert made == expected
    # Alembic takes it from there: nothing to do, and it says so.
    assert migrate.upgrade(ours).ready


def test_a_failure_half_way_leaves_no_tables(
    two_empty: tuple[str, str], monkeypatch: pytest.MonkeyPatch
):
    url = two_empty[0]
    dialect = make_engine(url, pooled=False).dialect.name
    original = fresh.WRITE_ONCE[dialect]
    monkeypatch.setitem(fresh.WRITE_ONCE, dialect, ["CREATE TRIGGER broken"])
    with pytest.raises(StoreError, match="could not make the store"):
        fresh.make_if_empty(url)
    engine = make_engine(url, pooled=False)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []  # all or nothing, SQLite too
    engine.dispose()
    monkeypatch.setitem(fresh.WRITE_ONCE, dialect, original)
    assert fresh.make_if_empty(url) is True


def test_submissions_stay_write_once(two_empty: tuple[str, str]):
    url = two_empty[0]
    fresh.make_if_empty(url)
    store = Store(url)
    delegation = store.add_delegation("interpol", "KEN", "A. Delegate", "A School")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with store.begin() as conn:
        conn.execute(
            submissions.insert().values(
                delegation_id=delegation, submitted_at=at, pdf=b"%PDF", sha256="0" * 64
            )
        )
    with pytest.raises(sa.exc.DBAPIError, match="write-once"), store.begin() as conn:
        conn.execute(submissions.update().values(sha256="1" * 64))
    store.dispose()


def test_a_store_with_tables_is_left_to_alembic(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url, pooled=False)
    metadata.create_all(engine)  # as Store() did before migrations: no alembic_version
    engine.dispose()
    assert fresh.make_if_empty(url) is False  # nothing touched
    assert migrate.current(url).current is None
    fresh.ensure_ready(url)  # Alembic stamps it
    assert migrate.current(url).ready


def test_a_staff_command_in_a_new_home_loads_neither_alembic_nor_papermill(tmp_path: Path):
    from widgets.workflows import workbook_template as wt

    shipped = settings.PREPARED_TEMPLATES_DIR / wt.kept_name(
        settings.WORKBOOK_TEMPLATE.read_bytes()
    )
    if not shipped.exists():  # other Papermill/nbformat/black: the first generate prepares it
        pytest.skip(f"no template shipped for {wt._versions()}: Papermill prepares it in the home")
    probe = (
        "import sys\nfrom widgets.cli import main\n"
        "try:\n    main(['generate', '--committee', 'interpol', '--countries', 'Kenya'])\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted({'alembic', 'mako', 'papermill', 'nbformat', 'jsonschema'}"
        " & {n.split('.')[0] for n in sys.modules}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MUNBOOK_HOME": str(tmp_path)}
    env.pop("MUNBOOK_DB", None)
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
    assert migrate.current(f"sqlite:///{tmp_path / 'munbook.sqlite'}").ready
    assert (tmp_path / "site" / "workbooks" / "interpol" / "kenya.ipynb").is_file()
