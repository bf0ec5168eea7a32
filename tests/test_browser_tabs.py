"""In chromium: two tabs of one workbook, and a tab closed with text over a limit.

Two tabs that changed different sections both keep them; the same section
shows both texts side by side to choose from; text past a limit is asked
about before the tab closes and is back when the workbook opens again.
"""

from __future__ import annotations

import pytest

from widgets.core import limits

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine


def box(key: str) -> str:
    topic, section = key.split(".")
    return f".mb-section-{topic}-{section} textarea"


def opened(context, url: str):
    page = context.new_page()
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    return page


def type_into(page, key: str, text: str) -> None:
    field = page.locator(box(key))
    field.click()
    field.press("End")
    field.press_sequentially(text, delay=5)


def saved_sections() -> dict[str, str]:
    from widgets.store import Store

    store = Store()
    kenya = store.find_delegation("interpol", "KEN")
    latest = store.latest_draft(kenya.id)
    return latest.content["sections"] if latest else {}


def test_two_tabs_keep_their_own_sections(served, browser, demo_home):
    context = browser.new_context()
    url = served.url(KENYA, demo_home["Kenya"])
    first, second = opened(context, url), opened(context, url)
    type_into(first, "A.background", "first tab")
    first.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    type_into(second, "B.past_action", "second tab")
    second.get_by_text("changes to Topic A · Topic background").wait_for(timeout=TIMEOUT)
    assert second.locator(box("A.background")).input_value() == "first tab"
    assert second.locator(".mb-conflict").count() == 0
    sections = saved_sections()
    assert sections["A.background"] == "first tab" and sections["B.past_action"] == "second tab"
    context.close()


def test_the_same_section_shows_both_texts_and_keeps_both(served, browser, demo_home):
    context = browser.new_context()
    url = served.url(KENYA, demo_home["Kenya"])
    first, second = opened(context, url), opened(context, url)
    type_into(first, "A.solutions", "first tab")
    first.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    type_into(second, "A.solutions", "second tab")
    second.locator(".mb-conflict-box").wait_for(timeout=TIMEOUT)
    alert = second.locator(".mb-conflict").inner_text()
    assert "now version 1" in alert
    assert "version 1" in second.locator(".mb-status").inner_text()  # banner and box agree
    sides = second.locator(".mb-clash-text").all_inner_texts()
    assert sides == ["second tab", "first tab"]
    second.locator(".mb-conflict-box").scroll_into_view_if_needed()
    second.screenshot(path=str(served.log.parent / "conflict-both.png"))
    second.get_by_role("button", name="Keep both").click()
    second.get_by_text("All changes saved · version 2").wait_for(timeout=TIMEOUT)
    assert saved_sections()["A.solutions"] == "second tab\n\nfirst tab"
    context.close()


def test_a_closed_tab_keeps_text_over_the_limit(served, browser, demo_home):
    context = browser.new_context()
    url = served.url(KENYA, demo_home["Kenya"])
    page = opened(context, url)
    too_long = "word " * (limits.SECTION_WORDS + 1)
    page.locator(box("A.background")).fill(too_long)
    page.get_by_text("Kept aside for you").wait_for(timeout=TIMEOUT)
    asked = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_event("close", timeout=TIMEOUT)
    assert asked == ["beforeunload"]
    assert saved_sections().get("A.background", "") != too_long  # never a version, not the paper
    again = opened(context, url)
    again.get_by_text("Your text is back.").wait_for(timeout=TIMEOUT)
    assert again.locator(box("A.background")).input_value() == too_long
    again.locator(".mb-held").scroll_into_view_if_needed()
    again.screenshot(path=str(served.log.parent / "held-back.png"))
    context.close()


def test_a_saved_page_closes_without_asking(served, browser, demo_home):
    context = browser.new_context()
    page = opened(context, served.url(KENYA, demo_home["Kenya"]))
    type_into(page, "A.background", "saved text")
    page.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(2_000)  # past the template's wait for a keystroke's answer
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    page.wait_for_event("close", timeout=TIMEOUT)
    assert asked == []
    context.close()
