"""The whole review loop in chromium, as the people meet it (issue: the review loop).

The secretariat adds a second chair; chair 1 comments on a passage (one comment from
the bank), scores and requests changes; the delegate sees the marked passage and the
comment, replies, revises and resubmits; chair 1 compares the two submissions, sees the
comment's passage changed, and accepts; chair 2 scores differently and the spread is
flagged; the feedback PDF prints the comment beside its passage; the advisor reads the
draft, comments (the delegate sees it at once) and later the released grade. A blind
committee repeats the chair's part with no name anywhere.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from conftest import full_content, save_latest
from pypdf import PdfReader
from revising import add_revising_committee
from test_browser_comments import drag_over

pytestmark = pytest.mark.browser

TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
PERU = "workbooks/reviewpol/peru.ipynb"
SECTION = ".mb-section-A-background textarea"
PASSAGE = "Peru seized counterfeit antimalarials at Callao"
TEXT = (
    f"{PASSAGE} in 2023 with INTERPOL's Operation Pangea. "
    "Its medicines regulator, DIGEMID, tests samples from every port."
)
BANK = "Cite a source for this claim"  # the start of one of the committee file's bank comments


def reviewing_peru(home, blind: bool = False) -> tuple[str, int, str]:
    """A committee like INTERPOL (deadline two days ago, revisions open ten days more),
    Peru's workbook with TEXT in topic A's background, submitted before the deadline.
    Returns the committee's key, Peru's delegation id and the delegate's code."""
    from widgets.core import committees
    from widgets.store import Store
    from widgets.workflows import generate, roster, submit

    at = datetime.now(UTC)
    acronym = "BLINDPOL" if blind else "REVIEWPOL"
    key = add_revising_committee(
        home,
        acronym,
        (at - timedelta(days=2)).isoformat(timespec="seconds"),
        (at + timedelta(days=10)).isoformat(timespec="seconds"),
    )
    if blind:
        path = home / "committees" / f"{key}.yaml"
        text = path.read_text()
        assert "blind_grading: false" in text
        path.write_text(text.replace("blind_grading: false", "blind_grading: true"))
    rows = f"delegate,school,committee,country\nRosa Quispe,Lima School,{acronym},Peru\n"
    imported = roster.import_rows(roster.parse(rows.encode()))
    generate.generate(key, country_names=["Peru"], progress=False)
    with imported.codes_file.open() as fh:
        code = next(r["code"] for r in csv.DictReader(fh) if r["country"] == "Peru")
    store = Store()
    peru = store.find_delegation(key, "PER").id
    content = full_content(70)
    content["sections"]["A.background"] = TEXT
    save_latest(store, peru, content, words=560)
    submit.submit(store, peru, at=committees.load(key).rules.deadline_utc - timedelta(hours=1))
    store.dispose()
    return key, peru, code


def new_page(browser, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="UTC")
    return context, context.new_page()


def secretariat_adds_a_chair(served, browser, acronym: str, name: str) -> str:
    """The secretariat's "Chairs and advisors" panel: a chair of their own; the code it shows."""
    from widgets.store import Store

    store = Store()
    store.add_code("SECR-ETAR-IAT1", "secretariat")
    store.dispose()
    context, page = new_page(browser)
    page.goto(served.url("apps/advisor.ipynb", "SECR-ETAR-IAT1"), timeout=TIMEOUT)
    panel = page.locator(".mb-staff")
    panel.wait_for(timeout=TIMEOUT)
    panel.locator("input[type=text]").first.fill(name)
    panel.locator("select").first.select_option(label=acronym)
    page.wait_for_timeout(500)  # the values reach the kernel
    panel.get_by_role("button", name="Add and make a code").click()
    code = panel.locator(".mb-new-code").inner_text(timeout=TIMEOUT)
    assert name in panel.locator(".mb-table").inner_text()
    context.close()
    return code.strip()


def delegate_replies_and_revises(served, browser, code: str, comment: str) -> None:
    """The Write tab marks the passage with the chair's comment; reply, revise, resubmit."""
    context, page = new_page(browser)
    page.goto(served.url(PERU, code), timeout=TIMEOUT)
    page.locator(".mb-header-status .mb-review-status").wait_for(timeout=TIMEOUT)
    assert "Changes requested by Ana Ruiz" in page.locator(".mb-header-status").inner_text()
    page.get_by_role("tab", name="Write").click()
    beside = page.locator(".mb-beside").first
    beside.locator("mark.mb-passage", has_text=PASSAGE).wait_for(timeout=TIMEOUT)
    assert comment in beside.inner_text()
    thread = beside.locator(".mb-thread").first
    thread.locator("textarea").fill("Added the figure from the WHO report.")
    page.wait_for_timeout(500)
    thread.get_by_role("button", name="Reply").click()
    page.get_by_text("Added the figure from the WHO report.").first.wait_for(timeout=TIMEOUT)
    box = page.locator(SECTION)
    box.fill(box.input_value().replace(PASSAGE, "Peru seized 1.2 million fake antimalarials"))
    page.get_by_text("All changes saved").wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_text("Revised: you submitted again").first.wait_for(timeout=TIMEOUT)
    context.close()


def advisor_comments_on_the_draft(served, browser, code: str) -> None:
    """The advisor opens Peru's latest draft and pins a comment; the delegate sees it at once."""
    from widgets.store import Store

    store = Store()
    store.add_code("ADVI-SORL-IMA1", "advisor", school="Lima School")
    store.dispose()
    context, page = new_page(browser)
    page.goto(served.url("apps/advisor.ipynb", "ADVI-SORL-IMA1"), timeout=TIMEOUT)
    reader = page.locator(".mb-draft-reader")
    reader.get_by_role("button", name="Open").click(timeout=TIMEOUT)
    comments = page.locator(".mb-paper-comments")
    comments.locator("select").first.select_option(label="Topic A · Topic background")
    page.locator(".mb-picker-text").get_by_text("DIGEMID", exact=False).wait_for(timeout=TIMEOUT)
    drag_over(page, "DIGEMID")
    page.get_by_text("Selected: “DIGEMID”").wait_for(timeout=TIMEOUT)
    comments.locator("textarea").fill("Spell out DIGEMID once.")
    comments.get_by_role("button", name="Add comment").click()
    page.get_by_text("Comment saved.").wait_for(timeout=TIMEOUT)
    context.close()
    context, page = new_page(browser)
    page.goto(served.url(PERU, code), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    page.locator("mark.mb-passage", has_text="DIGEMID").wait_for(timeout=TIMEOUT)
    assert "Spell out DIGEMID once." in page.locator(".mb-beside").first.inner_text()
    context.close()


def advisor_sees_the_released_grade(served, browser) -> str:
    context, page = new_page(browser)
    page.goto(served.url("apps/advisor.ipynb", "ADVI-SORL-IMA1"), timeout=TIMEOUT)
    part = page.locator(".mb-released-feedback")
    part.get_by_role("button", name="Show feedback").click(timeout=TIMEOUT)
    part.get_by_text("Total", exact=False).first.wait_for(timeout=TIMEOUT)
    text = part.inner_text(timeout=TIMEOUT)
    context.close()
    return text


def feedback_pdf_text(key: str, peru: int) -> str:
    from widgets import settings
    from widgets.store import Store
    from widgets.workflows import review

    store = Store()
    store.set_feedback_release(key, datetime.now(UTC) - timedelta(minutes=1))
    pdf = review.feedback_pdf(store, peru)
    store.dispose()
    (settings.home() / "feedback-loop.pdf").write_bytes(pdf)  # to look at (pdftoppm)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def open_grade(served, browser, code: str, name: str | None):
    """The chair app with a chair's own code, on the Grade tab."""
    context, page = new_page(browser)
    page.goto(served.url("apps/chair.ipynb", code), timeout=TIMEOUT)
    if name:
        page.get_by_text(f"Signed in as {name}").wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Grade").click()
    page.get_by_label("Show").select_option(label="All submitted papers")
    page.locator(".mb-grade-title", has_text="Peru").wait_for(timeout=TIMEOUT)
    return context, page


def score(page, points: list[str]) -> None:
    boxes = page.locator(".mb-rubric input[type=number]")
    for i, value in enumerate(points):
        boxes.nth(i).fill(value)
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Save my scores").click()
    page.get_by_text("Saved:").first.wait_for(timeout=TIMEOUT)


def chair_comments_scores_and_requests_changes(page) -> str:
    """Select the passage, insert a bank comment, score, request changes; the comment."""
    comments = page.locator(".mb-grade .mb-paper-comments")
    comments.locator("select").first.select_option(label="Topic A · Topic background")
    comments.locator(".mb-picker-text").get_by_text("Peru seized", exact=False).wait_for(
        timeout=TIMEOUT
    )
    drag_over(page, PASSAGE)
    page.get_by_text(f"Selected: “{PASSAGE}”").wait_for(timeout=TIMEOUT)
    comments.locator(".mb-bank-entry", has_text=BANK).first.click()
    box = comments.locator("textarea")
    page.wait_for_function("el => el.value.length > 0", arg=box.element_handle(), timeout=TIMEOUT)
    said = box.input_value()
    comments.get_by_role("button", name="Add comment").click()
    page.get_by_text("Comment saved.").wait_for(timeout=TIMEOUT)
    score(page, ["9", "9", "9", "9", "9"])
    status = page.locator(".mb-grade .mb-status-controls")
    status.locator(".mb-status-note textarea").fill("Please add a figure for the seizure.")
    page.wait_for_timeout(500)
    status.get_by_role("button", name="Request changes").click()
    status.get_by_text("Review: changes requested").wait_for(timeout=TIMEOUT)
    return said


def test_the_whole_review_loop(served, browser, home):
    from widgets.store import Store
    from widgets.workflows import staff

    key, peru, code = reviewing_peru(home)
    store = Store()
    _, ana = staff.add(store, "chair", "Ana Ruiz", committee=key)
    store.dispose()
    bo = secretariat_adds_a_chair(served, browser, "REVIEWPOL", "Bo Chen")

    context, page = open_grade(served, browser, ana, "Ana Ruiz")
    comment = chair_comments_scores_and_requests_changes(page)
    context.close()

    delegate_replies_and_revises(served, browser, code, comment)

    context, page = open_grade(served, browser, ana, "Ana Ruiz")
    compare = page.get_by_role("button", name="Compare with the previous submission")
    compare.click(timeout=TIMEOUT)
    moved = page.locator(".mb-compare-comments")
    moved.get_by_text("passage changed").wait_for(timeout=TIMEOUT)
    assert comment[:30] in moved.inner_text()
    status = page.locator(".mb-grade .mb-status-controls")
    status.get_by_role("button", name="Accept").click()
    status.get_by_text("Review: accepted").wait_for(timeout=TIMEOUT)
    context.close()

    context, page = open_grade(served, browser, bo, "Bo Chen")
    score(page, ["2", "2", "2", "2", "2"])  # 90 and 20: far past the 15-point spread
    flag = page.locator(".mb-spread-flag")
    flag.wait_for(timeout=TIMEOUT)
    assert "differ by 70" in flag.inner_text()  # 90 from Ana, 20 from Bo
    context.close()

    store = Store()
    marks = [m.status for m in store.status_marks(peru)]
    assert marks == ["changes_requested", "accepted"] and len(store.submissions(peru)) == 2
    assert sorted(r["chair"] for r in store.reviews(peru)) == ["staff:1", "staff:2"]
    store.dispose()

    advisor_comments_on_the_draft(served, browser, code)
    text = feedback_pdf_text(key, peru)
    assert "Peru seized 1.2 million fake antimalarials" in text  # the revised passage, marked
    assert comment[:30] in text and "Spell out DIGEMID" not in text  # the chair's note only
    released = advisor_sees_the_released_grade(served, browser)
    assert "55 / 100" in released and comment[:30] in released  # mean of 90 and 20


def test_a_blind_committee_shows_no_name_in_the_loop(served, browser, home):
    from widgets.store import Store
    from widgets.workflows import staff

    key, _, _ = reviewing_peru(home, blind=True)
    store = Store()
    _, ana = staff.add(store, "chair", "Ana Ruiz", committee=key)
    store.dispose()
    context, page = open_grade(served, browser, ana, "Ana Ruiz")
    chair_comments_scores_and_requests_changes(page)
    for tab in ("Submissions", "Grade", "Overlap", "Feedback and binder"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        shown = page.locator(".mb-chair").inner_text()
        assert "Rosa Quispe" not in shown and "Lima School" not in shown, tab
    context.close()
