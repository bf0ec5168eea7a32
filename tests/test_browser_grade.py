"""End-to-end: a chair with their own code grades in chromium (open a row, score, Next)."""

import os
from pathlib import Path

import nbformat
import pytest

from widgets.paper.notebook import paper_notebook
from widgets.store import Store
from widgets.workflows import staff

pytestmark = pytest.mark.browser
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
SECTIONS = ("background", "past_action", "country_policy", "solutions")
KENYA = (
    "Kenya works with AFRIPOL on Operation Pangea. Its Pharmacy and Poisons Board tests "
    "medicines at the border, and its National Central Bureau shares notices with its "
    "neighbours within hours"
)
SHOTS = Path(os.environ.get("MUNBOOK_SHOTS", "")) if os.environ.get("MUNBOOK_SHOTS") else None


def submit(store: Store, iso: str, text: str, delegate: str, school: str) -> None:
    store.upsert_delegation("interpol", iso, delegate, school)
    delegation = store.find_delegation("interpol", iso)
    sections = {f"{t}.{s}": f"{text} ({t}, {s})." for t in "AB" for s in SECTIONS}
    nb = paper_notebook("interpol", delegation, {"sections": sections, "disclosure": "None."})
    store.add_submission(
        delegation.id,
        notebook=nbformat.writes(nb),
        pdf=b"%PDF-1.7",
        sha256=iso * 21 + "x",
        seconds_late=0,
        pages=1,
        words=60,
        text=text,
    )


def test_a_chair_opens_a_row_scores_and_moves_on(served, page):
    store = Store()
    submit(store, "KEN", KENYA, "Wanjiru Kamau", "Nairobi Academy")
    submit(
        store,
        "JPN",
        "Japan funds training at the Global Complex for Innovation",
        "Aiko Sato",
        "Kyoto High",
    )
    _, code = staff.add(store, "chair", "Ana Ruiz", committee="interpol")
    store.dispose()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served.url("apps/chair.ipynb", code), timeout=TIMEOUT)
    page.get_by_text("Signed in as Ana Ruiz").wait_for(timeout=TIMEOUT)
    # The Submissions row's button, from the keyboard: focus it and press Enter.
    row = page.get_by_role("button", name="Grade the paper of: Kenya")
    row.focus()
    row.press("Enter")
    page.locator(".mb-grade-title", has_text="Kenya").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("tab", name="Grade").get_attribute("aria-selected") == "true"
    reader = page.locator(".mb-paper-text", has_text="within hours (A, background).")
    reader.wait_for(timeout=TIMEOUT)
    assert "weight 15 %" in page.locator(".mb-rubric").inner_text()
    boxes = page.locator(".mb-rubric input[type=number]")
    boxes.nth(0).fill("8")
    page.get_by_text("8 of 10 × 15 % = 12").wait_for(timeout=TIMEOUT)
    page.get_by_text("Total: 12 / 100").wait_for(timeout=TIMEOUT)
    boxes.nth(2).fill("5")
    page.get_by_text("Total: 27 / 100").wait_for(timeout=TIMEOUT)
    if SHOTS:
        page.screenshot(path=str(SHOTS / "chair-grade-1280.png"), full_page=True)
    page.get_by_role("button", name="Save my scores").click()
    page.get_by_text("Saved: 27 / 100 from you.").wait_for(timeout=TIMEOUT)
    page.get_by_text("1 of 2 scored by you").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Previous").click()  # Japan: the one left to score
    page.locator(".mb-grade-title", has_text="Japan").wait_for(timeout=TIMEOUT)
    page.locator(".mb-paper-text", has_text="Japan funds training").wait_for(timeout=TIMEOUT)
    page.get_by_text("Total: 0 / 100").wait_for(timeout=TIMEOUT)  # nothing of Kenya's carried over
    page.get_by_label("Show").select_option(label="All submitted papers")
    page.get_by_text("Paper 1 of 2 in this list").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Next").click()
    page.locator(".mb-grade-title", has_text="Kenya").wait_for(timeout=TIMEOUT)
    page.get_by_text("Total: 27 / 100").wait_for(timeout=TIMEOUT)  # Ana's own, read back
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "chair-grade-390.png"), full_page=True)
    store = Store()
    saved = store.reviews(store.find_delegation("interpol", "KEN").id)
    assert [(r["chair"], r["scores"]["Topic background"]) for r in saved] == [("staff:1", 8.0)]


def test_a_chair_comments_on_a_passage_in_the_grade_tab(served, page):
    from test_browser_comments import drag_over, no_serious_findings

    store = Store()
    submit(store, "KEN", KENYA, "Wanjiru Kamau", "Nairobi Academy")
    _, code = staff.add(store, "chair", "Ana Ruiz", committee="interpol")
    store.dispose()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served.url("apps/chair.ipynb", code), timeout=TIMEOUT)
    page.get_by_text("Signed in as Ana Ruiz").wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Grade").click()
    comments = page.locator(".mb-grade .mb-paper-comments")
    comments.locator("select").first.select_option(label="Topic A · Topic background")
    picker = comments.locator(".mb-picker-text")
    picker.get_by_text("Kenya works", exact=False).wait_for(timeout=TIMEOUT)
    # One reader: the whole paper's text is hidden while a section is shown to select in.
    assert not page.locator(".mb-grade .mb-paper-text").is_visible()
    drag_over(page, "Pharmacy and Poisons Board")
    page.get_by_text("Selected: “Pharmacy and Poisons Board”").wait_for(timeout=TIMEOUT)
    bank = comments.locator(".mb-bank-entry").first
    said = bank.get_attribute("title") or bank.inner_text()
    bank.click()
    textarea = comments.locator("textarea")
    page.wait_for_function(
        "el => el.value.length > 0", arg=textarea.element_handle(), timeout=TIMEOUT
    )
    comments.get_by_role("button", name="Add comment").click()
    page.get_by_text("Comment saved.").wait_for(timeout=TIMEOUT)
    card = comments.locator(".mb-comment", has_text="Pharmacy and Poisons Board")
    card.wait_for(timeout=TIMEOUT)
    assert said.strip()[:30] in card.inner_text()
    assert (
        page.locator(".mb-grade .mb-status-controls")
        .get_by_role("button", name="Accept")
        .is_visible()
    )
    no_serious_findings(page)  # the reader, the bank, the cards and the status controls
    if SHOTS:
        page.screenshot(path=str(SHOTS / "chair-grade-comments-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "chair-grade-comments-390.png"), full_page=True)
    store = Store()
    saved = store.comments(store.find_delegation("interpol", "KEN").id, chairs_only=True)
    assert [(c.quote, c.author_key) for c in saved] == [("Pharmacy and Poisons Board", "staff:1")]
