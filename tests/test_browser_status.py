"""End-to-end in chromium: the submission status, the submit-anyway step, History, and
the page at phone width (tabs, links, buttons, growing writing boxes).

Screenshots land beside the server log (``served.log.parent``) to be looked at.
"""

from __future__ import annotations

import pytest
from conftest import full_content, seed_kenya

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
SECTION = ".mb-section-A-background textarea"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine

PHONE = {"width": 390, "height": 844}


def seed(words_per_section: int) -> int:
    """Kenya's draft in the served store: every section written, 3 sources, the disclosure."""
    return seed_kenya(full_content(words_per_section), 8 * words_per_section)


def open_page(page, url: str):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".mb-gate, .mb-app", timeout=TIMEOUT)
    return page


def wait_saved(page, version: int):
    page.get_by_text(f"All changes saved · version {version}").wait_for(timeout=TIMEOUT)


def truncated(page, selector: str) -> list[str]:
    """Texts of the elements under ``selector`` that are cut off (wider than their box)."""
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)",
    )


def test_status_after_submit_reload_and_edit(served, page, demo_home):
    from widgets.store import Store

    kenya = seed(70)  # 560 words: no warning, so the first click submits
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    status = page.locator(".mb-header-status .mb-submission")
    status.wait_for(timeout=TIMEOUT)
    assert status.inner_text().startswith("Not submitted")
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_text("2 pages of 2 allowed").wait_for(timeout=TIMEOUT)
    link = page.locator("a.mb-download")
    style = link.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]"
    )
    assert style == ["rgb(11, 87, 208)", "underline"]  # #0b57d0: 6.6:1 on white
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_text("Submitted version 1 at").first.wait_for(timeout=TIMEOUT)
    sha = Store().submissions(kenya)[-1]["sha256"]
    # The page fixture's browser is in UTC; times are said in the reader's zone, named.
    assert "(on time)" in status.inner_text() and "your time (UTC)" in status.inner_text()
    assert sha in page.locator(".mb-receipt").inner_text()
    page.screenshot(path=str(served.log.parent / "status-submitted.png"), full_page=True)

    open_page(page, served.url(KENYA, demo_home["Kenya"]))  # a reload reads the store
    status.wait_for(timeout=TIMEOUT)
    assert status.inner_text().startswith("Submitted version 1 at")
    assert page.locator(".mb-changed").count() == 0
    page.get_by_role("tab", name="Write").click()
    box = page.locator(SECTION)
    box.fill(box.input_value() + " and more")  # one change, so one save
    wait_saved(page, 2)
    changed = page.locator(".mb-header-status .mb-changed")
    changed.wait_for(timeout=TIMEOUT)
    assert "Your draft has changed since you submitted (now version 2): 2 more words" in (
        changed.inner_text()
    )
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_text("not the paper you submitted").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(served.log.parent / "status-changed.png"), full_page=True)

    page.get_by_role("tab", name="History").click()  # opens on the latest, submitted marked
    page.locator(".mb-history-preview").wait_for(timeout=TIMEOUT)
    assert page.locator(".mb-history-preview").inner_text().startswith("Version 2")
    options = [  # ipywidgets shows spaces as no-break spaces
        o.replace("\xa0", " ")
        for o in page.locator(".mb-history-list select option").all_inner_texts()
    ]
    assert options[0].startswith("version 2") and options[1].endswith("· submitted")
    page.locator(".mb-history-list select").select_option(index=1)
    page.get_by_text("Version 1 — the version you submitted").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(served.log.parent / "history.png"), full_page=True)


def test_submit_anyway_and_go_back(served, page, demo_home):
    from widgets.store import Store

    kenya = seed(5)  # 40 words: far under the 600-word limit
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_text("Before you submit").wait_for(timeout=TIMEOUT)
    assert "less than half of the 600 words" in page.locator(".mb-confirm").inner_text()
    page.screenshot(path=str(served.log.parent / "submit-anyway.png"), full_page=True)
    page.get_by_role("button", name="Go back").click()
    page.get_by_text("Not submitted. Finish the paper").wait_for(timeout=TIMEOUT)
    assert Store().submissions(kenya) == []
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.get_by_text("Submitted version 1 at").first.wait_for(timeout=TIMEOUT)
    assert len(Store().submissions(kenya)) == 1
    seed(9)  # the draft grows to 72 words after the submission

    # the advisor's table shows the submitted paper's own words; its links look like links
    page.goto(served.url("apps/advisor.ipynb"), timeout=TIMEOUT)
    page.fill(".mb-gate input[type=password]", demo_home["secretariat"], timeout=TIMEOUT)
    page.get_by_role("button", name="Open").click()
    page.get_by_text("munbook · secretariat").wait_for(timeout=TIMEOUT)
    row = page.locator(".mb-table tr", has_text="Kenya").inner_text().split("\t")
    assert "submitted" in row and "40" in row and "72" not in row
    link = page.locator(".widget-html a[download]").first
    assert link.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]"
    ) == ["rgb(11, 87, 208)", "underline"]


def test_phone_width_tabs_buttons_and_boxes(served, browser, demo_home):
    from widgets.store import Store

    kenya = seed(5)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, served.url(KENYA, demo_home["Kenya"]))
        page.wait_for_selector(".mb-app", timeout=TIMEOUT)
        tabs = page.locator(".mb-app > .widget-tab > .lm-TabBar .lm-TabBar-tab")
        assert tabs.count() == 7 and not truncated(page, ".mb-app .lm-TabBar-tabLabel")
        assert all(box["x"] + box["width"] <= PHONE["width"] for box in _boxes(tabs))
        page.screenshot(path=str(served.log.parent / "phone-tabs.png"))
        page.get_by_role("tab", name="Write").click()
        box = page.locator(SECTION)
        before = box.bounding_box()["height"]
        assert before >= 150  # a taller start than the old 9em
        box.fill("A line of text.\n" * 30)
        assert box.bounding_box()["height"] > before + 100  # it grows with its text
        wait_saved(page, 2)
        # another device saves the same section: the choice's buttons fit on a phone
        store = Store()
        latest = store.latest_draft(kenya)
        content = dict(latest.content, sections=dict(latest.content["sections"]))
        content["sections"]["A.background"] = "From another device."
        store.save_draft(kenya, content, latest.version)
        box.press_sequentially(" more", delay=5)
        page.get_by_role("button", name="Take the other tab's").wait_for(timeout=TIMEOUT)
        assert not truncated(page, ".mb-app .jupyter-button")
        page.locator(".mb-conflict").scroll_into_view_if_needed()
        page.screenshot(path=str(served.log.parent / "phone-conflict.png"))
        page.get_by_role("button", name="Take the other tab's").click()
        wait_saved(page, 4)
        page.get_by_role("tab", name="History").click()
        page.locator(".mb-history-preview").wait_for(timeout=TIMEOUT)
        assert not truncated(page, ".mb-app .jupyter-button")
        page.screenshot(path=str(served.log.parent / "phone-history.png"))
        page.get_by_role("tab", name="Paper & submit").click()
        page.get_by_text("Download PDF").wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(served.log.parent / "phone-paper.png"), full_page=True)
    finally:
        context.close()


def _boxes(locator) -> list[dict]:
    return [locator.nth(i).bounding_box() for i in range(locator.count())]
