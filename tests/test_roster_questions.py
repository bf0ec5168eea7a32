"""A country munbook is not sure of is a question: in the CLI, in the app, in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets.apps.advisor import AdvisorPage
from widgets.apps.roster_questions import CHOOSE
from widgets.cli import main
from widgets.core.access import SECRETARIAT, Grant
from widgets.exceptions import RosterError
from widgets.store import Store
from widgets.workflows import roster

TIMEOUT = 90_000


def test_near_misses_import_nothing_and_list_candidates(files: Path, home: Path):
    with pytest.raises(RosterError) as caught:
        roster.import_roster(files / "roster_near_misses.csv")
    asked = {q.written: q.candidates for q in caught.value.questions}
    assert set(asked) == {"Nigera", "Dominica Republic", "Congo"}
    assert {"NER", "NGA"} <= set(asked["Nigera"])
    assert {"DMA", "DOM"} <= set(asked["Dominica Republic"])
    assert set(asked["Congo"]) == {"COG", "COD"}
    assert Store().delegations() == [] and not (home / "access").exists()


def test_the_cli_refuses_and_says_which_countries(files: Path, home: Path):
    done = CliRunner().invoke(
        main, ["roster", "import", str(files / "roster_near_misses.csv")], prog_name="munbook"
    )
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "3 problem(s), nothing imported" in done.output
    assert "line 3: unknown country 'Nigera': did you mean Niger (NER)" in done.output
    assert "Nigeria (NGA)" in done.output
    assert "Dominican Republic (DOM)" in done.output and "Dominica (DMA)" in done.output
    assert "line 5: country 'Congo' could be Republic of the Congo (COG) or DR Congo (COD)" in (
        done.output
    )
    assert Store().delegations() == []


def test_choices_answer_the_questions_for_their_rows_only(files: Path):
    data = (files / "roster_near_misses.csv").read_bytes()
    chosen = {(3, "Nigera"): "NGA", (4, "Dominica Republic"): "DOM", (5, "Congo"): "COD"}
    rows = roster.parse(data, "r.csv", chosen)
    assert [r.country for r in rows] == ["KEN", "NGA", "DOM", "COD"]
    with pytest.raises(RosterError) as caught:  # a choice for another spelling answers nothing
        roster.parse(data, "r.csv", {(3, "Nigeria?"): "NGA"})
    assert len(caught.value.questions) == 3


def test_the_app_asks_each_row_and_imports_the_choices(store: Store, files: Path):
    page = AdvisorPage(store, Grant(SECRETARIAT))
    data = (files / "roster_near_misses.csv").read_bytes()
    assert page.import_roster(data, "near.csv") is None
    assert "nothing imported" in page.roster_message.value and store.delegations() == []
    questions = page.roster.questions
    assert [key for key in questions.pickers] == [
        (3, "Nigera"),
        (4, "Dominica Republic"),
        (5, "Congo"),
    ]
    assert all(p.value is None and p.label == CHOOSE for p in questions.pickers.values())
    questions.pickers[(3, "Nigera")].value = "NGA"
    assert questions.import_chosen() is None  # two rows still unanswered
    assert "line 4, line 5" in questions.message.value and store.delegations() == []
    questions.pickers[(4, "Dominica Republic")].value = "DOM"
    questions.pickers[(5, "Congo")].value = "COG"
    result = questions.import_chosen()
    assert sorted(r.country for r in result.created) == ["COG", "DOM", "KEN", "NGA"]
    assert "near.csv imported:" in page.roster_message.value and questions.children == ()
    assert str(Path.home()) not in page.roster_message.value
    assert "/access" not in page.roster_message.value  # no server path on the page


@pytest.mark.browser
def test_in_the_browser_nothing_is_imported_until_each_row_is_chosen(
    served, page, demo_home, files: Path
):
    page.goto(served.url("apps/advisor.ipynb"), timeout=TIMEOUT)
    page.wait_for_selector(".mb-gate", timeout=TIMEOUT)
    page.locator(".mb-gate input").first.fill(demo_home["secretariat"])
    page.get_by_role("button", name="Open").click()
    page.get_by_text("munbook · secretariat").wait_for(timeout=TIMEOUT)
    before = {(d.committee, d.country) for d in Store().delegations()}
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(str(files / "roster_near_misses.csv"))
    page.get_by_text("roster_near_misses.csv: nothing imported.").wait_for(timeout=TIMEOUT)
    assert {(d.committee, d.country) for d in Store().delegations()} == before
    rows = page.locator(".mb-questions select")
    assert rows.count() == 3
    page.screenshot(path="/tmp/staff-roster-question-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".mb-questions").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/staff-roster-question-phone.png", full_page=True)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.get_by_role("button", name="Import with these countries").click()
    page.get_by_text("Choose a country for line 3, line 4, line 5 first").wait_for(timeout=TIMEOUT)
    for n, label in enumerate(("Nigeria (NGA)", "Dominican Republic (DOM)", "DR Congo (COD)")):
        rows.nth(n).select_option(label=label)
    page.get_by_role("button", name="Import with these countries").click()
    page.get_by_text("roster_near_misses.csv imported:").wait_for(timeout=TIMEOUT)
    after = {d.country for d in Store().delegations()}
    assert {"NGA", "DOM", "COD", "KEN"} <= after and not {"NER", "DMA", "COG"} & after
