"""The advisor app's actions, driven as its buttons drive them."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from widgets.apps.advisor import AdvisorPage, advisor_app
from widgets.core import access
from widgets.core.access import SECRETARIAT, Grant
from widgets.core.times import parse_local_time
from widgets.exceptions import MunbookError
from widgets.store import Store
from widgets.workflows import roster

GOOD = b"delegate,school,committee,country\nWanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\nHaruto Sato,TIS,INTERPOL,Japan\n"


@pytest.fixture
def page(store: Store) -> AdvisorPage:
    return AdvisorPage(store, Grant(SECRETARIAT))


def test_upload_shows_every_problem_and_imports_nothing(page: AdvisorPage, files: Path):
    data = (files / "roster_bad_rows.csv").read_bytes()
    assert page.import_roster(data, "bad.csv") is None
    message = page.roster_message.value
    assert "nothing imported" in message and "line 3: unknown committee" in message
    assert message.count("<li>") == 5  # and the country of line 4 ("Keyna") is asked
    assert list(page.roster.questions.pickers) == [(4, "Keyna")]
    assert page.store.delegations() == []


def test_upload_generate_and_progress_table(page: AdvisorPage, home: Path):
    result = page.import_roster(GOOD, "roster.csv")
    assert len(result.created) == 2 and "2 created" in page.roster_message.value
    assert "codes-" in page.codes.value and "data:text/csv;base64," in page.codes.value
    generated = page.generate("interpol")
    assert len(generated.written) == 2 and page.bar.value == page.bar.max == 2
    assert (home / "site" / "workbooks" / "interpol" / "kenya.ipynb").exists()
    assert "Wanjiru Kamau" in page.table.value and "not started" in page.table.value
    kenya = page.store.find_delegation("interpol", "KEN")
    page.store.save_draft(kenya.id, {"sections": {"A.background": "one two three"}}, None, words=3)
    page.refresh()
    row = page.table.value.split("Kenya")[1].split("</tr>")[0]
    assert "drafting" in row and "<td>3</td>" in row


def test_hostile_names_are_escaped_in_the_table(page: AdvisorPage):
    page.import_roster(
        b"delegate,school,committee,country\n<img src=x onerror=alert(1)>,<b>S</b>,INTERPOL,Peru\n",
        "r.csv",
    )
    assert (
        "<img src=x" not in page.table.value
        and "&lt;img src=x onerror=alert(1)&gt;" in page.table.value
    )


def test_extension_in_the_committee_time_zone(page: AdvisorPage):
    page.import_roster(GOOD, "roster.csv")
    kenya = page.store.find_delegation("interpol", "KEN")
    assert not page.grant_extension(kenya.id, "next week")
    assert "not a date and time" in page.extension_message.value
    assert page.grant_extension(kenya.id, "2027-03-01 18:00")
    assert page.store.extension_until(kenya.id) == datetime(
        2027, 3, 2, 0, 0, tzinfo=UTC
    )  # Mexico City, UTC-6
    with pytest.raises(MunbookError):
        parse_local_time("2027-13-01 10:00", "UTC")


def test_the_app_asks_for_a_staff_code(home: Path):
    store = Store()
    result = roster.import_rows(roster.parse(GOOD), store)
    lines = [line.split(",") for line in result.codes_file.read_text().splitlines()]
    codes = {(row[0], row[4]): row[-1] for row in lines}
    gate = advisor_app(store)
    assert not gate.try_code(access.new_code())
    assert not gate.try_code(codes[("chair", "")])  # a chair code opens the chair app only
    assert gate.try_code(codes[("secretariat", "")])
    assert gate.children[0].grant == Grant(SECRETARIAT)
    school = advisor_app(store)
    assert school.try_code(codes[("advisor", "TIS")])
    assert school.children[0].grant == Grant("advisor", "TIS")
