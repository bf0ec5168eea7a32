"""Fixtures: every test writes into its own tmp_path (MUNBOOK_HOME, MUNBOOK_DB)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from widgets.store import Store, migrate

FILES = Path(__file__).parent / "files"
# Every munbook table and the write-once function, as migrations/ makes them.
STORE_TABLES = (
    "alembic_version, access_failures, feedback_releases, reviews, extensions, "
    "submissions, drafts, access_codes, delegations"
)


@pytest.fixture(scope="session")
def upgraded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store made by `munbook db upgrade` once per session, copied into each home."""
    path = tmp_path_factory.mktemp("template") / "munbook.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upgraded_sqlite: Path) -> Path:
    """A private MUNBOOK_HOME with an upgraded SQLite store in it, for every test."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(upgraded_sqlite, home / "munbook.sqlite")
    monkeypatch.setenv("MUNBOOK_HOME", str(home))
    monkeypatch.delenv("MUNBOOK_DB", raising=False)
    return home


def reset_postgres(url: str) -> None:
    """Drop every munbook table from the test database (not the database itself)."""
    import sqlalchemy as sa

    from widgets.store.engine import make_engine

    engine = make_engine(url, pooled=False)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {STORE_TABLES} CASCADE"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS munbook_write_once() CASCADE"))
    engine.dispose()


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
    reset_postgres(url)
    db = Store.open_for_admin(url)
    yield db
    db.dispose()
    reset_postgres(url)


@pytest.fixture
def files() -> Path:
    return FILES


# ---- a real Voilà server and a real browser ---------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """``munbook serve`` in a subprocess, restartable, with its log kept."""

    def __init__(self, home: Path, log: Path, db: str | None = None):
        self.home, self.log, self.port, self.db = home, log, free_port(), db
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        import subprocess
        import sys
        import time
        import urllib.request

        munbook = Path(sys.executable).parent / "munbook"
        env = {**os.environ, "MUNBOOK_HOME": str(self.home)}
        env.pop("MUNBOOK_DB", None)
        if self.db:  # a PostgreSQL store (the load benchmark); SQLite in home() otherwise
            env["MUNBOOK_DB"] = self.db
        out = self.log.open("a")
        self.process = subprocess.Popen(
            [str(munbook), "serve", "--port", str(self.port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.3)
        raise RuntimeError("munbook serve did not answer in 60 s")

    def kill(self, sig: int = 9) -> None:
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig or signal.SIGKILL)
            self.process.wait(timeout=30)

    def url(self, path: str, code: str | None = None) -> str:
        return f"{self.base}/voila/render/{path}" + (f"?code={code}" if code else "")


@pytest.fixture
def demo_home(home: Path) -> dict[str, str]:
    """Workbooks for Kenya and Japan; returns the codes by country and role."""
    import csv

    from widgets.workflows import generate

    result = generate.generate("interpol", country_names=["Kenya", "Japan"], progress=False)
    with result.codes_file.open() as fh:
        rows = list(csv.DictReader(fh))
    return {row["country"] or row["role"]: row["code"] for row in rows}


@pytest.fixture
def served(home: Path, demo_home: dict[str, str], tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    server = Served(home, tmp_path / "serve.log")
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()
