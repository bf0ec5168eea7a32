"""End-to-end: a section past its limit in chromium shows the limit and keeps the text."""

import pytest

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
SECTION = ".mb-section-A-background textarea"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine


def test_a_section_past_its_limit_is_refused_in_the_page(served, page, demo_home):
    page.goto(served.url(KENYA, demo_home["Kenya"]), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    box = page.locator(SECTION)
    meter = page.locator(".mb-meter-text")  # one meter for the paper, no count per section
    assert meter.count() == 1 and meter.inner_text().startswith("0 of 600 words")
    long = "Counterfeit medicines kill. " * 720  # 20,160 characters
    box.fill(long)
    limit = page.locator(".mb-limit").first
    limit.wait_for(timeout=TIMEOUT)
    assert "20,160 characters; the limit is 20,000. Shorten it by 160 characters." in (
        limit.inner_text()
    )
    page.get_by_text("Not saved: Topic A · Topic background has 20,160").wait_for(timeout=TIMEOUT)
    limit.scroll_into_view_if_needed()
    page.screenshot(path=str(served.log.parent / "limit.png"), full_page=False)
    assert box.input_value() == long  # nothing cut
    box.fill(long[:19_000])
    page.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    assert page.locator(".mb-limit").count() == 0
