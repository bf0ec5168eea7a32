"""In chromium: every wait of the Paper tab says what is happening before its result shows.

A MutationObserver in the page records, in order, each busy line (``.mb-busy``)
and the result, so a busy state that came only with the result, or never,
fails. How soon it shows is a figure of ``make bench busy``, not asserted here.
"""

from __future__ import annotations

import pytest
from conftest import full_content, seed_kenya

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine

WATCH = """
(result) => {
  window.__said = [];
  const look = () => {
    const busy = document.querySelector('.mb-busy');
    const last = window.__said[window.__said.length - 1];
    if (busy && last !== busy.textContent) window.__said.push(busy.textContent);
    if (!busy && document.querySelector(result) && last !== 'RESULT') window.__said.push('RESULT');
  };
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, attributes: true, characterData: true});
}
"""


def said(page) -> list[str]:
    """The busy lines and then the result, in the order the page showed them."""
    page.wait_for_function("window.__said.includes('RESULT')", timeout=TIMEOUT)
    shown = page.evaluate("window.__said")
    return shown[: shown.index("RESULT") + 1]


def test_preview_and_submit_say_what_they_do_before_the_result(served, page, demo_home):
    seed_kenya(full_content(10), 80)  # 80 words: far under, so submitting asks first
    page.goto(served.url(KENYA, demo_home["Kenya"]), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)

    page.evaluate(WATCH, ".mb-paper-page")
    page.get_by_role("tab", name="Paper & submit").click()
    first = said(page)
    assert first[0].startswith("Making the PDF of your latest saved draft"), first
    assert first[-1] == "RESULT"
    assert page.locator(".mb-busy").count() == 0  # the busy line is gone with the wait

    page.evaluate(WATCH, ".mb-confirm")
    page.get_by_role("button", name="Submit my paper").click()
    check = said(page)
    assert check[0] == "Checking your paper against the committee's rules…", check
    assert "Before you submit" in page.locator(".mb-confirm").inner_text()

    page.evaluate(WATCH, ".mb-receipt .mb-sha")
    page.get_by_role("button", name="Submit anyway").click()
    stored = said(page)
    assert stored[0] == "Submitting: making the PDF and storing it…", stored
