"""A stranger without a code gets nothing munbook wrote, by any route the server offers.

Every file under a home that holds every kind of output (store, codes,
workbooks, apps, drafts exported, a submission, grades, feedback, a binder,
a CSV, the font cache) is asked for by every route Voilà and Jupyter server
offer, with and without path tricks; no answer may carry its content, a
code, a delegate's or school's name, or a draft. Markdown in a served
notebook is shown as text, never as HTML.
"""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from conftest import CHROMIUM, XSS, Served, build_full_home

pytestmark = pytest.mark.browser

ALNUM_RUN = re.compile(rb"[A-Za-z0-9][A-Za-z0-9 ._-]{21,}")


def fetch(base: str, path: str, method: str = "GET") -> tuple[int, bytes]:
    """One raw request (no redirects followed, no path normalised by the client)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def samples(path: Path, count: int = 4) -> list[bytes]:
    """Pieces of a file that would show in any copy of it: readable runs, else raw bytes."""
    data = path.read_bytes()
    runs = [m.group()[:24] for m in ALNUM_RUN.finditer(data) if len(set(m.group())) > 8]
    if runs:
        step = max(1, len(runs) // count)
        return runs[::step][:count]
    windows = [data[i : i + 24] for i in range(0, max(0, len(data) - 24), 997)]
    return [w for w in windows if len(set(w)) > 10][:count]


def routes(home: Path, path: Path) -> list[str]:
    """Every way a browser could name ``path`` to Voilà and Jupyter server."""
    site = home / "site"
    from_home = quote(path.relative_to(home).as_posix())
    absolute = quote(path.as_posix())
    names = [f"../{from_home}", f"%2e%2e/{from_home}", f"..%2f{from_home}", absolute[1:]]
    if site in path.parents:
        names.insert(0, quote(path.relative_to(site).as_posix()))
    up = "../" * (len(path.parents) + 2)
    found = []
    for name in names:
        found += [
            f"/voila/files/{name}",
            f"/files/{name}",
            f"/voila/tree/{name}",
            f"/voila/api/contents/{name}?content=1",
            f"/voila/api/contents/{name}?content=1&format=base64",
            f"/api/contents/{name}?content=1",
            f"/nbconvert/html/{name}",
            f"/notebooks/{name}",
            f"/edit/{name}",
            f"/view/{name}",
            f"/lab/tree/{name}",
            f"/tree/{name}",
        ]
        if site not in path.parents or path.suffix != ".ipynb":
            found.append(f"/voila/render/{name}")  # served notebooks are rendered below
    found += [
        f"/voila/static/{up}{absolute[1:]}",
        f"/voila/static/{quote(up, safe='')}{absolute[1:]}",
        f"/voila/templates/lab/static/{up}{absolute[1:]}",
        f"/voila/templates/{quote('..', safe='')}/static/{up}{absolute[1:]}",
        f"/voila/labextensions/{up}{absolute[1:]}",
        f"/voila/api/themes/{up}{absolute[1:]}",
        f"/static/{up}{absolute[1:]}",
    ]
    return found


def leaks(body: bytes, secrets: set[str], pieces: list[bytes]) -> list[str]:
    found = [s for s in secrets if s.encode() in body]
    return found + [repr(p) for p in pieces if p in body]


@pytest.fixture(scope="module")
def served_home(tmp_path_factory: pytest.TempPathFactory):
    """One full home and one server for the module (building the home takes a minute)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    home = tmp_path_factory.mktemp("served") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUNBOOK_HOME", str(home))
        patch.delenv("MUNBOOK_DB", raising=False)
        patch.setenv("MUNBOOK_MAX_KERNELS", "8")
        made = build_full_home(home)
        markdown = nbformat.v4.new_notebook()
        markdown.cells = [
            nbformat.v4.new_markdown_cell(f"# Notes\n\n{XSS}\n\n<script>alert(2)</script> *done*"),
            nbformat.v4.new_raw_cell(XSS, metadata={"raw_mimetype": "text/html"}),
        ]
        markdown.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(markdown, home / "site" / "workbooks" / "markdown.ipynb")
        server = Served(home, home.parent / "serve.log")
        server.start()
    yield server, made
    server.kill(15)


@pytest.fixture
def server(served_home) -> Served:
    return served_home[0]


@pytest.fixture
def full_home(served_home) -> dict:
    return served_home[1]


@pytest.fixture
def home(served_home) -> Path:
    return served_home[0].home


def test_no_file_under_home_reaches_a_stranger(server: Served, full_home: dict, home: Path):
    secrets = full_home["secrets"]
    files = [p for p in home.rglob("*") if p.is_file() and p.name != "markdown.ipynb"]
    kinds = {p.relative_to(home).parts[0] for p in files}
    assert {"munbook.sqlite", "access", "site", "submissions", "papers", "grades"} <= kinds
    assert {"feedback", "binders", "cache"} <= kinds
    checked = 0
    for path in files:
        pieces = samples(path)
        # Something to look for in every answer (SQLite's -shm is an index, no data).
        assert pieces or path.name.endswith(("-shm", ".upgrade-lock")), path
        for route in routes(home, path):
            for method in ("GET", "POST") if route.startswith("/voila/api") else ("GET",):
                status, body = fetch(server.base, route, method)
                assert not leaks(body, secrets, pieces), (route, status)
                assert status != 200, (route, status)
                checked += 1
    assert checked > 1000
    # Listings and API roots: nothing but a plain page.
    for route in (
        "/",
        "/voila/tree",
        "/voila/tree/",
        "/voila/tree/workbooks",
        "/voila/api/contents",
    ):
        status, body = fetch(server.base, route)
        assert b"kenya" not in body.lower() and b".ipynb" not in body, route
        assert b"munbook.sqlite" not in body and b"access" not in body, route


def test_served_notebooks_show_nothing_before_the_gate(server: Served, full_home, home: Path):
    site = home / "site"
    pages = ["workbooks/interpol/kenya.ipynb", "workbooks/interpol/japan.ipynb"]
    pages += ["apps/chair.ipynb", "apps/advisor.ipynb"]
    for page in pages:
        status, body = fetch(server.base, f"/voila/render/{page}")
        assert status == 200 and b"application/vnd.jupyter.widget-view+json" in body, page
        assert not leaks(body, full_home["secrets"], []), page
        # Sources are stripped: the page shows the gate, not the notebook's code.
        assert b"workbook_page(" not in body and b"chair_app(" not in body, page
        # Papermill's parameters and every cell of a served notebook hold no secret.
        assert not leaks((site / page).read_bytes(), full_home["secrets"], []), page


def test_markdown_is_text_not_html(server: Served, browser):
    status, body = fetch(server.base, "/voila/render/workbooks/markdown.ipynb")
    assert status == 200
    lowered = body.lower()
    assert b"<img src=x" not in lowered and b'<img src="x"' not in lowered
    assert b"<script>alert(2)" not in lowered
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url("workbooks/markdown.ipynb"), timeout=120_000)
    page.get_by_text("done").wait_for(timeout=120_000)
    assert page.locator("img[onerror], img[src='x']").count() == 0
    assert XSS in page.inner_text("body")  # shown as the text the author typed
    page.wait_for_timeout(500)
    assert dialogs == []
    context.close()
