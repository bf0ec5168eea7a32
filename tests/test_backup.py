"""Backups of a busy store, restored into an empty one: nothing committed before is lost."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import reset_postgres, scratch_database

from widgets.cli import main
from widgets.exceptions import StoreError
from widgets.store import DraftConflict, Store, backup
from widgets.store.engine import make_engine

WRITERS = 4


class Writers:
    """Threads saving drafts, each through its own Store (as kernels would)."""

    def __init__(self, url: str, delegations: list[int]):
        self.url, self.delegations = url, delegations
        self.saved: list[tuple[int, int, dict]] = []  # (delegation, version, content), committed
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self.write, args=(d,)) for d in delegations]

    def write(self, delegation_id: int) -> None:
        store = Store(self.url)
        version = 0
        try:
            while not self.stop.is_set():
                content = {"A/0": f"draft {version + 1} of {delegation_id} " + "é" * version}
                try:
                    version = store.save_draft(delegation_id, content, version)
                except DraftConflict as exc:  # never expected: one writer per delegation
                    self.errors.append(exc)
                    return
                with self.lock:
                    self.saved.append((delegation_id, version, content))
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            store.dispose()

    def committed(self) -> list[tuple[int, int, dict]]:
        with self.lock:
            return list(self.saved)


def _restore_target(store: Store, tmp_path: Path):
    """An empty store of the same kind: a new SQLite file, or a second PostgreSQL database."""
    if store.engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'munbook.sqlite'}", None
    return scratch_database(store.engine.url.render_as_string(hide_password=False), "restore")


def test_a_busy_store_restores_with_everything_committed_before_the_backup(
    store: Store, tmp_path: Path, home: Path
):
    ids = [store.add_delegation("interpol", c, f"D{c}") for c in ("KEN", "JPN", "FRA", "BRA")]
    writers = Writers(store.url, ids[:WRITERS])
    for thread in writers.threads:
        thread.start()
    while len(writers.committed()) < 40 and not writers.errors:
        time.sleep(0.02)
    before = writers.committed()
    try:
        made = backup.backup(store.url)
        during = len(writers.committed()) - len(before)
        time.sleep(0.2)
    finally:
        writers.stop.set()
        for thread in writers.threads:
            thread.join()
    assert writers.errors == []
    assert during > 0 or store.engine.dialect.name == "sqlite", "writers kept writing"

    assert made.path.parent == home / "backups"
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert made.path.parent.stat().st_mode & 0o777 == 0o700

    url, drop = _restore_target(store, tmp_path)
    try:
        assert backup.restore(made.path, url).ready
        restored = Store(url)
        for delegation_id, version, content in before:
            assert restored.draft(delegation_id, version).content == content
        # Whatever else came back is a real save, unchanged (a snapshot, not a torn copy).
        everything = {(d, v): c for d, v, c in writers.committed()}
        for delegation_id in ids:
            for version, _, _ in restored.draft_history(delegation_id):
                found = restored.draft(delegation_id, version).content
                assert everything[(delegation_id, version)] == found
        assert sorted(d.id for d in restored.delegations()) == sorted(ids)
        restored.dispose()
    finally:
        if drop:
            drop()


def test_restore_refuses_a_store_with_data(store: Store):
    store.add_delegation("interpol", "KEN", "Wanjiru")
    made = backup.backup(store.url)
    store.add_delegation("interpol", "JPN", "Hiro")
    with pytest.raises(StoreError, match=r"not empty \(delegations has rows\)"):
        backup.restore(made.path, store.url)
    assert len(store.delegations()) == 2  # nothing was touched


def test_restore_refuses_what_is_not_a_backup(store: Store, tmp_path: Path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(StoreError, match="not a munbook backup"):
        backup.restore(junk, store.url)


def test_a_sqlite_backup_is_refused_by_a_postgresql_store(store: Store, tmp_path: Path):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the mismatch needs a PostgreSQL store")
    sqlite_file = tmp_path / "other.sqlite"
    Store.open_for_admin(f"sqlite:///{sqlite_file}").dispose()
    reset_postgres(store.url)
    with pytest.raises(StoreError, match="is a sqlite backup but the store is postgresql"):
        backup.restore(sqlite_file, store.url)


def test_backup_and_restore_commands(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    Store().add_delegation("interpol", "KEN", "Wanjiru")
    runner = CliRunner()
    made = runner.invoke(main, ["backup"])
    assert made.exit_code == 0, made.output
    (file,) = (home / "backups").iterdir()
    assert str(file) in made.output

    refused = runner.invoke(main, ["restore", str(file)])
    assert refused.exit_code == 2
    assert "not empty" in refused.output

    monkeypatch.setenv("MUNBOOK_HOME", str(tmp_path / "elsewhere"))
    restored = runner.invoke(main, ["restore", str(file)])
    assert restored.exit_code == 0, restored.output
    assert [d.country for d in Store().delegations()] == ["KEN"]


def test_a_backup_of_a_first_release_store_restores_upgraded(tmp_path: Path, home: Path):
    """An old store's backup comes back at this munbook's revision."""
    old_file = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{old_file}", pooled=False)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE delegations (id INTEGER PRIMARY KEY, committee VARCHAR(64) NOT NULL, "
            "country VARCHAR(3) NOT NULL, delegate TEXT NOT NULL, school TEXT NOT NULL, "
            "created_at DATETIME NOT NULL, UNIQUE (committee, country))"
        )
        conn.exec_driver_sql(
            "CREATE TABLE access_codes (id INTEGER PRIMARY KEY, role VARCHAR(16) NOT NULL, "
            "committee VARCHAR(64), delegation_id INTEGER REFERENCES delegations (id), "
            "salt VARCHAR(64) NOT NULL, digest VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL)"
        )
        conn.execute(
            sa.text(
                "INSERT INTO delegations VALUES (1, 'interpol', 'KEN', 'W', 'S', "
                "'2026-03-01 12:00:00.000000')"
            )
        )
    engine.dispose()
    made = backup.backup(f"sqlite:///{old_file}")
    target = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert backup.restore(made.path, target).ready
    assert Store(target).delegation(1).country == "KEN"
