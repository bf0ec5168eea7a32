"""Every CSV munbook writes neutralises cells a spreadsheet would run as a formula."""

import base64
import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets.cli import main
from widgets.core import committees, csvsafe
from widgets.store import Store
from widgets.workflows import review, roster
from widgets.workflows.collect import collect, rows_csv

# OWASP's six: each starts a delegate's and a school's name.
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = {c: (f'{c}HYPERLINK("http://x","y")', f"{c}cmd|' /C calc'!A0") for c in TRIGGERS}
COUNTRIES = ["KEN", "JPN", "GHA", "PER", "BRA", "MEX"]


@pytest.fixture
def db(store: Store) -> Store:
    for code, (delegate, school) in zip(COUNTRIES, PAYLOADS.values(), strict=True):
        store.add_delegation("interpol", code, delegate, school)
    return store


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def assert_neutralised(rows: list[dict[str, str]], triggers: list[str] = TRIGGERS) -> None:
    """Each payload comes back whole, behind a single quote; no cell starts a formula."""
    by_delegate = {r["delegate"]: r for r in rows if r.get("delegate")}
    for delegate, school in (PAYLOADS[c] for c in triggers):
        row = by_delegate["'" + delegate]
        assert row["school"] == "'" + school
    for row in rows:
        for value in row.values():
            assert not (value or "").startswith(tuple(TRIGGERS)), value


def test_neutralise_touches_only_text_that_would_run():
    for char in TRIGGERS:
        assert csvsafe.neutralise(f"{char}1+1") == f"'{char}1+1"
    assert csvsafe.neutralise("Kenya") == "Kenya" and csvsafe.neutralise("a=b") == "a=b"
    assert csvsafe.neutralise(-3) == -3 and csvsafe.neutralise(2.5) == 2.5  # numbers stay numbers
    assert csvsafe.neutralise("") == ""


def test_access_codes_file(db: Store):
    codes = [
        {"role": "delegate", "committee": "interpol", "country": c, "delegate": d, "school": s}
        | {"code": "AAAA-BBBB-CCCC"}
        for c, (d, s) in zip(COUNTRIES, PAYLOADS.values(), strict=True)
    ]
    path = roster.write_codes(codes)
    assert_neutralised(cells(path.read_bytes().decode("utf-8")))


def test_roster_import_writes_neutralised_codes(home: Path, tmp_path: Path, store: Store):
    source = tmp_path / "roster.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["delegate", "school", "committee", "country"])
        for code, (delegate, school) in zip(COUNTRIES, PAYLOADS.values(), strict=True):
            writer.writerow([delegate, school, "INTERPOL", code])
    result = CliRunner().invoke(main, ["roster", "import", str(source)], prog_name="munbook")
    assert result.exit_code == 0, result.output
    [codes_file] = (home / "access").glob("codes-*.csv")
    rows = [r for r in cells(codes_file.read_bytes().decode("utf-8")) if r["role"] == "delegate"]
    assert len(rows) == len(TRIGGERS)
    assert_neutralised(rows, ["=", "+", "-", "@"])  # the import trims a leading tab or CR


def test_grades_csv(db: Store):
    for delegation in db.delegations("interpol"):
        db.save_review(
            delegation.id,
            "Ximena",
            {c.name: 5 for c in committees.load("interpol").rubric},
            "=1+1 is not a comment a spreadsheet should run",
        )
    rows = cells(review.grades_csv(db, "interpol"))
    assert_neutralised(rows)
    assert {r["comments"] for r in rows} == {"'=1+1 is not a comment a spreadsheet should run"}
    path = review.write_grades(db, "interpol")
    assert_neutralised(cells(path.read_bytes().decode("utf-8")))


def test_collect_csv_from_the_command_line(db: Store, tmp_path: Path):
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(
        main, ["collect", "--committee", "interpol", "--csv", str(out)], prog_name="munbook"
    )
    assert result.exit_code == 0, result.output
    assert_neutralised(cells(out.read_bytes().decode("utf-8")))
    assert "\r" not in result.output.replace("\r\n", "\n")  # names printed escaped


def test_chair_app_csv_download(db: Store):
    from widgets.apps.chair import ChairPage

    page = ChairPage(db, "interpol")
    encoded = re.search(r"base64,([A-Za-z0-9+/=]+)", page.collection.csv_link.value).group(1)
    assert_neutralised(cells(base64.b64decode(encoded).decode()))
    assert_neutralised(cells(rows_csv(collect(db, "interpol"))))
