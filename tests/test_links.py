"""Codes with links (code files, mail merge), and issue 11's small things.

Links: every code file line carries the full URL its holder opens, built from
the public URL (``--public-url`` / ``MUNBOOK_PUBLIC_URL``); a mail-merge file
sits beside each file with delegate codes. Small things: ``committees list`` in
the committee's zone, a .gitignore that ignores no tracked file, the chair's
binder offered as a download (no server path), binder errors naming the binder.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import urllib.request
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from widgets import settings
from widgets.cli import main
from widgets.core import committees
from widgets.exceptions import MunbookError
from widgets.paper import export, notebook
from widgets.store import Store
from widgets.workflows import binder, codes, generate, roster

ROSTER = (
    "delegate,school,committee,country\n"
    "Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
    "Chiamaka Eze,Accra International School,INTERPOL,Côte d'Ivoire\n"
    "=SUM(A1:A9),Accra International School,INTERPOL,Ghana\n"
    "Ana Ruiz,,INTERPOL,Peru\n"
)
BASE = "https://mun.example.org"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def imported(store: Store, monkeypatch, base: str = BASE + "/") -> roster.ImportResult:
    monkeypatch.setenv("MUNBOOK_PUBLIC_URL", base)
    return roster.import_rows(roster.parse(ROSTER.encode()), store)


def test_secretariat_file_links_open_each_workbook_and_app(store: Store, monkeypatch):
    result = imported(store, monkeypatch)
    made = generate.generate("interpol", country_names=["Kenya", "Côte d'Ivoire"], progress=False)
    assert not made.failed
    rows = rows_of(result.codes_file)
    assert list(rows[0]) == roster.CODE_FIELDS
    ivory = next(r for r in rows if r["country"] == "Côte d'Ivoire")
    # Delegates open the entry page, which opens the workbook their code names.
    assert ivory["link"] == f"{BASE}/voila/render/open.ipynb?code={ivory['code']}"
    # The file name an advisor had to guess is in the workbook link, and it is the generated file.
    assert ivory["workbook"] == (
        f"{BASE}/voila/render/workbooks/interpol/cote-d-ivoire.ipynb?code={ivory['code']}"
    )
    assert generate.workbook_path("interpol", "Côte d'Ivoire").exists()
    assert all(r["workbook"] == "" for r in rows if r["role"] != "delegate")
    by_role = {r["role"]: r["link"] for r in rows if r["role"] != "delegate"}
    assert by_role["chair"] == f"{BASE}/voila/render/apps/chair.ipynb"
    assert by_role["secretariat"] == by_role["advisor"] == f"{BASE}/voila/render/apps/advisor.ipynb"
    assert all("?code=" not in link for link in by_role.values()), "staff codes stay out of URLs"


def test_each_school_file_and_its_mail_merge(store: Store, monkeypatch):
    result = imported(store, monkeypatch)
    accra = result.school_files["Accra International School"]
    assert {r["country"] for r in rows_of(accra)} == {"Côte d'Ivoire", "Ghana"}
    assert all(
        r["link"].startswith(BASE + "/voila/render/open.ipynb?code=") for r in rows_of(accra)
    )
    assert all(r["workbook"].startswith(BASE + "/voila/render/workbooks/") for r in rows_of(accra))
    merge = next(accra.parent.glob("mail-merge-*.csv"))
    assert merge.name.split("-")[-1] == accra.name.split("-")[-1]  # same time as its code file
    assert merge.stat().st_mode & 0o777 == 0o600
    lines = rows_of(merge)
    assert list(lines[0]) == codes.MAIL_MERGE_FIELDS
    ghana = next(r for r in lines if r["country"] == "Ghana")
    assert ghana["name"] == "'=SUM(A1:A9)", "a formula in a name is neutralised"
    assert ghana["committee"] == "INTERPOL" and ghana["link"].endswith("?code=" + ghana["code"])
    # The secretariat's mail merge has every delegate (a school-less one too), no staff.
    everyone = rows_of(next(result.codes_file.parent.glob("mail-merge-*.csv")))
    assert sorted(r["country"] for r in everyone) == ["Côte d'Ivoire", "Ghana", "Kenya", "Peru"]


def test_public_url_is_checked(monkeypatch):
    assert settings.public_url() == settings.DEFAULT_PUBLIC_URL
    assert settings.check_public_url(" http://10.0.0.5:8866/mun/ ") == "http://10.0.0.5:8866/mun"
    longest = "https://" + "a" * (settings.MAX_PUBLIC_URL - len("https://"))
    assert settings.check_public_url(longest) == longest
    for bad in (
        longest + "a",
        "mun.example.org",
        "ftp://x",
        "https://x/?a=1",
        "https://münbook.org",
    ):
        with pytest.raises(MunbookError, match="public URL"):
            settings.check_public_url(bad)
    monkeypatch.setenv("MUNBOOK_PUBLIC_URL", "javascript:alert(1)")
    with pytest.raises(MunbookError):
        settings.public_url()


def test_roster_import_public_url_option(home: Path, tmp_path: Path, monkeypatch, store):
    # The command hands the URL on through the environment: undo that after the test.
    monkeypatch.setenv("MUNBOOK_PUBLIC_URL", settings.DEFAULT_PUBLIC_URL)
    source = tmp_path / "roster.csv"
    source.write_text(ROSTER, encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(main, ["roster", "import", str(source), "--public-url", "mun.org"])
    assert bad.exit_code == 2 and "http:// or https://" in bad.output
    assert not (home / "access").exists(), "nothing imported with a bad URL"
    good = runner.invoke(main, ["roster", "import", str(source), "--public-url", "http://10.1.2.3"])
    assert good.exit_code == 0, good.output
    (path,) = (home / "access").glob("codes-*.csv")
    assert all(r["link"].startswith("http://10.1.2.3/voila/render/") for r in rows_of(path))


def test_a_link_from_the_code_file_opens_the_served_workbook(served, home: Path):
    (path,) = (home / "access").glob("codes-*.csv")
    kenya = next(r for r in rows_of(path) if r["country"] == "Kenya")
    for column in ("workbook", "link"):  # its own page, and the entry page
        assert kenya[column].startswith(settings.DEFAULT_PUBLIC_URL + "/")
        # The served test server listens on another port: same path, same query.
        url = served.base + kenya[column][len(settings.DEFAULT_PUBLIC_URL) :]
        with urllib.request.urlopen(url, timeout=120) as response:
            assert response.status == 200
            page = response.read().decode()
        assert "Traceback" not in page
        if column == "workbook":  # the entry page's title names no country
            assert "Kenya" in page


# ---- issue 11, point 11: small things ------------------------------------------------


def test_committees_list_shows_the_deadline_in_the_committees_zone():
    info = committees.load("interpol")
    local = info.rules.deadline_utc.astimezone(ZoneInfo(info.rules.timezone))
    out = CliRunner().invoke(main, ["committees", "list"]).output
    line = next(line for line in out.splitlines() if line.startswith("interpol"))
    assert f"due {local:%Y-%m-%d %H:%M} ({info.rules.timezone})" in line
    assert "UTC" not in line


def test_gitignore_ignores_no_tracked_file():
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout: nothing is tracked")
    ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert ignored == [], f"tracked but listed in .gitignore: {ignored}"
    assert "data/countries.csv" not in (root / ".gitignore").read_text().split()


@pytest.fixture
def submitted(home: Path) -> Store:
    store = Store()
    deadline = committees.load("interpol").rules.deadline_utc
    for country, code in (("Kenya", "KEN"), ("Ghana", "GHA")):
        store.add_delegation("interpol", code, f"Delegate of {country}", "Nairobi Academy")
        delegation = store.find_delegation("interpol", code)
        text = f"{country} works with AFRIPOL on Operation Pangea."
        sections = {f"{t}.background": text for t in "AB"}
        pdf = export.render(notebook.paper_notebook("interpol", delegation, {"sections": sections}))
        store.add_submission(
            delegation.id,
            pdf=pdf.pdf,
            sha256="z" * 64,
            seconds_late=0,
            pages=1,
            text=text,
            submitted_at=deadline - timedelta(hours=1),
        )
    return store


def test_chair_gets_the_binder_as_a_download_not_a_server_path(submitted: Store, home: Path):
    from widgets.apps.chair import ChairPage

    page = ChairPage(submitted, "interpol")
    result = page.binder.build_binder()
    message = page.binder.binder_message.value
    assert result is not None and "2 papers" in message
    assert "data:application/pdf;base64," in message and "Download the binder" in message
    assert str(home) not in message and "<code>" not in message


def test_binder_error_names_the_binder_asked_for(submitted: Store, tmp_path: Path):
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")
    wanted = blocker / "b.pdf"  # its folder cannot exist: a file stands there
    with pytest.raises(MunbookError) as caught:
        binder.build_binder(submitted, "interpol", out=wanted)
    assert str(wanted) in str(caught.value) and ".tmp" not in str(caught.value)
    result = CliRunner().invoke(main, ["binder", "--committee", "interpol", "--out", str(wanted)])
    assert result.exit_code == 2 and str(wanted) in result.output and ".tmp" not in result.output
