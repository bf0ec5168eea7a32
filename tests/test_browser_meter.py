"""End-to-end: the Write tab shows one length meter, and the Paper tab's checklist agrees."""

from pathlib import Path

import pytest
from conftest import seed_kenya
from test_meter import paper_of

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
SHOTS = Path("/tmp/limits-shots")  # looked at by a person, not compared


def seed(words: int) -> int:
    return seed_kenya(paper_of(words), words)


@pytest.mark.parametrize("width", [1280, 390])
def test_one_meter_that_the_checklist_agrees_with(served, browser, demo_home, width):
    from widgets.core import committees
    from widgets.paper import fit

    seed(677)
    fits = fit.words_that_fit(committees.load("interpol"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.url(KENYA, demo_home["Kenya"]), timeout=TIMEOUT)
        page.wait_for_selector(".mb-app", timeout=TIMEOUT)
        page.get_by_role("tab", name="Write").click()
        meter = page.locator(".mb-meter-text")
        meter.first.wait_for(timeout=TIMEOUT)
        assert meter.count() == 1 and page.locator("meter").count() == 1
        said = meter.inner_text()
        assert said.startswith("677 of 600 words · about 2.1 of 2 pages")
        assert page.get_by_text("/ 3,000 words").count() == 0  # no count under every section
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"write-{width}.png"), full_page=False)
        page.get_by_role("tab", name="Paper & submit").click()
        page.get_by_role("button", name="Refresh preview").click()
        checklist = page.locator(".mb-checklist")
        checklist.get_by_text("677 words").wait_for(timeout=TIMEOUT)
        text = checklist.inner_text()
        assert "The paper has 677 words; INTERPOL allows 600" in text
        assert f"about {fits} words fit" in text and "less than half" not in text
        page.screenshot(path=str(SHOTS / f"paper-{width}.png"), full_page=False)
    finally:
        context.close()
