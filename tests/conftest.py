"""Fixtures: every test writes into its own tmp_path (MUNBOOK_HOME, MUNBOOK_DB)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from widgets.store import Store, migrate
from widgets.store.schema import metadata

FILES = Path(__file__).parent / "files"
# Every munbook table and the write-once function, as migrations/ makes them.
# Every table munbook makes, from schema.py itself: a new table cannot be left behind.
STORE_TABLES = ", ".join(["alembic_version", *(t.name for t in reversed(metadata.sorted_tables))])


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
    # Served test servers keep no preheated kernels unless a test asks (test_pool.py).
    monkeypatch.setenv("MUNBOOK_POOL", "0")
    # `--public-url` hands the URL on through os.environ: recorded here, undone after each test.
    monkeypatch.setenv("MUNBOOK_PUBLIC_URL", "")
    monkeypatch.delenv("MUNBOOK_PUBLIC_URL")
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


def scratch_database(url: str, suffix: str, limit: int | None = None):
    """A new empty PostgreSQL database ``<url's database>_<suffix>`` beside ``url``'s.

    Returns (its URL, a function that drops it). ``limit``: its CONNECTION LIMIT.
    """
    from widgets.store.engine import make_engine

    base = make_engine(url, pooled=False).url
    name = f"{base.database}_{suffix}"
    admin = make_engine(base.render_as_string(hide_password=False), pooled=False)
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        made = f'CREATE DATABASE "{name}"'
        conn.exec_driver_sql(made + (f" CONNECTION LIMIT {int(limit)}" if limit else ""))

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.engine.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


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
    context = browser.new_context(viewport={"width": 1100, "height": 900}, timezone_id="UTC")
    yield context.new_page()
    context.close()


# ---- a home holding every kind of file munbook writes ------------------------------

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def full_home(home: Path) -> dict:
    """The demo plus a draft, a submission, exports, grades, feedback, a binder, a CSV."""
    return build_full_home(home)


def build_full_home(home: Path) -> dict:
    """Fill ``home`` (already $MUNBOOK_HOME) with every kind of file munbook writes.

    Made under umask 022 through the CLI and the Python API, as users make them.
    Returns what must never reach a stranger: codes, names, schools, markers.
    """
    import csv

    from click.testing import CliRunner

    from widgets.cli import main
    from widgets.core import committees
    from widgets.serving import serve
    from widgets.store import migrate
    from widgets.workflows import demo, submit

    previous = os.umask(0o022)
    try:
        migrate.upgrade()  # as `munbook demo` does before anything else
        made = demo.prepare()
        serve.install_apps()
        db = Store()
        kenya = db.find_delegation("interpol", "KEN")
        sections = {
            f"{t}.{s}": f"Kenya {t} {s} DRAFT-MARKER-Q7 {XSS}" for t in "AB" for s in SECTIONS
        }
        db.save_draft(
            kenya.id, {"sections": sections, "sources": SOURCES, "disclosure": "None."}, None
        )
        submit.submit(db, kenya.id)
        rubric = {c.name: 9 for c in committees.load("interpol").rubric}
        db.save_review(kenya.id, "Chair A", rubric, "FEEDBACK-MARKER-Z3 cite more.")
        db.dispose()
        runner = CliRunner()
        for command in (
            ["export", "--committee", "interpol", "--drafts"],
            ["export", "--committee", "interpol"],
            ["grades", "--committee", "interpol"],
            ["feedback", "--committee", "interpol", "--release", "2020-01-01 09:00"],
            ["binder", "--committee", "interpol"],
            ["collect", "--committee", "interpol", "--csv", str(home / "grades" / "table.csv")],
        ):
            done = runner.invoke(main, command, prog_name="munbook")
            assert done.exit_code == 0, (command, done.output)
    finally:
        os.umask(previous)
    rows = []
    for path in sorted((home / "access").glob("codes-*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    people = {r[k] for r in rows for k in ("delegate", "school") if r[k]}
    return {
        "made": made,
        "codes": {r["code"] for r in rows},
        "secrets": {r["code"] for r in rows} | people | {"DRAFT-MARKER-Q7", "FEEDBACK-MARKER-Z3"},
    }


# ---- papers and PDFs the tests share -------------------------------------------------

SECTIONS = ("background", "past_action", "country_policy", "solutions")  # INTERPOL's
SOURCES = [{"title": f"Source {i}", "author": "WHO", "date": "2020"} for i in range(3)]
KENYA_WORDS = [
    "Police",
    "in",
    "Kenya",
    "share",
    "data",
    "on",
    "fake",
    "drugs",
    "with",
    "their",
    "neighbours",
]


def full_content(words_per_section: int = 70) -> dict:
    """A paper with every section written (8 sections), 3 sources and the disclosure.

    By default 560 words: within INTERPOL's 600 and its 2 pages, and not far under.
    """
    text = " ".join(KENYA_WORDS[i % len(KENYA_WORDS)] for i in range(words_per_section))
    return {
        "sections": {f"{t}.{s}": text for t in "AB" for s in SECTIONS},
        "sources": SOURCES,
        "disclosure": "None.",
    }


def save_latest(store: Store, delegation: int, content: dict, words: int = 0) -> int:
    """Save ``content`` over the delegation's latest version, as one open page does."""
    latest = store.latest_draft(delegation)
    return store.save_draft(delegation, content, latest.version if latest else None, words=words)


def seed_kenya(content: dict, words: int) -> int:
    """Kenya's draft in the served store, its delegate and school from a one-row roster."""
    from widgets.store import Store
    from widgets.workflows import roster

    store = Store()  # the header needs the delegate and school: from the roster
    roster.import_rows(
        roster.parse(
            b"delegate,school,committee,country\nWanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
        )
    )
    kenya = store.find_delegation("interpol", "KEN")
    save_latest(store, kenya.id, content, words=words)
    return kenya.id


def hand_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand: ``objects`` numbered from 1 (1 is the catalog), with xref."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_words(pdf: bytes) -> str:
    """The PDF's text by pypdf, white space folded to single spaces."""
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def add_blind_committee(home: Path) -> None:
    """BLINDPOL in home()/committees: INTERPOL copied (fact tables too), graded blind."""
    from widgets import settings

    text = (settings.COMMITTEES_DIR / "interpol.yaml").read_text()
    (home / "committees").mkdir(parents=True)
    # A copied committee brings its fact tables along, as a conference would copy them.
    shutil.copytree(settings.COMMITTEES_DIR / "interpol", home / "committees" / "blindpol")
    (home / "committees" / "blindpol.yaml").write_text(
        text.replace("acronym: INTERPOL", "acronym: BLINDPOL").replace(
            "blind_grading: false", "blind_grading: true"
        )
    )


def delegation_with_code(store: Store) -> tuple[int, str]:
    """Kenya in INTERPOL with a live delegate code: (delegation id, code)."""
    from widgets.core import access

    delegation = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    code = access.new_code()
    store.add_code(code, "delegate", "interpol", delegation)
    return delegation, code
