"""Fixtures: every test writes into its own tmp_path (MUNBOOK_HOME, MUNBOOK_DB)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from widgets.store import Store, metadata

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private MUNBOOK_HOME with a SQLite store in it, for every test."""
    home = tmp_path / "home"
    monkeypatch.setenv("MUNBOOK_HOME", str(home))
    monkeypatch.delenv("MUNBOOK_DB", raising=False)
    return home


def _postgres_url() -> str:
    url = os.environ.get("MUNBOOK_TEST_PG", "")
    if not url:
        pytest.skip("no PostgreSQL server: `make test` starts one with scripts/test-postgres")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty store, once on a SQLite file and once on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield Store()
        return
    url = _postgres_url()
    monkeypatch.setenv("MUNBOOK_DB", url)
    fresh = Store(url)
    metadata.drop_all(fresh.engine)
    fresh.dispose()
    db = Store(url)
    yield db
    metadata.drop_all(db.engine)
    db.dispose()


@pytest.fixture
def files() -> Path:
    return FILES
