"""The advisor page's codes: a new code asked once by name, named code files, one slips link.

Driven as the page's buttons drive it (``Button.click`` runs the same handlers a
browser's click does), against a real store and real files.
"""

from __future__ import annotations

import base64
import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import pdf_words

from widgets import settings
from widgets.apps.advisor import AdvisorPage
from widgets.core.access import SECRETARIAT, Grant
from widgets.exceptions import MunbookError
from widgets.store import Store
from widgets.workflows import roster

ROSTER = (
    b"delegate,school,committee,country\n"
    b"Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
    b"Haruto Sato,TIS,INTERPOL,Japan\n"
)
QUESTION = "Kenya - Wanjiru Kamau (INTERPOL)</b>: the old code stops working now. Issue a new code?"


@pytest.fixture
def page(store: Store) -> AdvisorPage:
    return AdvisorPage(store, Grant(SECRETARIAT))


def first_codes(page: AdvisorPage) -> dict[str, str]:
    result = page.import_roster(ROSTER, "roster.csv")
    with result.codes_file.open(encoding="utf-8") as fh:
        return {r["country"]: r["code"] for r in csv.DictReader(fh) if r["role"] == "delegate"}


def code_files(home: Path) -> list[str]:
    return [p.name for p in settings.code_files_in(home / "access")]


def ask_about_kenya(page: AdvisorPage):
    """The first codes, Kenya's delegation and the new-code box, asked about Kenya."""
    old = first_codes(page)
    kenya = page.store.find_delegation("interpol", "KEN")
    new_code = page.codes_panel.new_code
    page.delegation.value = kenya.id
    new_code.issue_button.click()
    return old, kenya, new_code


def test_nothing_is_chosen_and_the_button_alone_changes_nothing(page: AdvisorPage, home: Path):
    old = first_codes(page)
    new_code = page.codes_panel.new_code
    assert page.delegation.value is None and page.delegation.label == "Choose a delegation"
    new_code.issue_button.click()
    assert "choose a delegation first" in page.code_message.value
    assert new_code.asking.layout.display == "none" and new_code.pending is None
    new_code.confirm_button.click()  # a click the page never offered: refused in the kernel
    assert "nothing to confirm" in page.code_message.value
    kenya = page.store.find_delegation("interpol", "KEN")
    assert page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)
    assert len(code_files(home)) == 1


def test_cancel_changes_nothing(page: AdvisorPage, home: Path):
    old, kenya, new_code = ask_about_kenya(page)
    assert QUESTION in new_code.question.value and new_code.asking.layout.display is None
    assert page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)
    new_code.cancel_button.click()
    assert "Nothing changed" in page.code_message.value
    assert new_code.asking.layout.display == "none"
    assert page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)
    assert len(code_files(home)) == 1
    new_code.confirm_button.click()  # after Cancel, Confirm has nothing to act on
    assert page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)


def test_confirm_shows_the_new_code_and_its_slip(page: AdvisorPage, home: Path):
    old, kenya, new_code = ask_about_kenya(page)
    japan = page.store.find_delegation("interpol", "JPN")
    new_code.confirm_button.click()
    message = page.code_message.value
    (code,) = re.findall(r"<code class='mb-new-code'>([A-Z0-9-]+)</code>", message)
    assert "New code for Kenya - Wanjiru Kamau (INTERPOL)" in message
    assert page.store.check_code(code, "delegate", "interpol", kenya.id)
    assert not page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)
    assert page.store.check_code(old["Japan"], "delegate", "interpol", japan.id)  # only Kenya
    (blob,) = re.findall(r"data:application/pdf;base64,([A-Za-z0-9+/=]+)", message)
    printed = pdf_words(base64.b64decode(blob))
    assert code in printed and "Wanjiru Kamau" in printed and "Haruto Sato" not in printed
    assert new_code.asking.layout.display == "none"
    newest = code_files(home)[-1]
    assert re.fullmatch(r"code-interpol-kenya-\d{4}-\d\d-\d\d-\d{4}(-\d+)?\.csv", newest)
    assert newest in page.codes.value  # listed (newest first) for download
    assert page.codes.value.index(newest) < page.codes.value.index("codes-interpol-")
    new_code.confirm_button.click()  # a second click on Confirm issues nothing more
    assert len(code_files(home)) == 2 and page.store.check_code(
        code, "delegate", "interpol", kenya.id
    )


def test_another_choice_closes_the_question(page: AdvisorPage):
    old, kenya, new_code = ask_about_kenya(page)
    japan = page.store.find_delegation("interpol", "JPN")
    page.refresh()  # new options, the same choice: the question stays
    assert QUESTION in new_code.question.value
    page.delegation.value = japan.id
    assert new_code.question.value == "" and new_code.pending is None
    new_code.confirm_button.click()
    assert page.store.check_code(old["Kenya"], "delegate", "interpol", kenya.id)
    assert page.store.check_code(old["Japan"], "delegate", "interpol", japan.id)


def test_an_advisor_is_asked_about_its_own_delegations_only(store: Store):
    result = roster.import_rows(roster.parse(ROSTER), store)
    with result.codes_file.open(encoding="utf-8") as fh:
        advisor = next(
            r["code"] for r in csv.DictReader(fh) if r["role"] == "advisor" and r["school"] == "TIS"
        )
    page = AdvisorPage(store, store.staff_grant(advisor))
    kenya = store.find_delegation("interpol", "KEN")
    assert [value for _, value in page.delegation.options] == [
        None,
        store.find_delegation("interpol", "JPN").id,
    ]
    with pytest.raises(Exception, match="Invalid selection"):
        page.delegation.value = kenya.id  # the browser can only pick what is offered
    assert not page.ask_new_code(kenya.id)  # and a forged call is refused
    assert "not one of your school" in page.code_message.value
    assert page.codes_panel.new_code.pending is None


def test_code_files_a_minute_are_bounded(home: Path):
    folder = settings.ensure_dir(settings.access_dir())
    row = {"role": "chair", "committee": "interpol", "country": "", "delegate": "", "school": ""}
    now = datetime.now(UTC)
    for at in (now, now + timedelta(minutes=1)):  # the minute may turn during the test
        for n in range(settings.CODE_FILES_PER_MINUTE - 1):
            settings.code_files(folder, at, ["unodc"], n=n)[0].write_text("role\n")
    roster.write_codes([{**row, "code": "A"}])  # the last free name of the minute
    with pytest.raises(MunbookError, match=f"at most {settings.CODE_FILES_PER_MINUTE} code files"):
        roster.write_codes([{**row, "code": "B"}])


def test_slips_replace_their_one_link(page: AdvisorPage):
    first_codes(page)
    page.code_slips(None)
    page.code_slips(None)
    assert page.slips_message.value.count("<a ") == 1
    assert page.slips_message.value.count("Download code slips (PDF)") == 1
    labels = [
        child.description
        for box in page.codes_panel.children
        if hasattr(box, "children")
        for child in box.children
        if hasattr(child, "description")
    ]
    assert "Make code slips (PDF)" in labels and "Download code slips (PDF)" not in labels


def test_import_and_generate_say_what_in_words_never_a_path(page: AdvisorPage, home: Path):
    assert page.bar.layout.display == "none"  # no empty bar before anything runs
    first_codes(page)
    said = page.roster_message.value
    assert "INTERPOL: 2 created, 0 updated, 0 unchanged" in said
    assert "2 new delegate code(s) and 4 staff code(s), in codes-interpol-" in said
    assert str(home) not in said and "/" not in re.sub(r"<[^>]+>", "", said)
    page.generate("interpol")
    said = page.generate_message.value
    assert "INTERPOL workbooks: 2 written, 0 unchanged, 0 failed" in said
    assert str(home) not in said and page.bar.layout.display == "none"


def test_the_table_marks_a_draft_changed_since_submission(page: AdvisorPage):
    first_codes(page)
    store = page.store
    kenya, japan = (store.find_delegation("interpol", c).id for c in ("KEN", "JPN"))
    t = datetime.now(UTC) - timedelta(hours=3)
    paper = {"sections": {"A.background": "one two three"}}
    store.save_draft(kenya, paper, None, words=3, saved_at=t)
    store.save_draft(japan, paper, None, words=3, saved_at=t)
    for delegation in (kenya, japan):
        store.add_submission(
            delegation, submitted_at=t + timedelta(hours=1), pdf=b"%PDF", sha256="0" * 64, words=3
        )
    store.save_draft(kenya, {"sections": {"A.background": "one two"}}, 1, words=2)
    store.save_draft(japan, paper, 1, words=3)  # saved again, the same as submitted
    page.refresh()
    assert "Draft changed since submission" in page.table.value

    def row(country: str) -> str:
        return page.table.value.split(country)[1].split("</tr>")[0]

    assert "<td class='mb-warn'>yes</td>" in row("Kenya") and "<td>3</td>" in row("Kenya")
    assert "<td>no</td>" in row("Japan")
    ingested = store.add_delegation("interpol", "PER", "Ana Ruiz", "Lima School")
    store.add_submission(
        ingested, submitted_at=t, pdf=b"%PDF", sha256="1" * 64, ingested=True
    )  # came by e-mail: no draft behind it
    store.save_draft(ingested, paper, None, words=3)
    unsubmitted = store.add_delegation("interpol", "GHA", "Ama Owusu", "Accra Academy")
    store.save_draft(unsubmitted, paper, None, words=3)
    rows = {r["id"]: r["draft_changed"] for r in store.progress("interpol")}
    assert [bool(rows[d]) for d in (kenya, japan, ingested, unsubmitted)] == [
        True,
        False,
        True,
        False,
    ]
