"""End-to-end in chromium: a chair asked for changes; the delegate sees it in the header,
revises and resubmits after the deadline (not late), and the header says "revised".

Screenshots at 1280 and 390 wide land beside the server log (``served.log.parent``).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from conftest import full_content, save_latest
from revising import add_revising_committee

pytestmark = pytest.mark.browser

PERU = "workbooks/revisepol/peru.ipynb"
SECTION = ".mb-section-A-background textarea"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine


def revising_peru(home) -> tuple[int, str]:
    """REVISEPOL (deadline two days ago, revisions open ten days more), Peru's workbook,
    a submission an hour before the deadline and a chair's "changes requested" on it."""
    from widgets.core import committees
    from widgets.store import Store
    from widgets.workflows import generate, revisions, roster, submit

    at = datetime.now(UTC)
    key = add_revising_committee(
        home,
        "REVISEPOL",
        (at - timedelta(days=2)).isoformat(timespec="seconds"),
        (at + timedelta(days=10)).isoformat(timespec="seconds"),
    )
    imported = roster.import_rows(
        roster.parse(b"delegate,school,committee,country\nRosa Quispe,Lima School,REVISEPOL,Peru\n")
    )
    generate.generate(key, country_names=["Peru"], progress=False)
    with imported.codes_file.open() as fh:
        code = next(r["code"] for r in csv.DictReader(fh) if r["country"] == "Peru")
    store = Store()
    peru = store.find_delegation(key, "PER").id
    save_latest(store, peru, full_content(70), words=560)
    deadline = committees.load(key).rules.deadline_utc
    first = submit.submit(store, peru, at=deadline - timedelta(hours=1))
    revisions.request_changes(
        store, key, first.submission_id, "staff:3", "Ximena González", "Name Operation Pangea."
    )
    store.dispose()
    return peru, code


def test_the_delegate_sees_changes_requested_and_resubmits(served, browser, home):
    from widgets.store import Store

    peru, code = revising_peru(home)
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, timezone_id="UTC"
        )
        page = context.new_page()
        page.goto(served.url(PERU, code), timeout=TIMEOUT)
        notice = page.locator(".mb-header-status .mb-review-status")
        notice.wait_for(timeout=TIMEOUT)
        text = notice.inner_text()
        assert text.startswith("Changes requested by Ximena González") and "Pangea" in text
        assert "submit it again (Paper & submit) by" in text
        page.screenshot(path=str(served.log.parent / f"revise-requested-{width}.png"))
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="UTC")
    page = context.new_page()
    page.goto(served.url(PERU, code), timeout=TIMEOUT)
    page.locator(".mb-header-status .mb-review-status").wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    box = page.locator(SECTION)
    box.fill(box.input_value() + " Operation Pangea")  # one change, so one save
    page.get_by_text("All changes saved · version 2").wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_text("If your chair asks for changes").wait_for(timeout=TIMEOUT)
    receipt = page.locator(".mb-receipt .mb-review-status").inner_text()
    assert receipt.startswith("Changes requested by Ximena González")
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_text("Revised: you submitted again").first.wait_for(timeout=TIMEOUT)
    status = page.locator(".mb-header-status .mb-submission").inner_text()
    assert status.startswith("Submitted version 2 at") and "(on time)" in status
    rows = Store().submissions(peru)
    assert len(rows) == 2 and [r["seconds_late"] for r in rows] == [0, 0]
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(served.log.parent / "revise-resubmitted-1280.png"))
    context.close()


def harness_notebook(submission_id: int) -> str:
    """A chair page holding StatusControls alone (the chair app places it beside the paper)."""
    import nbformat

    from widgets import settings

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from widgets.apps.review_status import StatusControls\n"
            "from widgets.store import Store\n"
            f"StatusControls(Store(), 'revisepol', {submission_id}, 'staff:3', 'Ximena González')"
        )
    ]
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    folder = settings.ensure_dir(settings.apps_dir())
    nbformat.write(nb, folder / "status-harness.ipynb")
    return "apps/status-harness.ipynb"


def test_a_chair_requests_changes_and_accepts_in_the_page(served, browser, home):
    from widgets.store import Store

    peru, _ = revising_peru(home)
    store = Store()
    latest = store.submission_ids(peru)[-1]
    for width, height in ((1280, 700), (390, 844)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, timezone_id="UTC"
        )
        page = context.new_page()
        page.goto(served.url(harness_notebook(latest)), timeout=TIMEOUT)
        page.get_by_text("Review: changes requested").wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(served.log.parent / f"status-controls-{width}.png"))
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 700}, timezone_id="UTC")
    page = context.new_page()
    page.goto(served.url(harness_notebook(latest)), timeout=TIMEOUT)
    page.get_by_text("Review: changes requested").wait_for(timeout=TIMEOUT)
    note = page.locator(".mb-status-note textarea")
    note.fill("Thank you: Pangea is named now.")
    note.focus()
    page.keyboard.press("Tab")  # to the first button, by keyboard
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Accept"
    page.keyboard.press("Enter")
    page.get_by_text("Review: accepted").wait_for(timeout=TIMEOUT)
    marks = store.status_marks(peru)
    assert [m.status for m in marks] == ["changes_requested", "accepted"]
    assert marks[-1].note == "Thank you: Pangea is named now." and marks[-1].set_by_key == "staff:3"
    page.screenshot(path=str(served.log.parent / "status-controls-accepted.png"))
    context.close()
    store.dispose()
