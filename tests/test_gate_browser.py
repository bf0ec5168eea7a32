"""The gate in chromium: the code can be shown to check it, and Enter opens the page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000


def test_show_the_code_then_enter_opens_the_workbook(served, page, demo_home):
    page.goto(served.url(KENYA), timeout=TIMEOUT)
    box = page.locator(".mb-gate .mb-code-field input")
    box.wait_for(timeout=TIMEOUT)
    assert box.get_attribute("type") == "password"
    assert page.get_by_label("Access code").count() == 1  # the box has its label
    box.type(demo_home["Kenya"])  # what a student types, one key at a time
    toggle = page.get_by_role("button", name="Show the code")
    toggle.click()
    assert box.get_attribute("type") == "text" and box.input_value() == demo_home["Kenya"]
    assert page.get_by_role("button", name="Hide the code").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(served.log.parent / "gate-shown.png"))
    page.get_by_role("button", name="Hide the code").click()
    assert box.get_attribute("type") == "password"
    box.press("Enter")  # no click on Open
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    assert page.locator(".mb-code-field").count() == 0


def test_enter_with_a_wrong_code_says_so(served, page):
    page.goto(served.url(KENYA), timeout=TIMEOUT)
    box = page.locator(".mb-gate .mb-code-field input")
    box.wait_for(timeout=TIMEOUT)
    box.fill("WRNG-CODE-0000")
    box.press("Enter")
    page.get_by_text("That code does not open this page").wait_for(timeout=TIMEOUT)
    assert "server" not in page.locator(".mb-gate").inner_text()
