"""Roles like a real conference: the secretariat, one advisor per school, handovers."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets import settings
from widgets.apps.advisor import AdvisorPage, advisor_app
from widgets.cli import main
from widgets.core.access import ADVISOR, SECRETARIAT, Grant, name_key
from widgets.exceptions import MunbookError, RosterError
from widgets.store import Store
from widgets.workflows import roster

ROSTER = (
    "delegate,school,committee,country\n"
    "Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
    "Thabo Nkosi,Nairobi Academy,INTERPOL,South Africa\n"
    "Haruto Sato,Tokyo International School,INTERPOL,Japan\n"
    "Chen Wei,Singapore American School,INTERPOL,Singapore\n"
    "Ana Ruiz,,INTERPOL,Peru\n"
)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def imported(store: Store, text: str = ROSTER, **options) -> roster.ImportResult:
    return roster.import_rows(roster.parse(text.encode()), store, **options)


def codes_by(result: roster.ImportResult) -> dict[tuple[str, str], str]:
    """(role, country, school or committee) -> code, from the secretariat's file."""
    return {
        (r["role"], r["country"] or r["school"] or r["committee"]): r["code"]
        for r in rows_of(result.codes_file)
    }


def opened(store: Store, code: str) -> AdvisorPage:
    gate = advisor_app(store)
    gate._sleep = lambda seconds: None
    assert gate.try_code(code), "the code should open the advisor app"
    return gate.children[0]


def downloads(page: AdvisorPage) -> str:
    """The text of every file the page offers for download."""
    blobs = re.findall(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", page.codes.value)
    assert blobs, "the page offers no code file"
    return "".join(base64.b64decode(b).decode() for b in blobs)


def test_each_school_gets_one_advisor_code_and_keeps_it(store: Store):
    first = imported(store)
    advisors = {r["school"]: r["code"] for r in rows_of(first.codes_file) if r["role"] == ADVISOR}
    assert sorted(advisors) == [
        "Nairobi Academy",
        "Singapore American School",
        "Tokyo International School",
    ]  # Peru has no school: no advisor code for ""
    assert [r["role"] for r in rows_of(first.codes_file)].count(SECRETARIAT) == 1
    more = ROSTER + "Lucas Oliveira,Colegio Vista Hermosa,INTERPOL,Brazil\n"
    again = imported(store, more)
    fresh = [(r["role"], r["school"]) for r in rows_of(again.codes_file)]
    assert sorted(fresh) == [
        ("advisor", "Colegio Vista Hermosa"),
        ("delegate", "Colegio Vista Hermosa"),
    ]
    for school, code in advisors.items():  # the old codes still open their school
        assert store.staff_grant(code) == Grant(ADVISOR, school)


def test_a_school_advisor_sees_and_downloads_only_its_school(store: Store):
    result = imported(store)
    codes = codes_by(result)
    page = opened(store, codes[(ADVISOR, "Nairobi Academy")])
    assert page.grant == Grant(ADVISOR, "Nairobi Academy")
    table = page.table.value
    assert "Kenya" in table and "South Africa" in table and "Wanjiru Kamau" in table
    for other in ("Japan", "Haruto Sato", "Singapore", "Chen Wei", "Peru", "Ana Ruiz"):
        assert other not in table
    assert page.delegation.value is None  # nothing chosen until the advisor chooses
    assert sorted(label for label, value in page.delegation.options if value) == [
        "INTERPOL · KEN · Wanjiru Kamau",
        "INTERPOL · ZAF · Thabo Nkosi",
    ]
    files = downloads(page)
    assert codes[("delegate", "Kenya")] in files and codes[("delegate", "South Africa")] in files
    others = [c for (role, who), c in codes.items() if who not in ("Kenya", "South Africa")]
    assert others and not any(code in files for code in others)  # no chair, no other school
    assert "chair" not in files and SECRETARIAT not in files


def test_a_school_advisor_cannot_import_generate_or_extend(store: Store):
    page = opened(store, codes_by(imported(store))[(ADVISOR, "Tokyo International School")])
    assert not hasattr(page, "upload") and not hasattr(page, "generate_button")
    assert "munbook · advisor · Tokyo International School" in page.children[0].value
    japan = store.find_delegation("interpol", "JPN")
    with pytest.raises(MunbookError, match="only the secretariat"):
        page.import_roster(ROSTER.encode(), "r.csv")
    with pytest.raises(MunbookError, match="only the secretariat"):
        page.generate("interpol")
    with pytest.raises(MunbookError, match="only the secretariat"):
        page.grant_extension(japan.id, "2027-03-01 18:00")
    assert store.extension_until(japan.id) is None


def test_the_secretariat_sees_everything_and_holds_every_code(store: Store):
    result = imported(store)
    codes = codes_by(result)
    page = opened(store, codes[(SECRETARIAT, "")])
    assert page.grant.is_secretariat and hasattr(page, "upload")
    for name in ("Kenya", "Japan", "Singapore", "Peru", "Chen Wei", "Ana Ruiz"):
        assert name in page.table.value
    assert len(page.delegation.options) == 5 + 1  # and "Choose a delegation" first
    files = downloads(page)
    assert all(code in files for code in codes.values())  # chair and advisor codes included
    assert "Tokyo International School: its delegations" in page.codes.value


def test_chair_codes_reach_only_the_secretariat(store: Store, home: Path):
    result = imported(store)
    chair = codes_by(result)[("chair", "interpol")]
    assert chair in result.codes_file.read_text()
    school_files = list((home / "access" / "schools").rglob("codes-*.csv"))
    assert len(school_files) == 3 == len(result.school_files)
    for path in school_files:
        assert {r["role"] for r in rows_of(path)} == {"delegate"}
        assert chair not in path.read_text()


def test_school_folders_never_collide(home: Path):
    # Both slug to "unnamed": the hash keeps them apart.
    tokyo, osaka = (settings.school_access_dir(name_key(s)) for s in ("東京学園", "大阪学園"))
    assert tokyo != osaka and tokyo.parent == osaka.parent == home.resolve() / "access" / "schools"
    assert settings.school_access_dir(name_key("Lycée  Descartes")) == settings.school_access_dir(
        name_key("lycee descartes")
    )


def test_a_delegation_joining_a_school_keeps_its_code_and_it_reaches_the_school(store: Store):
    from widgets.workflows import generate

    made = generate.targets_for("interpol", country_names=["Kenya"], store=store)[1]
    code = next(r["code"] for r in rows_of(made) if r["country"] == "Kenya")
    joined = imported(
        store, "delegate,school,committee,country\nWanjiru,Nairobi Academy,INTERPOL,Kenya\n"
    )
    assert not joined.reassigned  # a placeholder getting a name is not a handover
    kenya = store.find_delegation("interpol", "KEN")
    assert store.check_code(code, "delegate", "interpol", kenya.id)
    [row] = rows_of(joined.school_files["Nairobi Academy"])
    assert (row["code"], row["delegate"]) == (code, "Wanjiru")
    assert code not in joined.codes_file.read_text()  # only the school's new advisor code there
    page = opened(store, codes_by(joined)[(ADVISOR, "Nairobi Academy")])
    assert code in downloads(page)


@pytest.mark.parametrize(
    "old, new, same",
    [
        ("Wanjiru Kamau", "wanjiru   KAMAU", True),
        ("Nguyễn Thị Lan", "Nguyen Thi Lan", True),
        ("Jean-Luc Picard", "jean luc picard", True),
        ("Wanjiru Kamau", "Wanjiru K.", False),
        ("Ana Ruiz", "Ben Lee", False),
        ("Ana", "Ana & Luis", False),  # adding a partner hands the code to two people
    ],
)
def test_the_spelling_rule(old: str, new: str, same: bool):
    assert (name_key(old) == name_key(new)) is same


def test_handing_a_delegation_over_is_refused_then_done_with_reassign(store: Store, home: Path):
    first = imported(store)
    old_code = codes_by(first)[("delegate", "Kenya")]
    kenya = store.find_delegation("interpol", "KEN")
    store.save_draft(kenya.id, {"sections": {"A.background": "Wanjiru's draft"}}, None, words=2)
    other = ROSTER.replace("Wanjiru Kamau,Nairobi Academy", "Ben Lee,School Y")
    with pytest.raises(RosterError) as refused:
        imported(store, other, source="r2.csv")
    assert refused.value.problems == [
        "line 2: Kenya in INTERPOL belongs to Wanjiru Kamau (Nairobi Academy); this row gives "
        "it to Ben Lee (School Y); use `munbook roster import --reassign` to hand it over"
    ]
    assert store.find_delegation("interpol", "KEN").delegate == "Wanjiru Kamau"  # nothing imported
    assert store.check_code(old_code, "delegate", "interpol", kenya.id)

    done = imported(store, other, reassign=True)
    assert (
        "Kenya in INTERPOL: handed from Wanjiru Kamau (Nairobi Academy) to Ben Lee (School Y), who inherits the draft"
        in done.summary()
    )
    assert not store.check_code(old_code, "delegate", "interpol", kenya.id)
    new_codes = codes_by(done)
    new_code = new_codes[("delegate", "Kenya")]
    assert store.check_code(new_code, "delegate", "interpol", kenya.id)
    assert new_code in done.school_files["School Y"].read_text()
    assert store.latest_draft(kenya.id).content["sections"]["A.background"] == "Wanjiru's draft"
    # Kenya left Nairobi Academy's page and joined School Y's (which got its advisor code).
    nairobi = opened(store, codes_by(first)[(ADVISOR, "Nairobi Academy")])
    assert "Kenya" not in nairobi.table.value and new_code not in downloads(nairobi)
    school_y = opened(store, new_codes[(ADVISOR, "School Y")])
    assert "Ben Lee" in school_y.table.value and new_code in downloads(school_y)


def test_the_workbook_gate_refuses_a_revoked_code(store: Store):
    first = imported(store)
    old_code = codes_by(first)[("delegate", "Japan")]
    handed = imported(store, ROSTER.replace("Haruto Sato", "Yui Tanaka"), reassign=True)
    from widgets.apps.workbook import workbook_page

    japan = store.find_delegation("interpol", "JPN")
    gate = workbook_page("interpol", "Japan", japan.id, store)
    gate._sleep = lambda seconds: None
    assert not gate.try_code(old_code)
    assert "does not open this page" in gate.message.value
    assert gate.try_code(codes_by(handed)[("delegate", "Japan")])


def test_the_secretariat_upload_reassigns_only_when_ticked(store: Store):
    page = opened(store, codes_by(imported(store))[(SECRETARIAT, "")])
    other = ROSTER.replace("Chen Wei,Singapore American School", "Ben Lee,School Y").encode()
    page._on_upload({"new": [{"name": "r2.csv", "content": other}]})
    message = page.roster_message.value
    assert (
        "r2.csv: nothing imported." in message
        and "line 5: Singapore in INTERPOL belongs to Chen Wei" in message
    )
    assert "tick “Hand over delegations" in message
    page.reassign.value = True
    page._on_upload({"new": [{"name": "r2.csv", "content": other}]})
    assert (
        "1 reassigned:<br>  Singapore in INTERPOL: handed from Chen Wei"
        in page.roster_message.value
    )
    assert store.find_delegation("interpol", "SGP").delegate == "Ben Lee"


def test_an_advisor_issues_a_new_code_for_its_own_delegations_only(store: Store):
    first = imported(store)
    codes = codes_by(first)
    page = opened(store, codes[(ADVISOR, "Nairobi Academy")])
    kenya = store.find_delegation("interpol", "KEN")
    assert page.ask_new_code(kenya.id)
    assert store.check_code(codes[("delegate", "Kenya")], "delegate", "interpol", kenya.id)
    assert page.confirm_new_code()
    assert not store.check_code(codes[("delegate", "Kenya")], "delegate", "interpol", kenya.id)
    newest = downloads(page)
    fresh = next(
        r["code"]
        for r in csv.DictReader(
            io.StringIO(newest.split("role,committee")[1].join(["role,committee", ""]))
        )
        if r["country"] == "Kenya"
    )
    assert store.check_code(fresh, "delegate", "interpol", kenya.id)
    japan = store.find_delegation("interpol", "JPN")
    assert not page.ask_new_code(japan.id)
    assert "not one of your school" in page.code_message.value
    assert not page.confirm_new_code()  # nothing was asked: nothing to confirm
    assert store.check_code(codes[("delegate", "Japan")], "delegate", "interpol", japan.id)


def test_cli_refuses_then_reassigns(tmp_path: Path, home: Path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(ROSTER)
    second.write_text(ROSTER.replace("Ana Ruiz,", "Ben Lee,School Y"))
    runner = CliRunner()
    assert runner.invoke(main, ["roster", "import", str(first)]).exit_code == 0
    refused = runner.invoke(main, ["roster", "import", str(second)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert (
        "line 6: Peru in INTERPOL belongs to Ana Ruiz; this row gives it to Ben Lee (School Y)"
        in refused.output
    )
    done = runner.invoke(main, ["roster", "import", "--reassign", str(second)])
    assert done.exit_code == 0 and "1 reassigned:" in done.output
    assert "Ben Lee (School Y), who inherits the draft and submissions" in done.output


def test_demo_prints_the_secretariat_and_one_school_code(home: Path):
    made = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert made.exit_code == 0, made.output
    secretariat = re.search(r"secretariat code (\S+) \(the whole conference\)", made.output).group(
        1
    )
    advisor = re.search(r"advisor code (\S+) \(only Nairobi Academy\)", made.output).group(1)
    store = Store()
    assert store.staff_grant(secretariat) == Grant(SECRETARIAT)
    assert store.staff_grant(advisor) == Grant(ADVISOR, "Nairobi Academy")
    again = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert (
        f"secretariat code {secretariat} " in again.output
        and f"advisor code {advisor} " in again.output
    )


@pytest.mark.browser
def test_a_school_advisor_opens_the_app_and_sees_only_its_school(
    served, page, demo_home: dict[str, str], tmp_path: Path
):
    # The served demo has Kenya and Japan without names; the roster gives them schools.
    result = roster.import_rows(
        roster.parse(
            b"delegate,school,committee,country\n"
            b"Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
            b"Haruto Sato,Tokyo International School,INTERPOL,Japan\n"
        )
    )
    codes = codes_by(result)
    page.goto(served.url("apps/advisor.ipynb", codes[(ADVISOR, "Nairobi Academy")]), timeout=90_000)
    page.get_by_text("munbook · advisor · Nairobi Academy").wait_for(timeout=90_000)
    table = page.locator(".mb-table").inner_text()
    assert "Kenya" in table and "Wanjiru Kamau" in table
    assert "Japan" not in table and "Haruto Sato" not in table
    html = page.content()
    assert "Tokyo International School" not in html and "Roster CSV" not in html
    blobs = re.findall(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", html)
    offered = "".join(base64.b64decode(b).decode() for b in blobs)
    assert demo_home["Kenya"] in offered  # issued before Kenya had a school, refiled
    for other in ("Japan", "chair", "secretariat"):
        assert demo_home[other] not in offered
    assert codes[(ADVISOR, "Tokyo International School")] not in offered
    page.screenshot(path=str(tmp_path / "advisor-school.png"), full_page=True)
